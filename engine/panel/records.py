"""One entry of a tender panel's record: appended, never changed or removed."""

from __future__ import annotations

from dataclasses import dataclass

# Every kind of record, in the order a panel's work goes.
OPENED, DECLARED, ARISEN, MITIGATED, SCORED, MODERATED = (
    "opened",
    "declared",
    "conflict_arose",
    "mitigated",
    "scored",
    "moderated",
)
KINDS = (OPENED, DECLARED, ARISEN, MITIGATED, SCORED, MODERATED)


@dataclass(frozen=True, slots=True)
class Record:
    """Who did what, when. `by` is the caller's token name and `role` its role; the other
    fields say what the record is about, as its kind needs:

    opened     evaluators (appointed), divergence (the spread of scores flagged)
    declared   submission_id, conflict, text (what the conflict is)
    conflict_arose  submission_id, text: a conflict declared after first declaring none
    mitigated  evaluator, submission_id, text (how it is mitigated)
    scored     submission_id, criterion, points, text (the rationale)
    moderated  submission_id, criterion, points, text (the consensus's rationale)
    """

    kind: str
    by: str
    role: str
    at: str  # ISO 8601 UTC, as the decision log writes times
    submission_id: str = ""
    criterion: str = ""
    evaluator: str = ""
    points: int = 0
    conflict: bool = False
    text: str = ""
    evaluators: tuple[str, ...] = ()
    divergence: int = 0
    seq: int = 0  # its place in the log, once appended
