"""Where a tender's panel stands, read from its records, and what each person may do next.

The rules (issue 34; Procurement Act 2023, ss.81-83, conflicts of interest):

- Only the lead who opened the panel moderates and records mitigations; only appointed
  evaluators score.
- An evaluator declares, for every bidder, whether they have a conflict of interest before
  any bid's text is shown to them. A declared conflict keeps them from that bid unless the
  lead records how it is mitigated. A declaration stands; a conflict that arises later is
  declared then (the conflicts assessment is kept under review, s.83), and sets aside any
  scores they gave that bid unless the lead mitigates it.
- Each evaluator scores each panel criterion of each bid they may read, alone: nobody's
  scores of a bid are shown to an evaluator until they have submitted their own. Scores are
  final once submitted.
- The lead moderates a criterion of a bid once every evaluator who may read it has scored
  it: all scores side by side, a spread beyond the panel's divergence flagged, and the
  consensus recorded with its reasons.

Refusals are values (Refusal) with the status a caller should get and a sentence for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from probity.engine.compiler import panel as namespace
from probity.engine.compiler.compiled import CompiledCriterion, CompiledRuleSet
from probity.engine.panel.records import (
    ARISEN,
    DECLARED,
    MITIGATED,
    MODERATED,
    OPENED,
    SCORED,
    Record,
)

MIN_RATIONALE = 40  # characters: a reason, not a word
_WORD = re.compile(r"[^\W\d_]{5,}")


class Refusal(Exception):
    """Why a panel step cannot be taken: `status` names the gRPC status the service sends
    (permission_denied, failed_precondition, already_exists, invalid_argument, not_found),
    `field` the request field at fault for an invalid argument."""

    def __init__(self, status: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@dataclass(frozen=True, slots=True)
class Criterion:
    """A criterion the panel scores, as evaluators are shown it."""

    id: str
    title: str
    principle: str
    gate: bool
    max_points: int  # 1 for a pass/fail criterion: 1 passes, 0 fails
    guidance: str
    descriptors: Mapping[int, str]
    reads: tuple[tuple[str, str], ...]  # (answer's path, its label)


def criteria_of(ruleset: CompiledRuleSet) -> tuple[Criterion, ...]:
    """The rule set's panel-scored criteria, in rule-file order."""
    return tuple(_criterion(c) for c in ruleset.criteria if c.scored_by == "panel")


def _criterion(c: CompiledCriterion) -> Criterion:
    reads = tuple(
        (path, label) for path, label, _ in c.expected if not namespace.is_panel_answer(path)
    )
    descriptors = {1: "Pass", 0: "Fail"} if c.gate else dict(c.descriptors)
    top = 1 if c.gate else c.max_points
    return Criterion(c.id, c.title, c.principle, c.gate, top, c.guidance, descriptors, reads)


@dataclass(frozen=True, slots=True)
class Scored:
    evaluator: str
    points: int
    rationale: str
    at: str


@dataclass(frozen=True, slots=True)
class Moderated:
    points: int
    rationale: str
    by: str
    at: str


