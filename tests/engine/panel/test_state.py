"""engine.panel.state: the panel's rules, read from its records (issue 34, item 2)."""

from __future__ import annotations

import pytest

from probity.engine.compiler.pipeline import compile_text
from probity.engine.panel.records import (
    ARISEN,
    DECLARED,
    MITIGATED,
    MODERATED,
    OPENED,
    SCORED,
    Record,
)
from probity.engine.panel.state import Panel, Refusal, criteria_of
from probity.engine.registry import library_of
from tests.conftest import FIXTURES

RULESET = compile_text((FIXTURES / "panel.yaml").read_text(), "panel.yaml", library_of(FIXTURES))
CRITERIA = criteria_of(RULESET)
BIDS = ("bid-a", "bid-b")
ANSWERS = {
    "quality.safeguards": "Staffing never falls below the ratio in schedule two.",
    "conduct.scrutiny_statement": "Our records are open to the commissioner at any time.",
}
GOOD = {
    "SEL-02": (3, "The staffing ratio is a real safeguard, but its checks are not described."),
    "ACC-01": (1, "The records are open to the commissioner at any time, as scrutiny needs."),
}


def _record(kind: str, by: str, **fields: object) -> Record:
    role = "lead" if by == "lead" else "evaluator"
    return Record(kind, by, role, "2026-12-06T00:00:00Z", **fields)  # type: ignore[arg-type]


def _panel(*records: Record) -> Panel:
    opened = _record(OPENED, "lead", evaluators=("ann", "bo", "cy"), divergence=1)
    return Panel.of("T-1", BIDS, CRITERIA, [opened, *records])


def _declared(evaluator: str, conflict_with: str = "") -> list[Record]:
    return [
        _record(DECLARED, evaluator, submission_id=b, conflict=b == conflict_with, text="my sister")
        for b in BIDS
    ]


def _refused(call: object, *args: object) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_the_panel_criteria_come_from_the_rule_set() -> None:
    assert [c.id for c in CRITERIA] == ["SEL-02", "ACC-01"]
    quality, scrutiny = CRITERIA
    assert quality.max_points == 4 and quality.descriptors[3].startswith("Good")
    assert quality.reads == (("quality.safeguards", "Safeguards for quality under cost pressure"),)
    assert scrutiny.gate and scrutiny.max_points == 1 and scrutiny.guidance


def test_no_bid_is_shown_before_every_interest_is_declared() -> None:
    panel = _panel(_record(DECLARED, "ann", submission_id="bid-a", text=""))
    refusal = _refused(panel.check_may_read, "ann", "bid-a")
    assert refusal.status == "failed_precondition" and "bid-b" in refusal.message
    assert _refused(_panel().check_may_read, "dee", "bid-a").status == "permission_denied"


def test_a_declared_conflict_keeps_an_evaluator_from_the_bid_until_mitigated() -> None:
    panel = _panel(*_declared("ann", conflict_with="bid-b"))
    panel.check_may_read("ann", "bid-a")
    refusal = _refused(panel.check_may_read, "ann", "bid-b")
    assert refusal.status == "permission_denied" and "my sister" in refusal.message
    mitigated = _record(
        MITIGATED, "lead", evaluator="ann", submission_id="bid-b", text="Other team"
    )
    _panel(*_declared("ann", conflict_with="bid-b"), mitigated).check_may_read("ann", "bid-b")


