"""Turn the rules that fired for a submission into findings, scores and a band.

This runs for every criterion of every submission, so each criterion gets a precomputed
plan, and findings are cached: a finding depends only on which level matched and the values
the criterion shows, so equal inputs share one immutable Finding and its encoded JSON. The
cache is bounded, so memory stays flat over millions of evaluations.
"""

from __future__ import annotations

from typing import Any

import orjson

from probity.engine import figures
from probity.engine.compiler.compiled import (
    Band,
    CompiledCriterion,
    CompiledRuleSet,
    Template,
)
from probity.engine.evaluation import scoring_plan
from probity.engine.evaluation.result import (
    Evidence,
    Finding,
    PrincipleScore,
    Rejection,
    Result,
    RulesetRef,
    as_answered,
    encode,
    exclusion_reason,
)
from probity.engine.evaluation.thresholds import below_minimums, pass_fail
from probity.engine.phrasing import answer
from probity.engine.version import ENGINE_VERSION
from probity.engine.when.expression import fields_of
from probity.engine.when.three_valued import part_holds, truth

_CACHE_LIMIT = 4096
_NOTHING: tuple[str, ...] = ()
_NONE: set[int] = set()  # never changed: the hits of a rule that fired for nobody
# Level markers for outcomes that are not a matched level.
_NOT_APPLICABLE, _NOT_MET, _MISSING = (
    scoring_plan.NOT_APPLICABLE,
    scoring_plan.NOT_MET,
    scoring_plan.MISSING,
)


# A cached finding with what scoring needs of it: (finding, its JSON, points, maximum
# points, the gate-failure reason or None). A plain tuple: read 45 times per submission.
_Entry = tuple[Finding, orjson.Fragment, int, int, str | None]


class Scorer:
    def __init__(self, ruleset: CompiledRuleSet) -> None:
        self.ruleset = ruleset
        self.ref = RulesetRef(ruleset.id, ruleset.version, ruleset.digest)
        # One finding cache per criterion; the plan reads them (engine.scoring_plan).
        self._caches: list[dict[Any, _Entry]] = [{} for _ in ruleset.criteria]
        # Per principle: (points, maximum points) -> its score entry; few pairs occur.
        self._principle_scores: list[dict[tuple[int, int], Any]] = [{} for _ in ruleset.principles]
        self._plan = scoring_plan.build(
            ruleset, self._caches, self._new, self._principle_scores, self._new_principle
        )
        self._rule_names = scoring_plan.rule_names(ruleset)
        self._panel = any(c.scored_by == "panel" for c in ruleset.criteria)

    def hits_in_order(self, hits: dict[str, set[int]]) -> tuple[set[int], ...]:
        """A batch's hits (Matcher.hits) as score() takes them."""
        return tuple(hits.get(name, _NONE) for name in self._rule_names)

    def score(
        self, submission_id: str, values: dict[str, Any], n: int, hits: tuple[set[int], ...]
    ) -> Result:
        """Submission n of a batch whose hits_in_order() are `hits`."""
        findings, encoded, reasons, principles, encoded_principles, total, maximum = self._plan(
            values, n, hits
        )
        total = figures.rounded(total)  # a sum of two-decimal shares: this only drops float noise
        rejections: tuple[Rejection, ...] = pass_fail(findings) if reasons else ()
        if self.ruleset.thresholds is not None:  # only then: the common path stays lean
            below = below_minimums(self.ruleset, findings, principles, total, maximum)
            rejections += below
            reasons += tuple(exclusion_reason(r.kind, r.subject, r.explanation) for r in below)
        band = self.ruleset.bands[-1] if rejections else self._band(total)
        awaiting = _NOTHING
        if self._panel:  # only then: the common path stays lean
            awaiting = tuple(
                f.criterion
                for f in findings
                if f.scored_by == "panel" and f.outcome == "evidence_missing"
            )
        return Result(
            submission_id,
            self.ref,
            ENGINE_VERSION,
            band.id,
            band.label,
            bool(rejections),
            rejections,
            awaiting,
            bool(rejections),
            reasons,
            total,
            figures.rounded(maximum),
            principles,
            findings,
            encoded,
            encoded_principles,
        )

    def _new(self, index: int, key: tuple[Any, ...], values: dict[str, Any]) -> _Entry:
        """The entry for a finding not in its criterion's cache yet, now cached."""
        cache = self._caches[index]
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        entry = cache[key] = _entry(self.ruleset.criteria[index], key[0], values)
        return entry

    def _band(self, total: float) -> Band:
        for band in self.ruleset.bands:
            if not band.gate_failure and total >= (band.min_total or 0):
                return band
        return self.ruleset.bands[-1]

    def _new_principle(self, index: int, key: tuple[int, int]) -> tuple[Any, ...]:
        """A principle's score entry for (points, maximum points), now cached."""
        p = self.ruleset.principles[index]
        points, most = key
        share = figures.share(p.weight, points, most)
        score = PrincipleScore(p.id, p.name, p.weight, points, most, share)
        entry = (score, encode(score), share, p.weight if most else 0)
        self._principle_scores[index][key] = entry
        return entry


