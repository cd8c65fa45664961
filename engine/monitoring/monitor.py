"""Check a contract's monitoring returns against one monitoring rule set.

A contract's returns (and the contract, with its targets) go into one durable_rules session
as facts; the rules' matches are the breaches. From them: a finding per check, with the
periods and values behind each breach, and a rating for every period on the Procurement Act
2023 s.71 scale, naming the rating rule that set it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from probity.engine.compiler.breaches import (
    ALWAYS,
    CONTRACT_LEG,
    NEXT_PERIOD,
    PERIOD,
    cutoff_field,
    scaled_field,
    target_field,
    window_field,
)
from probity.engine.compiler.compiled import (
    RATING_LABELS,
    SEVERITY_RANK,
    CompiledCheck,
    CompiledRuleSet,
)
from probity.engine.errors import SubmissionError
from probity.engine.evaluation.facts import FactBuilder
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.matcher import Matcher
from probity.engine.evaluation.numbers import durable_number
from probity.engine.evaluation.result import RulesetRef, as_answered
from probity.engine.evaluation.submission import NUMBER_LIMIT, SubmissionValidator
from probity.engine.monitoring.certainty import Domain
from probity.engine.monitoring.contract_result import (
    CheckFinding,
    ContractResult,
    Occurrence,
    PeriodEvidence,
    PeriodRating,
    PrincipleBreaches,
)
from probity.engine.monitoring.explaining import (
    change_text,
    explain,
    label,
    missing_returns,
    plural,
    values_text,
)
from probity.engine.monitoring.gaps import Decision, Due, decide, due_periods
from probity.engine.monitoring.kpis import assessed_periods, rate_kpis
from probity.engine.monitoring.series import Return, Series, SeriesReader
from probity.engine.periods import day_number, months_before
from probity.engine.phrasing import joined
from probity.engine.version import ENGINE_VERSION
from probity.engine.when.expression import fields_of
from probity.engine.when.three_valued import truth

_Match = tuple[int, ...]  # fact indexes, one per leg; 0 is the contract, n the nth return
# A period where more than half the checks lack evidence is rated no better than this, by
# the built-in rule EVIDENCE_LACKING, whatever the rule set's rules say.
EVIDENCE_LACKING = "evidence-lacking"
_CAPPED = "requires_improvement"
_RANK = {"good": 0, "approaching_target": 1, "requires_improvement": 2, "inadequate": 3}


class Monitor:
    """Everything needed to check contracts against one monitoring rule set, built once."""

    def __init__(self, ruleset: CompiledRuleSet) -> None:
        plan = ruleset.monitoring
        if plan is None:
            raise ValueError(f"{ruleset.id} is a tender rule set, not a monitoring one")
        self.ruleset, self.plan = ruleset, plan
        self.ref = RulesetRef(ruleset.id, ruleset.version, ruleset.digest)
        validator = SubmissionValidator(list(ruleset.spec.inputs))
        kpi_ids = [k.id for k in plan.kpis]
        self.reader = SeriesReader(plan.period, validator, plan.targets, kpi_ids)
        self.matcher = Matcher(ruleset.engine_name, ruleset.partitions)
        self.facts = FactBuilder(ruleset.layout, ())
        keys = ruleset.layout.keys
        self.period_key = keys[PERIOD]
        self.target_keys = {
            m: keys[target_field(m)] for m in plan.targets if target_field(m) in keys
        }
        self.next_key = keys[NEXT_PERIOD]
        self.cutoff_keys = {m: keys[cutoff_field(m)] for m in plan.overdue_months}
        self.window_keys = {n: keys[window_field(n)] for n in plan.within}
        self.scaled_keys = [(m, f, keys[scaled_field(m, f)]) for m, f in plan.scales]
        self.legs = {rule: check.legs for check in plan.checks for rule in check.rules}
        self.always_key = keys[ALWAYS]
        self.domains = {
            spec.path: _domain_of(spec.type, spec.minimum, spec.maximum)
            for spec in ruleset.spec.inputs
            if spec.type in ("integer", "number")
        }

    def check(self, raw: Any) -> ContractResult:
        """One contract's result, or SubmissionError naming every bad field."""
        return self.check_series(self.reader.read(raw))

    def evaluate_many(self, items: Sequence[Submission]) -> list[ContractResult | SubmissionError]:
        out: list[ContractResult | SubmissionError] = []
        for item in items:
            try:
                series = self.reader.read(item.answers)
            except SubmissionError as error:
                out.append(error)
                continue
            out.append(self.check_series(series))
        return out

    def check_series(self, series: Series) -> ContractResult:
        # Each return's answers with the built-in ones, made once: every check reads them.
        answers = [_with_built_ins(item) for item in series.returns]
        found = self.matcher.joins(self._facts(series, answers), self.legs)
        due = due_periods(series, self.plan.period)
        findings, ends, lacking = [], {}, {}
        for check in self.plan.checks:
            applies = [_applies(check, values) for values in answers]
            matches = _latest_per_end(
                m
                for m in set().union(*(found.get(r, ()) for r in check.rules))
                if all(applies[n - 1] for n in m if n)  # every return in it is one it checks
            )
            # Returns that lack what the check needs (overdue: no date is a breach, not a gap).
            short = [
                applied is not False
                and not check.missing_is_breach
                and _lacks(check, values, applied)
                for values, applied in zip(answers, applies, strict=True)
            ]
            finding = self._finding(check, matches, series, answers, applies, short, due)
            findings.append(finding)
            ends[check.id] = {series.returns[max(m) - 1].period.label for m in matches}
            if finding.outcome == "not_met" and not matches:  # decided across a gap
                ends[check.id].add(finding.occurrences[0].evidence[-1].period)
            lacking[check.id] = {
                r.period.label for r, s in zip(series.returns, short, strict=True) if s
            }
        if self.plan.missing is not None:
            findings.append(missing_returns(self.plan.missing, due))
        periods = tuple(self._rating(d, ends, lacking) for d in due)
        latest = periods[-1]
        assessed = assessed_periods(self.plan.assessment, due) if self.plan.kpis else ("", "")
        return ContractResult(
            contract_id=series.contract.id,
            supplier=series.contract.supplier,
            ruleset=self.ref,
            engine_version=ENGINE_VERSION,
            period=latest.period,
            rating=latest.rating,
            rating_label=latest.label,
            rating_rule=latest.rule,
            periods=periods,
            principles=self._principles(findings),
            findings=tuple(findings),
            notices=series.notices,
            kpis=rate_kpis(self.plan.kpis, self.plan.assessment, series, due, self.plan.period),
            assessed_from=assessed[0],
            assessed_to=assessed[1],
            title=series.contract.title,
            procurement_id=series.contract.procurement_id,
            contracting_authority=series.contract.authority,
            supplier_details=series.contract.supplier_details,
        )

    # -- facts -------------------------------------------------------------------------
    def _facts(self, series: Series, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        contract: dict[str, Any] = {"i": 0, self.always_key: 1}
        for measure, key in self.target_keys.items():
            target = series.contract.targets.get(measure)
            if target is not None:
                contract[key] = durable_number(target)
        facts = [contract]
        for n, (item, values) in enumerate(zip(series.returns, answers, strict=True), 1):
            fact = self.facts.fact(values)
            fact["i"] = n
            ordinal = item.period.ordinal
            fact[self.period_key] = ordinal
            fact[self.next_key] = ordinal + 1
            fact[self.always_key] = 1
            for months, key in self.cutoff_keys.items():
                fact[key] = day_number(months_before(item.period.end, months))
            for periods, key in self.window_keys.items():
                fact[key] = ordinal + periods
            for measure, factor, key in self.scaled_keys:
                measured = values.get(measure)
                if measured is not None:
                    fact[key] = durable_number(measured * factor)
            facts.append(fact)
        return facts

    # -- findings ----------------------------------------------------------------------
    def _finding(
        self,
        check: CompiledCheck,
        matches: list[_Match],
        series: Series,
        answers: list[dict[str, Any]],
        applies: list[bool | None],
        short: list[bool],
        due: list[Due],
    ) -> CheckFinding:
        returns = series.returns
        target = series.contract.targets.get(check.target) if check.target else None
        occurrences = tuple(self._occurrence(check, m, returns, answers, target) for m in matches)
        checked = [n for n, a in enumerate(applies) if a is not False]
        missing: list[str] = []
        decision: Decision | None = None
        if occurrences:
            outcome = "not_met"
        elif (
            (check.target is not None and target is None)
            or len(due) < check.min_returns  # due periods: a gap does not make it apply less
            or (not checked and all(d.index is not None for d in due))
        ):
            outcome = "not_applicable"
        elif not any(short) and all(d.index is not None for d in due):
            outcome = "met"  # nothing missing: what the engine found is all there is
        else:
            matched = frozenset(n - 1 for m in matches for n in m if n)
            decision = decide(check, due, answers, matched, self._domain(check), target)
            outcome = _OUTCOMES[decision.verdict]
            if decision.verdict == "breach":
                assert decision.span is not None
                occurrences = (self._proven(check, decision.span, due, returns, answers, target),)
            elif decision.verdict == "open":
                missing = _missing(check, returns, answers, applies, short) + [
                    f"{p} (no return)" for p in decision.open_gaps
                ]
        values = _wording_values(check, matches, answers, occurrences, returns, target, missing)
        return CheckFinding(
            criterion=check.id,
            principle=check.principle,
            title=check.title,
            pattern=check.pattern,
            breach=check.description,
            outcome=outcome,
            severity=check.severity,
            explanation=explain(check, outcome, values, len(due), target, bool(checked))
            + _certain_anyway(check, decision, due, returns, answers, short),
            occurrences=occurrences,
            action=check.action if occurrences else "",
            source=check.source,
        )

    def _occurrence(
        self,
        check: CompiledCheck,
        match: _Match,
        returns: Sequence[Return],
        answers: list[dict[str, Any]],
        target: float | None,
    ) -> Occurrence:
        chosen = [n - 1 for leg, n in zip(check.legs, match, strict=True) if leg != CONTRACT_LEG]
        periods = tuple(dict.fromkeys(returns[n].period.label for n in chosen))
        return Occurrence(periods, _evidence(check, chosen, returns, answers), target)

    def _proven(
        self,
        check: CompiledCheck,
        span: tuple[int, int],
        due: Sequence[Due],
        returns: Sequence[Return],
        answers: list[dict[str, Any]],
        target: float | None,
    ) -> Occurrence:
        """A breach decided across holes: every period of the span that proves it, with the
        values of those that have a return."""
        window = due[span[0] : span[1] + 1]
        received = [d.index for d in window if d.index is not None]
        periods = tuple(d.period.label for d in window)
        return Occurrence(periods, _evidence(check, received, returns, answers), target)

    def _domain(self, check: CompiledCheck) -> Domain:
        """The values the measure a check follows may take (any number without one)."""
        measure = check.measure
        unbounded = Domain(False, -NUMBER_LIMIT, NUMBER_LIMIT)
        return self.domains.get(measure, unbounded) if measure else unbounded

    def _rating(
        self, due: Due, ends: dict[str, set[str]], lacking: dict[str, set[str]]
    ) -> PeriodRating:
        """The period's rating by the rule set's rules, a missing return counting as a breach
        of RETURN-MISSING; then no better than 'requires improvement' where more than half
        the checks could not be assessed (EVIDENCE_LACKING): an unseen period is not good."""
        period = due.period.label
        checks = self.plan.checks
        breached = [(c.id, c.severity) for c in checks if period in ends[c.id]]
        if due.index is None and self.plan.missing is not None:
            breached.append((self.plan.missing.id, self.plan.missing.severity))
        unassessed = tuple(c.id for c in checks if due.index is None or period in lacking[c.id])
        names = tuple(name for name, _ in breached)
        for rule in self.plan.ratings:
            counted = [
                name
                for name, severity in breached
                if SEVERITY_RANK[severity] >= rule.min_severity
                and (rule.criteria is None or name in rule.criteria)
            ]
            if rule.at_least == 0 or len(counted) >= rule.at_least:
                rating, label, rule_id = rule.rating, rule.label, rule.id
                break
        else:
            raise AssertionError("the last rating rule always applies")  # checked when compiled
        if len(unassessed) * 2 > len(checks) and _RANK[rating] < _RANK[_CAPPED]:
            rating, label, rule_id = _CAPPED, RATING_LABELS[_CAPPED], EVIDENCE_LACKING
        return PeriodRating(
            period, rating, label, rule_id, names, due.index is not None, unassessed
        )

    def _principles(self, findings: Iterable[CheckFinding]) -> tuple[PrincipleBreaches, ...]:
        listed = list(findings)
        out = []
        for principle in self.ruleset.principles:
            mine = [f for f in listed if f.principle == principle.id]
            breached = sum(1 for f in mine if f.outcome == "not_met")
            out.append(PrincipleBreaches(principle.id, principle.name, len(mine), breached))
        return tuple(out)


def _wording_values(
    check: CompiledCheck,
    matches: list[_Match],
    answers: list[dict[str, Any]],
    occurrences: tuple[Occurrence, ...],
    returns: Sequence[Return],
    target: Any,
    missing: list[str],
) -> dict[str, Any]:
    """What a finding's explanation template may name: the answers of the last period it
    read, the periods, values and change behind a breach, the target, what is missing."""
    values = dict(answers[max(matches[-1]) - 1] if matches else answers[-1])
    values.update(
        periods=", ".join(sorted({p for o in occurrences for p in o.periods}))
        if occurrences
        else ", ".join(r.period.label for r in returns),
        values=values_text(check, occurrences[-1] if occurrences else None),
        target=target,
        count=len(occurrences),
        missing=", ".join(missing),
        change=change_text(check, occurrences[-1]) if occurrences else "",
    )
    return values


def _evidence(
    check: CompiledCheck, chosen: Sequence[int], returns: Sequence[Return], answers: list[Any]
) -> tuple[PeriodEvidence, ...]:
    """The answers a check reads in each of the chosen returns, with what it expects."""
    expected = dict(check.expected)
    return tuple(
        PeriodEvidence(
            returns[n].period.label,
            name,
            as_answered(answers[n].get(name)),
            answers[n].get(name) is not None,
            expected[name],
        )
        for n in chosen
        for name in check.fields
    )


_OUTCOMES = {"breach": "not_met", "clear": "met", "open": "evidence_missing"}


def _domain_of(kind: str, minimum: float | None, maximum: float | None) -> Domain:
    low = max(-NUMBER_LIMIT, minimum) if minimum is not None else -NUMBER_LIMIT
    high = min(NUMBER_LIMIT, maximum) if maximum is not None else NUMBER_LIMIT
    if kind == "integer":
        return Domain(True, float(math.ceil(low)), float(math.floor(high)))
    return Domain(False, low, high)


def _certain_anyway(
    check: CompiledCheck,
    decision: Decision | None,
    due: Sequence[Due],
    returns: Sequence[Return],
    answers: list[dict[str, Any]],
    short: list[bool],
) -> str:
    """A sentence saying that what is missing could not have changed a decided verdict."""
    if decision is None or decision.verdict == "open":
        return ""
    window = due if decision.span is None else due[decision.span[0] : decision.span[1] + 1]
    labels = {d.period.label for d in window}
    gaps = [d.period.label for d in window if d.index is None]
    unanswered = [
        f"{label(check, name)} for {item.period.label}"
        for item, values, lacks in zip(returns, answers, short, strict=True)
        if lacks and item.period.label in labels
        for name in check.fields
        if values.get(name) is None
    ]
    holes = []
    if gaps:
        holes.append(f"the missing {plural(len(gaps), 'return')} for {joined(gaps)}")
    if unanswered:
        holes.append(f"the unanswered {joined(list(dict.fromkeys(unanswered)))}")
    if not holes:
        return ""
    verdict = "a breach" if decision.verdict == "breach" else "no breach"
    return f" Whatever {' and '.join(holes)} held, this would be {verdict}."


def _with_built_ins(item: Return) -> dict[str, Any]:
    return {
        **item.values,
        "return.days_late": item.days_late,
        "return.late": item.days_late > 0,
    }


def _latest_per_end(found: Iterable[_Match]) -> list[_Match]:
    """One match per period a breach ends in, in period order: the one of the most recent
    returns (e.g. 'late twice within four periods' is reported once per late return that
    completes it, not once per pair). Fact 0, the contract, ends nothing."""
    best: dict[int, _Match] = {}
    for match in found:
        end = max(match)
        if end not in best or sorted(match, reverse=True) > sorted(best[end], reverse=True):
            best[end] = match
    return [best[end] for end in sorted(best)]


def _missing(
    check: CompiledCheck,
    returns: Sequence[Return],
    answers: list[dict[str, Any]],
    applies: list[bool | None],
    short: list[bool],
) -> list[str]:
    """The answers a check could not do without, per return: those of a condition whose
    truth is unknown for want of them (three-valued logic: `a > 0 and b > 30` is false,
    not unknown, when a is 0 and b missing), or the measure a pattern follows."""
    out: list[str] = []
    for item, values, applied, lacks in zip(returns, answers, applies, short, strict=True):
        if not lacks:
            continue
        # Unknown whether it applies: the answers that would say so are what is missing.
        names = list(check.fields)
        if applied is None and check.applies is not None:
            names = [f.path for f in fields_of(check.applies)]
        out.extend(
            f"{label(check, name)} ({item.period.label})"
            for name in dict.fromkeys(names)
            if values.get(name) is None
        )
    return out


def _applies(check: CompiledCheck, values: dict[str, Any]) -> bool | None:
    """Whether the check applies to a return: True, False, or None for want of answers."""
    return True if check.applies is None else truth(check.applies, values)


def _lacks(check: CompiledCheck, values: dict[str, Any], applied: bool | None) -> bool:
    """Whether a return lacks what the check needs to be assessed on it."""
    if applied is None:
        return True
    if check.condition is not None:
        return truth(check.condition, values) is None
    return any(values.get(name) is None for name in check.fields)