def test_scores_are_complete_on_the_scale_with_reasons_that_cite_the_bid() -> None:
    panel = _panel(*_declared("ann"))
    panel.check_scores("ann", "bid-a", GOOD, ANSWERS)
    partial = {"SEL-02": GOOD["SEL-02"]}
    assert _refused(panel.check_scores, "ann", "bid-a", partial, ANSWERS).field == "scores"
    high = {**GOOD, "SEL-02": (5, GOOD["SEL-02"][1])}
    assert _refused(panel.check_scores, "ann", "bid-a", high, ANSWERS).field == "scores[0].points"
    short = {**GOOD, "ACC-01": (1, "Fine.")}
    assert (
        _refused(panel.check_scores, "ann", "bid-a", short, ANSWERS).field == "scores[1].rationale"
    )
    vague = {**GOOD, "SEL-02": (3, "A thoroughly convincing answer in every single respect here.")}
    refusal = _refused(panel.check_scores, "ann", "bid-a", vague, ANSWERS)
    assert "refer to the bid's own text" in refusal.message


def _scored(evaluator: str, bid: str, points: int) -> list[Record]:
    return [
        _record(
            SCORED,
            evaluator,
            submission_id=bid,
            criterion=c,
            points=points if c == "SEL-02" else 1,
            text=why,
        )
        for c, (_, why) in GOOD.items()
    ]


def test_nobody_sees_a_bids_scores_before_submitting_their_own() -> None:
    records = [*_declared("ann"), *_declared("bo"), *_scored("ann", "bid-a", 4)]
    panel = _panel(*records)
    assert _refused(panel.check_may_see_scores, "bo", "evaluator", "bid-a").status == (
        "failed_precondition"
    )
    panel.check_may_see_scores("ann", "evaluator", "bid-a")
    panel.check_may_see_scores("lead", "lead", "bid-a")
    assert _refused(panel.check_scores, "ann", "bid-a", GOOD, ANSWERS).status == "already_exists"


def test_moderation_waits_for_every_reader_and_flags_divergence() -> None:
    records = [*_declared("ann"), *_declared("bo"), *_declared("cy", conflict_with="bid-a")]
    records += [*_scored("ann", "bid-a", 4)]
    why = "The staffing ratio in schedule two is a safeguard the panel agreed is strong."
    waiting = _refused(_panel(*records).check_moderation, "lead", "bid-a", "SEL-02", 3, why)
    assert "bo" in waiting.message and "cy" not in waiting.message  # cy may not read it
    panel = _panel(*records, *_scored("bo", "bid-a", 1))
    assert panel.divergent("bid-a", "SEL-02") and not panel.divergent("bid-a", "ACC-01")
    assert _refused(panel.check_moderation, "ann", "bid-a", "SEL-02", 3, why).status == (
        "permission_denied"
    )
    assert _refused(panel.check_moderation, "lead", "bid-a", "SEL-02", 3, "Agreed.").field == (
        "rationale"
    )
    panel.check_moderation("lead", "bid-a", "SEL-02", 3, why)
    done = _panel(
        *records,
        *_scored("bo", "bid-a", 1),
        _record(MODERATED, "lead", submission_id="bid-a", criterion="SEL-02", points=3, text=why),
    )
    assert not done.complete("bid-a")
    assert done.consensus("bid-a") == {"sel_02": {"points": 3, "rationale": why}}
    again = _refused(done.check_moderation, "lead", "bid-a", "SEL-02", 2, why)
    assert again.status == "already_exists"