def _entry(c: CompiledCriterion, level: int, values: dict[str, Any]) -> _Entry:
    if level == _MISSING and not any(truth(node, values) is None for node in c.conditions):
        level = _NOT_MET  # the answers given rule it out whatever the missing ones say
    if level >= 0:
        matched = c.levels[level]
        points, label = matched.points, matched.label or ""
        outcome = "met" if points == c.max_points else ("partly_met" if points else "not_met")
    else:
        points, label = 0, ""
        outcome = {_NOT_APPLICABLE: "not_applicable", _NOT_MET: "not_met"}.get(
            level, "evidence_missing"
        )
    finding = _build(c, outcome, points, label, values, level)
    # A pass/fail criterion the panel has still to moderate rejects nothing yet.
    failed = c.gate and not _awaited(c, outcome) and outcome not in ("met", "not_applicable")
    reason = exclusion_reason("pass_fail", c.id, "", c.title) if failed else None
    return (finding, encode(finding), points, finding.max_points, reason)


def _awaited(c: CompiledCriterion, outcome: str) -> bool:
    """A criterion the evaluation panel has still to moderate: it has no score yet."""
    return c.scored_by == "panel" and outcome == "evidence_missing"


def _template(c: CompiledCriterion, outcome: str) -> Template:
    return {
        "met": c.explain_met,
        "partly_met": c.explain_partly,
        "evidence_missing": c.explain_missing,
    }.get(outcome, c.explain_not_met)


def _not_applicable(c: CompiledCriterion) -> str:
    return f"Not applicable: this applies only when {c.applies_text}."


OUTCOMES = ("met", "partly_met", "not_met", "not_applicable", "evidence_missing")


def fixed_explanations(c: CompiledCriterion) -> dict[str, str]:
    """The explanation of each outcome whose sentence is the same for every submission (its
    template has no placeholders), by outcome: the rule set's own wording, which a lean
    result may leave out (engine.evaluations.BASIC)."""
    fixed = {
        outcome: _template(c, outcome).render({})
        for outcome in OUTCOMES
        if outcome != "not_applicable" and not _template(c, outcome).names
    }
    if c.applies_text is not None:
        fixed["not_applicable"] = _not_applicable(c)
    return fixed


def _target(c: CompiledCriterion, level: int, points: int) -> int:
    """The level a finding is measured against to say which of its answers fall short: the
    level it matched when it has full marks, else the next score up (the lowest level giving
    more points than it has), else, for a pass/fail criterion, its condition."""
    if level >= 0 and points == c.max_points:
        return level
    better = [n for n, lv in enumerate(c.levels) if lv.points > points]
    return better[-1] if better else 0


def _meets(
    c: CompiledCriterion, outcome: str, target: int, values: dict[str, Any]
) -> dict[str, bool]:
    """For each answer a finding shows, whether it meets what the target level asks of it."""
    if outcome == "not_applicable":
        return {}
    condition = c.conditions[target]
    read = {f.path for f in fields_of(condition)}
    return {
        # An answer the target level does not read (one only a higher level asks for, or
        # the applies_when's) is not what fell short.
        field: field not in read
        or (field in values and part_holds(condition, field, values) is True)
        for field, _, _ in c.expected
    }


def _build(
    c: CompiledCriterion,
    outcome: str,
    points: int,
    label: str,
    values: dict[str, Any],
    level: int,
) -> Finding:
    template = _template(c, outcome)
    labels = {field: label for field, label, _ in c.expected}
    missing = ", ".join(labels[field] for field in c.fields if field not in values)
    context = dict(values, points=points, max_points=c.max_points, missing=missing)
    met = _meets(c, outcome, _target(c, level, points), values)
    evidence = tuple(
        Evidence(
            field,
            label,
            as_answered(values.get(field)),
            answer(values[field], c.value_labels.get(field)) if field in values else "",
            field in values,
            expected,
            met.get(field, False),
        )
        for field, label, expected in c.expected
    )
    explanation = template.render(context)
    if outcome == "not_applicable":
        explanation = _not_applicable(c)
    return Finding(
        criterion=c.id,
        principle=c.principle,
        title=c.title,
        outcome=outcome,
        points=points,
        max_points=0 if outcome == "not_applicable" else c.max_points,
        level=label,
        # A pass/fail gate (no points) and a criterion that does not apply have no score.
        descriptor=c.descriptors.get(points, "")
        if c.max_points and outcome != "not_applicable" and not _awaited(c, outcome)
        else "",
        severity=c.severity,
        gate=c.gate,
        scored_by=c.scored_by,
        explanation=explanation,
        evidence=evidence,
        remedy="" if outcome in ("met", "not_applicable") else c.remedy,
        source=c.source,
    )
