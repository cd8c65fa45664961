"""The shipped rule sets: sound, tested, traceable to the source documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.monitoring.monitor import Monitor
from probity.engine.registry import library_of
from probity.engine.testing import run_tests
from tests.conftest import ROOT, RULES, shipped


def test_nolan_tender_has_40_to_60_criteria_and_every_principle(nolan: CompiledRuleSet) -> None:
    assert 40 <= len(nolan.criteria) <= 60
    assert {c.principle for c in nolan.criteria} == {p.id for p in nolan.principles}
    assert len(nolan.principles) == 7


def test_every_test_passes_with_full_coverage(nolan: CompiledRuleSet) -> None:
    report = run_tests(nolan)
    assert [c.name for c in report.cases if not c.passed] == []
    assert report.uncovered == []


SHIPPED_FILES = sorted(RULES.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_finding_cites_a_verified_publication(path: Path) -> None:
    """Compiled as the product compiles it, each quote was found in the shipped library, so
    each source carries its publication; nothing points outside the repository."""
    ruleset = shipped(path)
    sources = [c.source for c in ruleset.criteria]
    if ruleset.monitoring is not None:
        sources = [c.source for c in ruleset.monitoring.checks]
    assert sources
    library = library_of(RULES)
    for source in sources:
        assert source.document in library.sources
        assert source.citation == library.sources[source.document].citation


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_shipped_rule_set_passes_its_tests_with_full_coverage(path: Path) -> None:
    report = run_tests(shipped(path))
    assert report.cases and [c.name for c in report.cases if not c.passed] == []
    assert report.uncovered == []


@pytest.mark.parametrize(
    ("example", "rating", "breached"),
    [("strong", "good", 0), ("weak", "inadequate", 12), ("breached", "inadequate", 8)],
)
def test_monitoring_examples_give_their_expected_rating(
    example: str, rating: str, breached: int
) -> None:
    monitor = Monitor(shipped(RULES / "ethical-standards-monitoring.yaml"))
    data = json.loads((RULES / f"examples/ethical-standards-monitoring/{example}.json").read_text())
    result = monitor.check(data)
    assert result.rating == rating and result.contract_id == data["contract"]["contract_id"]
    assert sum(f.outcome == "not_met" for f in result.findings) == breached
    assert len(result.findings) == 22 and all(
        f.source.quote for f in result.findings
    )  # 21 checks and RETURN-MISSING
    assert {p.principle for p in result.principles} == {
        "selflessness", "integrity", "objectivity", "accountability", "openness", "honesty",
        "leadership",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("example", "band"),
    [("strong", "compliant"), ("weak", "non_compliant"), ("rejected", "rejected")],
)
def test_examples_give_their_expected_band(nolan: CompiledRuleSet, example: str, band: str) -> None:
    record = json.loads((ROOT / f"rules/examples/nolan-tender/{example}.json").read_text())
    result = Evaluator(nolan).evaluate(Submission(record["id"], record["answers"]))
    assert result.band == band
    assert result.submission_id == record["id"]
    assert all(f.source.quote for f in result.findings)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_example_is_a_test_of_its_rule_set(path: Path) -> None:
    """Each shipped example's expected result is written in its rule set's tests, so
    `probity test` asserts it (the golden tests then pin the full result)."""
    ruleset = shipped(path)
    files = {t.file for t in ruleset.spec.tests if t.file}
    examples = {
        f"examples/{path.stem}/{p.name}" for p in (RULES / "examples" / path.stem).glob("*.json")
    }
    assert len(examples) >= 3 and examples <= files
    for test in ruleset.spec.tests:
        if test.file in examples:
            assert test.expect.criteria and (test.expect.band or test.expect.rating)


def test_tender_rule_sets_state_their_scale_and_gates_only_where_the_source_says_must() -> None:
    for path in SHIPPED_FILES:
        ruleset = shipped(path)
        if ruleset.kind != "tender":
            continue
        assert ruleset.spec.scale is not None and ruleset.spec.scale.max_points in (4, 5)
        for criterion in ruleset.spec.criteria:
            if criterion.gate:
                assert " must " in f" {criterion.source.quote} ", (path.stem, criterion.id)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_each_rule_set_records_its_reading_review(path: Path) -> None:
    reading = shipped(path).spec.reading
    assert reading is not None and reading.startswith("Reading review, ")


def test_a_threshold_the_source_does_not_give_is_cited_as_the_authoritys_choice() -> None:
    nolan = shipped(RULES / "nolan-tender.yaml")
    weak = json.loads((RULES / "examples" / "nolan-tender" / "weak.json").read_text())
    result = Evaluator(nolan).evaluate(Submission("w", weak["answers"]))
    cited = {f.criterion: f.source for f in result.findings}
    assert cited["SEL-04"].quote == (
        "The public want personalisation and a user-led definition of quality."
    )
    assert cited["SEL-04"].choice.startswith("The shares of 60% and 90% are the authority's")
    assert cited["INT-03"].choice and cited["LEA-08"].choice
    assert cited["INT-01"].choice == ""  # the sentence gives the duty whole


_THRESHOLD = re.compile(r"[<>]=?\s*(\d+(?:\.\d+)?)")
_COUNTS = ("periods", "times", "within", "more_than_percent", "within_months")


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_threshold_is_marked_as_the_authoritys_choice(path: Path) -> None:
    """A number a criterion compares with (beyond none or one), or a pattern's count, is not
    in any source sentence here: each is marked `choice:` with its reason."""
    for criterion in shipped(path).spec.criteria:
        conditions = [criterion.when or ""] + [level.when for level in criterion.levels or []]
        numbers = [n for n in _THRESHOLD.findall(" ".join(conditions)) if n not in ("0", "1")]
        breach = criterion.breach.model_dump() if criterion.breach else {}
        numbers += [str(breach[k]) for k in _COUNTS if k in breach and breach[k] not in (0, 1)]
        if numbers:
            assert criterion.source.choice, (criterion.id, numbers)
