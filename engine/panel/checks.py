"""Checks on the panel itself, for the audit annex of a tender's report and the conflicts
assessment (Procurement Act 2023, ss.81-83): the Seven Principles apply to the people who
score as much as to the bidders. Each check is a sentence with its figures, read from the
panel's records; none changes a score."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from probity.engine.panel.records import MODERATED, SCORED, Record
from probity.engine.panel.state import Panel

# An evaluator whose scores of one bid are on the same side of the rest of the panel on
# every criterion, by at least this many points on average, is named (a bias signal).
BIAS_POINTS = 1.0


@dataclass(frozen=True, slots=True)
class Check:
    """One thing an auditor should look at: its kind (consensus_outside_range, bias,
    scored_after_moderation, late_conflict, mitigation), the bid and criterion it is about,
    and what it is, in words with its figures."""

    kind: str
    submission_id: str
    criterion: str
    said: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """One line of the conflicts assessment: what an evaluator declared about a bidder,
    and how it was handled."""

    evaluator: str
    submission_id: str
    declared_at: str
    conflict: bool
    details: str
    mitigation: str
    mitigated_by: str
    handled: str  # in words: "no conflict", "kept from the bid", "mitigated: may score it"
    arose_at: str = ""  # a conflict declared after first declaring none: when


def checks(panel: Panel, records: list[Record]) -> list[Check]:
    """Every check on the panel, bid by bid."""
    found = []
    for bid in panel.bids:
        found += _outside_range(panel, bid)
        found += _bias(panel, bid)
    found += _scored_after_moderation(records)
    found += _late_conflicts(panel)
    found += [
        Check(
            "mitigation",
            bid,
            "",
            f"{evaluator} declared a conflict with bid {bid} "
            f"({panel.declared[(evaluator, bid)][1]}); {by} recorded the mitigation: {text}",
        )
        for (evaluator, bid), (text, by) in panel.mitigated.items()
    ]
    return found


def _outside_range(panel: Panel, bid: str) -> list[Check]:
    found = []
    for c in panel.criteria:
        moderated = panel.moderated.get((bid, c.id))
        points = [s.points for s in panel.scores_of(bid, c.id)]
        if moderated is None or not points:
            continue
        low, high = min(points), max(points)
        if not low <= moderated.points <= high:
            side = "above" if moderated.points > high else "below"
            found.append(
                Check(
                    "consensus_outside_range",
                    bid,
                    c.id,
                    f"the consensus on {c.id} of bid {bid}, {moderated.points}, is {side} every "
                    f"evaluator's score ({low} to {high}); the lead's reasons must say why: "
                    f"“{moderated.rationale}”",
                )
            )
    return found


def _bias(panel: Panel, bid: str) -> list[Check]:
    found = []
    for evaluator in panel.evaluators:
        mine = panel.scores.get((evaluator, bid))
        if not mine or panel.set_aside(evaluator, bid):
            continue
        deltas = []
        for c in panel.criteria:
            others = [s.points for s in panel.scores_of(bid, c.id) if s.evaluator != evaluator]
            if c.id in mine and others:
                deltas.append(mine[c.id].points - fmean(others))
        if not deltas:
            continue
        mean = fmean(deltas)
        same_side = all(d > 0 for d in deltas) or all(d < 0 for d in deltas)
        if same_side and abs(mean) >= BIAS_POINTS:
            side = "above" if mean > 0 else "below"
            found.append(
                Check(
                    "bias",
                    bid,
                    "",
                    f"{evaluator} scored bid {bid} {side} the rest of the panel on every "
                    f"criterion, by {abs(mean):.1f} points on average "
                    f"({', '.join(f'{d:+.1f}' for d in deltas)})",
                )
            )
    return found


def _scored_after_moderation(records: list[Record]) -> list[Check]:
    """A score recorded after its bid was moderated (the service refuses it: checked
    anyway, from the records' order)."""
    moderated: set[str] = set()
    found = []
    for r in records:
        if r.kind == MODERATED:
            moderated.add(r.submission_id)
        elif r.kind == SCORED and r.submission_id in moderated:
            found.append(
                Check(
                    "scored_after_moderation",
                    r.submission_id,
                    r.criterion,
                    f"{r.by}'s score of {r.criterion} of bid {r.submission_id} was recorded "
                    "after the bid's moderation began",
                )
            )
    return found


def _late_conflicts(panel: Panel) -> list[Check]:
    """Conflicts declared after a declaration of none: when, and what became of any scores
    the evaluator had given the bid."""
    found = []
    for (evaluator, bid), at in panel.arisen_at.items():
        details = panel.declared[(evaluator, bid)][1]
        said = (
            f"{evaluator} declared a conflict with bid {bid} at {at[:16].replace('T', ' ')}, "
            f"after first declaring none ({details})"
        )
        if (evaluator, bid) in panel.scores:
            said += (
                "; their scores of it, given before, are set aside"
                if panel.set_aside(evaluator, bid)
                else "; the lead mitigated it, so their scores of it stand"
            )
        found.append(Check("late_conflict", bid, "", said))
    return found


def conflicts(panel: Panel) -> list[Conflict]:
    """The conflicts assessment: every evaluator's declaration about every bidder, and how
    each conflict was handled; a declaration still missing says so."""
    lines = []
    for evaluator in panel.evaluators:
        for bid in panel.bids:
            declared = panel.declared.get((evaluator, bid))
            mitigation, by = panel.mitigated.get((evaluator, bid), ("", ""))
            if declared is None:
                lines.append(Conflict(evaluator, bid, "", False, "", "", "", "not yet declared"))
                continue
            conflict, details = declared
            handled = (
                "no conflict"
                if not conflict
                else "mitigated: may score the bid"
                if mitigation
                else "kept from the bid"
            )
            at = panel.declared_at.get((evaluator, bid), "")
            arose = panel.arisen_at.get((evaluator, bid), "")
            lines.append(
                Conflict(evaluator, bid, at, conflict, details, mitigation, by, handled, arose)
            )
    return lines
