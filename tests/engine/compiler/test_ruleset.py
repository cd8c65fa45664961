from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code, Diagnostic, RuleFileError
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text()


def diagnostics(text: str) -> list[Diagnostic]:
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "broken.yaml")
    return caught.value.diagnostics


def problems(text: str) -> list[str]:
    return [str(d) for d in diagnostics(text)]


def coded(text: str) -> set[tuple[int, Code]]:
    """Each problem as (line, code): what tests assert, whatever the wording."""
    return {(d.line, d.code) for d in diagnostics(text)}


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
    second = [n for n, line in enumerate(text.splitlines(), 1) if "- id: INT-02" in line][1]
    assert coded(text) == {
        (line_of(text, "wieght"), Code.SCHEMA),
        (line_of(text, "coi.declard"), Code.EXPRESSION_TYPE),
        (second, Code.DUPLICATE),
        (line_of(text, ">= 95"), Code.UNREACHABLE_LEVEL),
        (line_of(text, "containz"), Code.EXPRESSION_SYNTAX),
        # The principle's entry was dropped as unsound ('wieght'), so nothing else can use it.
        (line_of(text, "principle: leadership"), Code.UNKNOWN_REFERENCE),
    }
    found = problems(text)
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
    ("change", "code"),
    [
        (("weight: 40", "weight: 30"), Code.WEIGHTS),
        (("kind: tender", "kind: tendr"), Code.SCHEMA),
        (("version: 1.0.0", "version: one"), Code.SCHEMA),
        (("principle: leadership", "principle: leadershp"), Code.UNKNOWN_REFERENCE),
        (("      band: rejected", "      band: rejectd"), Code.UNKNOWN_REFERENCE),
        (
            ("{staff.ethics_training_pct}% of staff are trained.", "{staff.training}"),
            Code.PLACEHOLDER,
        ),
        (("    points: 2\n", "    points: two\n"), Code.SCHEMA),
        (("gate_failure: true", "gate_failure: false\n    min_total: 0"), Code.BANDS),
        (("when: coi.declared\n", "when: coi.declared and\n"), Code.EXPRESSION_SYNTAX),
        (("when: coi.declared\n", "when: coi.declared > 3\n"), Code.EXPRESSION_TYPE),
    ],
)
def test_each_kind_of_problem_has_its_code(change: tuple[str, str], code: Code) -> None:
    text = MINI.replace(*change, 1)
    assert text != MINI
    found = diagnostics(text)
    assert code in {d.code for d in found}, found
    # A sentence at file:line:col, not a traceback or an internal name.
    assert all(str(d).startswith("broken.yaml:") and " " in d.message for d in found)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight: 40", "weight: 30"), "principle weights add up to 90, not 100"),
        (("kind: tender", "kind: tendr"), "'tendr' is not allowed here"),
        (("      band: rejected", "      band: rejectd"), "did you mean 'rejected'"),
    ],
)
def test_messages_are_plain_sentences(change: tuple[str, str], message: str) -> None:
    found = problems(MINI.replace(*change, 1))
    assert any(message in p for p in found), found


def test_yaml_syntax_error_points_at_the_line() -> None:
    text = MINI.replace("title: Interests declared", "title: [Interests declared")
    (problem,) = diagnostics(text)
    assert problem.code == Code.YAML_SYNTAX
    assert str(problem).startswith("broken.yaml:")


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
            assert d.code in set(Code)


def test_a_rule_file_in_the_fixtures_dir_loads(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(MINI)
    assert compile_text(path.read_text(), str(path)).id == "mini"


def test_an_input_without_a_question_is_a_warning_not_a_problem() -> None:
    question = (
        "    question: Have you declared all your organisation's interests and relationships?\n"
    )
    text = MINI.replace(question, "")
    compiled = compile_text(text, "mini.yaml")
    (warning,) = compiled.warnings
    assert (warning.code, warning.severity, warning.line) == (
        Code.QUESTION,
        "warning",
        line_of(text, "  - path: coi.declared"),
    )
    assert str(warning).startswith(f"mini.yaml:{warning.line}:5: warning: input 'coi.declared'")
    assert compile_text(MINI, "mini.yaml").warnings == ()


@pytest.mark.parametrize("version", ["1.4.0-01", "01.0.0", "1.0.0+build", "1." + "0" * 60 + ".0"])
def test_a_version_the_ordering_cannot_compare_is_refused_in_words(version: str) -> None:
    """Issue 19, item 7: '1.4.0-01' was accepted here and failed (UNKNOWN) when compared."""
    problems = diagnostics(MINI.replace("version: 1.0.0", f"version: {version}"))
    assert [p.code for p in problems] == [Code.SCHEMA]
    assert "version" in problems[0].message


@pytest.mark.parametrize("version", ["1.0.0-rc.1", "1.0.0-0", "2.10.3-x-y.2"])
def test_versions_semver_orders_are_accepted(version: str) -> None:
    assert compile_text(MINI.replace("version: 1.0.0", f"version: {version}"), "m.yaml")


def test_a_rule_set_id_longer_than_its_file_name_can_be_is_refused() -> None:
    """Issue 19, item 7: a 240-character id failed to publish after it was logged."""
    (problem,) = diagnostics(MINI.replace("id: mini", "id: " + "a" * 240))
    assert problem.message == "'id' may be at most 100 characters"


@pytest.mark.parametrize("name", ["x" * 5000, "/etc/passwd", "../../outside.json"])
def test_a_tests_file_outside_the_folder_is_refused_at_its_line(name: str) -> None:
    """Issue 19, items 6 and 8: a 5,000-character file: aborted the run with no position."""
    text = MINI.replace("  - name: strong\n", f"  - name: strong\n    file: {name}\n", 1)
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "broken.yaml", folder=FIXTURES)
    (problem,) = caught.value.diagnostics
    assert problem.code is Code.TESTS and problem.line == line_of(text, "    file: ")
    assert "inside the rule set's folder" in problem.message
