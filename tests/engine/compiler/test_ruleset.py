from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.ruleset import compile_text
from probity.engine.errors import RuleFileError
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "broken.yaml")
    return [str(d) for d in caught.value.diagnostics]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_every_problem_is_reported_in_one_run_at_its_line() -> None:
    text = (
        MINI.replace("    weight: 40", "    wieght: 40")
        .replace("when: coi.declared\n", "when: coi.declard\n")
        .replace("id: LEAD-01", "id: INT-02")
        .replace("when: staff.ethics_training_pct >= 60", "when: staff.ethics_training_pct >= 95")
        .replace("    when: policies contains", "    when: policies containz")
    )
    found = problems(text)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "- id: INT-02" in line][1]
    expected = [
        f"broken.yaml:{line_of(text, 'wieght')}:5: unknown key 'wieght'; did you mean 'weight'?",
        f"broken.yaml:{line_of(text, 'coi.declard')}:11: unknown field 'coi.declard'; "
        "did you mean 'coi.declared'?",
        f"broken.yaml:{second}:5: duplicate criterion id 'INT-02'",
    ]
    for item in expected:
        assert item in found, found
    assert any("can never be reached" in p and f":{line_of(text, '>= 95')}:" in p for p in found)
    assert any("unexpected 'containz'" in p for p in found)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight: 40", "weight: 30"), "principle weights add up to 90, not 100"),
        (("kind: tender", "kind: tendr"), "'tendr' is not allowed here"),
        (("version: 1.0.0", "version: one"), "use a version like 1.2.0"),
        (
            ("principle: leadership", "principle: leadershp"),
            "no principle 'leadershp'; did you mean",
        ),
        (
            ("      band: excluded", "      band: exclded"),
            "no band 'exclded'; did you mean 'excluded'",
        ),
        (
            ("{staff.ethics_training_pct}% of staff are trained.", "{staff.training}"),
            "unknown placeholder",
        ),
        (("    points: 2\n", "    points: two\n"), "expected a whole number"),
        (("gate_failure: true", "gate_failure: false\n    min_total: 0"), "exactly one band"),
    ],
)
def test_each_kind_of_problem_has_a_plain_message(change: tuple[str, str], message: str) -> None:
    text = MINI.replace(*change, 1)
    assert text != MINI
    found = problems(text)
    assert any(message in p for p in found), found
    assert all(p.startswith("broken.yaml:") for p in found)


def test_yaml_syntax_error_points_at_the_line() -> None:
    text = MINI.replace("title: Interests declared", "title: [Interests declared")
    (problem,) = problems(text)
    assert problem.startswith("broken.yaml:")
    assert "YAML syntax" in problem


def test_duplicate_yaml_key() -> None:
    text = MINI.replace("kind: tender\n", "kind: tender\nkind: tender\n")
    (problem,) = problems(text)
    line = line_of(MINI, "kind: tender") + 1
    assert problem == f"broken.yaml:{line}:1: YAML syntax: this key appears twice in the same block"


def test_digest_is_of_the_source_text(mini) -> None:  # type: ignore[no-untyped-def]
    again = compile_text(MINI, "other-name.yaml")
    assert again.digest == mini.digest
    assert compile_text(MINI + "\n# changed\n", "x.yaml").digest != mini.digest


_LINES = MINI.splitlines()


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, len(_LINES) - 1), st.sampled_from(["", "  ", "x:", "- ", "{", "when: a >", "~"])
)
def test_mangled_files_never_raise_anything_but_rule_file_errors(index: int, junk: str) -> None:
    lines = list(_LINES)
    lines[index] = junk + lines[index][len(junk) // 2 :]
    try:
        compile_text("\n".join(lines), "mangled.yaml")
    except RuleFileError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.line >= 1 and d.col >= 1 and d.message


def test_a_rule_file_in_the_fixtures_dir_loads(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(MINI)
    assert compile_text(path.read_text(), str(path)).id == "mini"