def test_checks_on_the_panel_name_what_an_auditor_should_read() -> None:
    from probity.engine.panel.checks import checks, conflicts

    why = "The staffing ratio in schedule two is a safeguard the panel agreed is strong."
    records = [
        *_declared("ann"),
        *_declared("bo", conflict_with="bid-b"),
        *_declared("cy"),
        *_scored("ann", "bid-a", 4),
        *_scored("bo", "bid-a", 4),
        _record(SCORED, "cy", submission_id="bid-a", criterion="SEL-02", points=1, text=why),
        _record(SCORED, "cy", submission_id="bid-a", criterion="ACC-01", points=0, text=why),
        _record(MODERATED, "lead", submission_id="bid-a", criterion="SEL-02", points=4, text=why),
        _record(MITIGATED, "lead", evaluator="bo", submission_id="bid-b", text="Checked by ann."),
        _record(SCORED, "ann", submission_id="bid-a", criterion="SEL-02", points=2, text=why),
    ]
    panel = _panel(*records)
    found = {(c.kind, c.submission_id, c.criterion): c.said for c in checks(panel, records)}
    assert ("consensus_outside_range", "bid-a", "SEL-02") not in found  # 4 is within 1 to 4
    bias = found[("bias", "bid-a", "")]  # below the others on both criteria
    assert bias.startswith("cy scored bid bid-a below the rest of the panel on every criterion")
    assert "by 1.5 points on average (-2.0, -1.0)" in bias
    assert ("scored_after_moderation", "bid-a", "SEL-02") in found
    assert "Checked by ann." in found[("mitigation", "bid-b", "")]
    outside = _panel(
        *_declared("ann"), *_scored("ann", "bid-a", 1),
        _record(MODERATED, "lead", submission_id="bid-a", criterion="SEL-02", points=3, text=why),
    )  # fmt: skip
    said = {c.kind: c.said for c in checks(outside, [])}
    assert "is above every evaluator's score (1 to 1)" in said["consensus_outside_range"]
    lines = {(c.evaluator, c.submission_id): c.handled for c in conflicts(panel)}
    assert lines[("bo", "bid-b")] == "mitigated: may score the bid"
    assert lines[("bo", "bid-a")] == "no conflict"
    lines = {
        (c.evaluator, c.submission_id): c.handled
        for c in conflicts(_panel(*_declared("bo", "bid-a")))
    }
    assert (
        lines[("bo", "bid-a")] == "kept from the bid"
        and lines[("ann", "bid-a")] == "not yet declared"
    )


def test_a_conflict_that_arises_later_sets_aside_earlier_scores_unless_mitigated() -> None:
    from probity.engine.panel.checks import checks, conflicts

    arose = _record(ARISEN, "ann", submission_id="bid-a", conflict=True, text="bid-a hired my son")
    before = [*_declared("ann"), *_declared("bo"), *_scored("ann", "bid-a", 1)]
    before += _scored("bo", "bid-a", 4)
    # A declaration of none may become a conflict, once; nothing else changes one.
    assert _panel(*before).check_declaration("ann", "bid-a", True) is True
    assert _panel(*before).check_declaration("cy", "bid-a", False) is False  # a first one
    again = _refused(_panel(*before, arose).check_declaration, "ann", "bid-a", True)
    assert again.status == "already_exists" and "a conflict" in again.message
    assert _refused(_panel(*before).check_declaration, "ann", "bid-a", False).status == (
        "already_exists"
    )
    panel = _panel(*before, arose)
    assert "bid-a hired my son" in _refused(panel.check_may_read, "ann", "bid-a").message
    assert [s.evaluator for s in panel.scores_of("bid-a", "SEL-02")] == ["bo"]  # ann's aside
    assert panel.readers("bid-a") == ["bo"] and not panel.divergent("bid-a", "SEL-02")
    (late,) = [c for c in checks(panel, []) if c.kind == "late_conflict"]
    assert late.said == (
        "ann declared a conflict with bid bid-a at 2026-12-06 00:00, after first declaring "
        "none (bid-a hired my son); their scores of it, given before, are set aside"
    )
    (line,) = [c for c in conflicts(panel) if (c.evaluator, c.submission_id) == ("ann", "bid-a")]
    assert line.conflict and line.arose_at and line.handled == "kept from the bid"
    mitigated = _record(MITIGATED, "lead", evaluator="ann", submission_id="bid-a", text="Bo checks")
    kept = _panel(*before, arose, mitigated)
    assert len(kept.scores_of("bid-a", "SEL-02")) == 2 and kept.divergent("bid-a", "SEL-02")
    (late,) = [c for c in checks(kept, []) if c.kind == "late_conflict"]
    assert late.said.endswith("the lead mitigated it, so their scores of it stand")
