"""The shipped rule sets: sound, tested, traceable to the source documents."""

from __future__ import annotations

import json
import re

import pytest

from engine.compiled import CompiledRuleSet
from engine.evaluator import Evaluator, Submission
from engine.testing import run_tests
from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_nolan_tender_has_40_to_60_criteria_and_every_principle(nolan: CompiledRuleSet) -> None:
    assert 40 <= len(nolan.criteria) <= 60
    assert {c.principle for c in nolan.criteria} == {p.id for p in nolan.principles}
    assert len(nolan.principles) == 7


def test_every_test_passes_with_full_coverage(nolan: CompiledRuleSet) -> None:
    report = run_tests(nolan)
    assert [c.name for c in report.cases if not c.passed] == []
    assert report.uncovered == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the checkout")
def test_every_source_quote_is_in_its_document(nolan: CompiledRuleSet) -> None:
    for criterion in nolan.criteria:
        document = _normal((SEEDS / criterion.source.document).read_text(encoding="utf-8"))
        position = 0
        for fragment in criterion.source.quote.split(" … "):  # an ellipsis skips page furniture
            found = document.find(_normal(fragment), position)
            assert found >= 0, (criterion.id, fragment)
            position = found


@pytest.mark.parametrize(
    ("example", "band"),
    [("strong", "compliant"), ("weak", "non_compliant"), ("excluded", "excluded")],
)
def test_examples_give_their_expected_band(nolan: CompiledRuleSet, example: str, band: str) -> None:
    record = json.loads((ROOT / f"rules/examples/nolan-tender/{example}.json").read_text())
    result = Evaluator(nolan).evaluate(Submission(record["id"], record["answers"]))
    assert result.band == band
    assert result.submission_id == record["id"]
    assert all(f.source.quote for f in result.findings)
