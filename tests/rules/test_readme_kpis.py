"""rules/README.md teaches KPIs and `becomes_kpi` with a worked example (issue 35): the
extract it shows is in tests/fixtures/kpis-monitoring.yaml word for word, its table of
ratings is what the engine gives, and its commitment extract is the shipped tender's."""

from __future__ import annotations

import re

import pytest

from probity.engine.compiler.pipeline import load_file
from probity.engine.monitoring.monitor import Monitor
from tests.conftest import FIXTURES, RULES
from tests.engine.monitoring.test_kpis import _check, _kpi


def _section() -> str:
    readme = (RULES / "README.md").read_text()
    return readme.split("### Key performance indicators (`kpis`)", 1)[1].split("\n## ", 1)[0]


def test_the_readmes_kpi_extract_is_the_fixture() -> None:
    extracts = re.findall(r"```yaml\n(.*?)```", _section(), re.DOTALL)
    fixture = (FIXTURES / "kpis-monitoring.yaml").read_text()
    for line in extracts[0].splitlines():
        assert line in fixture, line
    tender = (RULES / "nolan-tender.yaml").read_text()
    for line in extracts[1].splitlines():
        if line.strip() not in ("inputs:", "type: number"):
            assert line.strip() in tender, line


@pytest.mark.parametrize(
    ("days", "said"),
    [
        ([9], "Good"),
        ([12], "Approaching target"),
        ([15], "Requires improvement"),
        ([16], "Inadequate"),
        ([12, 12], "Requires improvement"),
        ([9, None], "Other"),
    ],
)
def test_the_readmes_table_of_ratings_is_the_engines(days: list[int | None], said: str) -> None:
    assert f"| {said}" in _section()
    values = [{"days": d} if d is not None else {} for d in days]
    result = _check(Monitor(load_file(FIXTURES / "kpis-monitoring.yaml")), values)
    assert _kpi(result, "DAYS").periods[-1].label == said