@dataclass
class Panel:
    """A tender's panel as its records leave it."""

    tender_id: str
    bids: tuple[str, ...]  # submission ids, in the ranking's order
    criteria: tuple[Criterion, ...]
    lead: str = ""
    evaluators: tuple[str, ...] = ()
    divergence: int = 1
    declared: dict[tuple[str, str], tuple[bool, str]] = field(default_factory=dict)
    declared_at: dict[tuple[str, str], str] = field(default_factory=dict)
    arisen_at: dict[tuple[str, str], str] = field(default_factory=dict)  # declared later
    mitigated: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    scores: dict[tuple[str, str], dict[str, Scored]] = field(default_factory=dict)
    moderated: dict[tuple[str, str], Moderated] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        tender_id: str,
        bids: Iterable[str],
        criteria: tuple[Criterion, ...],
        records: Iterable[Record],
    ) -> Panel:
        state = cls(tender_id, tuple(bids), criteria)
        for record in records:
            state._apply(record)
        return state

    def _apply(self, r: Record) -> None:
        if r.kind == OPENED:
            self.lead, self.evaluators, self.divergence = r.by, r.evaluators, r.divergence
        elif r.kind == DECLARED:
            self.declared[(r.by, r.submission_id)] = (r.conflict, r.text)
            self.declared_at[(r.by, r.submission_id)] = r.at
        elif r.kind == ARISEN:
            self.declared[(r.by, r.submission_id)] = (True, r.text)
            self.arisen_at[(r.by, r.submission_id)] = r.at
        elif r.kind == MITIGATED:
            self.mitigated[(r.evaluator, r.submission_id)] = (r.text, r.by)
        elif r.kind == SCORED:
            found = self.scores.setdefault((r.by, r.submission_id), {})
            found[r.criterion] = Scored(r.by, r.points, r.text, r.at)
        elif r.kind == MODERATED:
            self.moderated[(r.submission_id, r.criterion)] = Moderated(r.points, r.text, r.by, r.at)

    # -- what each person may do ---------------------------------------------------------
    @property
    def opened(self) -> bool:
        return bool(self.lead)

    def check_lead(self, name: str) -> None:
        self._check_open()
        if name != self.lead:
            raise Refusal(
                "permission_denied",
                f"only the panel's lead ({self.lead}) moderates and records mitigations",
            )

    def check_evaluator(self, name: str) -> None:
        self._check_open()
        if name not in self.evaluators:
            raise Refusal(
                "permission_denied",
                f"{name} is not appointed to the panel of tender {self.tender_id}",
            )

    def _check_open(self) -> None:
        if not self.opened:
            raise Refusal(
                "failed_precondition", f"tender {self.tender_id} has no panel: the lead opens it"
            )

    def check_bid(self, submission_id: str, field: str = "submission_id") -> None:
        if submission_id not in self.bids:
            raise Refusal(
                "not_found", f"tender {self.tender_id} has no bid '{submission_id}'", field
            )

    def undeclared(self, evaluator: str) -> list[str]:
        """The bids an evaluator has yet to declare their interests in."""
        return [b for b in self.bids if (evaluator, b) not in self.declared]

    def check_may_read(self, evaluator: str, submission_id: str) -> None:
        """An appointed evaluator who has declared their interests in every bid, and has
        no conflict with this one (or the lead has mitigated it)."""
        self.check_evaluator(evaluator)
        self.check_bid(submission_id)
        waiting = self.undeclared(evaluator)
        if waiting:
            raise Refusal(
                "failed_precondition",
                "declare first, for every bidder, whether you have a conflict of interest "
                f"(not yet: {', '.join(waiting)}); no bid is shown before",
            )
        conflict, details = self.declared[(evaluator, submission_id)]
        if conflict and (evaluator, submission_id) not in self.mitigated:
            raise Refusal(
                "permission_denied",
                f"you declared a conflict of interest with bid {submission_id} ({details}); "
                "you may not read or score it unless the lead records how it is mitigated",
            )

    def may_read(self, evaluator: str, submission_id: str) -> bool:
        try:
            self.check_may_read(evaluator, submission_id)
        except Refusal:
            return False
        return True

    def readers(self, submission_id: str) -> list[str]:
        """The evaluators who may read and score a bid."""
        return [e for e in self.evaluators if self.may_read(e, submission_id)]

    def submitted(self, evaluator: str, submission_id: str) -> bool:
        return (evaluator, submission_id) in self.scores

    def check_scores(
        self, evaluator: str, submission_id: str, given: Mapping[str, tuple[int, str]],
        answers: Mapping[str, str],
    ) -> None:  # fmt: skip
        """Scores an evaluator may submit for a bid: every panel criterion once, on its
        scale, each with a rationale that refers to the bid's own text."""
        self.check_may_read(evaluator, submission_id)
        if self.submitted(evaluator, submission_id):
            raise Refusal(
                "already_exists",
                f"you have submitted your scores of bid {submission_id}; they are final",
            )
        wanted = {c.id for c in self.criteria}
        for n, criterion in enumerate(given):
            if criterion not in wanted:
                raise Refusal(
                    "invalid_argument",
                    f"'{criterion}' is not a criterion the panel scores",
                    f"scores[{n}].criterion",
                )
        missing = [c for c in sorted(wanted) if c not in given]
        if missing:
            raise Refusal(
                "invalid_argument",
                f"score every panel criterion of the bid at once (missing: {', '.join(missing)})",
                "scores",
            )
        index = {criterion: n for n, criterion in enumerate(given)}
        for c in self.criteria:
            points, rationale = given[c.id]
            where = f"scores[{index[c.id]}]"
            if not 0 <= points <= c.max_points:
                raise Refusal(
                    "invalid_argument",
                    f"{c.id} is scored 0 to {c.max_points}, not {points}",
                    f"{where}.points",
                )
            text = " ".join(answers.get(path, "") for path, _ in c.reads)
            check_rationale(rationale, text, f"{where}.rationale")

    def check_may_see_scores(self, name: str, role: str, submission_id: str) -> None:
        """The lead sees every score; an evaluator only once their own are in."""
        self.check_bid(submission_id)
        if role == "lead" and name == self.lead:
            return
        self.check_may_read(name, submission_id)
        if not self.submitted(name, submission_id):
            raise Refusal(
                "failed_precondition",
                f"submit your own scores of bid {submission_id} first: nobody's scores of a "
                "bid are shown before",
            )

    def scores_of(self, submission_id: str, criterion: str) -> list[Scored]:
        """The panel's scores of a criterion of a bid: those of evaluators who may read it
        (a conflict declared after scoring, not mitigated, sets theirs aside)."""
        return [
            found[criterion]
            for (evaluator, bid), found in self.scores.items()
            if bid == submission_id and criterion in found and not self.set_aside(evaluator, bid)
        ]

    def set_aside(self, evaluator: str, submission_id: str) -> bool:
        """Are this evaluator's scores of this bid set aside (a conflict, not mitigated)?"""
        conflict, _ = self.declared.get((evaluator, submission_id), (False, ""))
        return conflict and (evaluator, submission_id) not in self.mitigated

    def check_declaration(self, evaluator: str, submission_id: str, conflict: bool) -> bool:
        """May this declaration be recorded? True when it is a conflict arising after a
        declaration of none (recorded as such); refused when it would change or repeat one."""
        before = self.declared.get((evaluator, submission_id))
        if before is None:
            return False
        if conflict and not before[0]:
            return True
        said = "a conflict" if before[0] else "no conflict"
        raise Refusal(
            "already_exists",
            f"you declared {said} with bid {submission_id}; a declaration stands (a conflict "
            "that arises later can still be declared)",
        )

    def divergent(self, submission_id: str, criterion: str) -> bool:
        points = [s.points for s in self.scores_of(submission_id, criterion)]
        return bool(points) and max(points) - min(points) > self.divergence

    def check_moderation(
        self, name: str, submission_id: str, criterion: str, points: int, rationale: str
    ) -> None:
        self.check_lead(name)
        self.check_bid(submission_id)
        found = next((c for c in self.criteria if c.id == criterion), None)
        if found is None:
            raise Refusal(
                "invalid_argument",
                f"'{criterion}' is not a criterion the panel scores",
                "criterion",
            )
        if (submission_id, criterion) in self.moderated:
            raise Refusal(
                "already_exists", f"{criterion} of bid {submission_id} is moderated; it is final"
            )
        readers = self.readers(submission_id)
        waiting = [e for e in readers if not self.submitted(e, submission_id)]
        if not readers or waiting:
            who = ", ".join(waiting) if waiting else "no evaluator may read this bid yet"
            raise Refusal(
                "failed_precondition",
                f"every evaluator who may read bid {submission_id} scores it before it is "
                f"moderated (waiting for: {who})",
            )
        if not 0 <= points <= found.max_points:
            raise Refusal(
                "invalid_argument", f"{criterion} is scored 0 to {found.max_points}", "points"
            )
        if len(rationale.strip()) < MIN_RATIONALE:
            raise Refusal(
                "invalid_argument",
                f"say why the panel agreed this score, in at least {MIN_RATIONALE} characters",
                "rationale",
            )

    def complete(self, submission_id: str) -> bool:
        return all((submission_id, c.id) in self.moderated for c in self.criteria)

    def consensus(self, submission_id: str) -> dict[str, dict[str, object]]:
        """The bid's moderated scores as the engine reads them (compiler.panel): the answers
        under `panel`, by criterion."""
        return {
            namespace.key(c.id): {"points": m.points, "rationale": m.rationale}
            for c in self.criteria
            if (m := self.moderated.get((submission_id, c.id))) is not None
        }


def check_rationale(rationale: str, answer: str, field: str) -> None:
    """A rationale long enough to be a reason, that refers to the bid's text: it shares a
    word of five letters or more with the answer it scores."""
    if len(rationale.strip()) < MIN_RATIONALE:
        raise Refusal(
            "invalid_argument",
            f"give the reasons for this score in at least {MIN_RATIONALE} characters",
            field,
        )
    said = {w.casefold() for w in _WORD.findall(answer)}
    if said and not said & {w.casefold() for w in _WORD.findall(rationale)}:
        raise Refusal(
            "invalid_argument",
            "refer to the bid's own text in the reasons (quote or name what it says)",
            field,
        )
