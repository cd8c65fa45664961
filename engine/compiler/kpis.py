"""Key performance indicators: a monitoring rule set's `kpis` and `kpi_assessment` checked and
compiled, and a tender rule set's commitments (`becomes_kpi`, `monitored_by`) checked.

A KPI reads one numeric measure from each return and rates it against a target on the five
ratings of the Procurement Regulations 2024, reg 39(5) (engine.monitoring.kpis does the
rating). Problems go into the compile's diagnostics, so they carry file:line:col.
"""

from __future__ import annotations

from collections.abc import Mapping

from probity.engine.compiler.citations import Citations, cite
from probity.engine.compiler.compiled import (
    LARGE_CONTRACT,
    MIN_KPIS,
    Commitment,
    CompiledKpi,
    CompiledRuleSet,
    KpiAssessment,
)
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.errors import Code, Diagnostic
from probity.engine.when.typecheck import NUMERIC, FieldType, did_you_mean
from probity.engine.when.words import term_for


def compile_kpis(
    diagnostics: Diagnostics,
    spec: RuleSetSpec,
    types: dict[str, FieldType],
    citations: Citations,
) -> tuple[tuple[CompiledKpi, ...], KpiAssessment]:
    """A monitoring rule set's KPIs and how they are assessed."""
    numeric = [p for p, t in types.items() if t.kind in NUMERIC]
    labels = {i.path: i.label for i in spec.inputs}
    kpis = []
    for index, kpi in enumerate(spec.kpis):
        where = ("kpis", index)
        if kpi.measure not in numeric:
            kind = types[kpi.measure].kind if kpi.measure in types else None
            said = (
                f"'{kpi.measure}' is {kind} input: a KPI measures a number"
                if kind
                else f"no input '{kpi.measure}'{did_you_mean(kpi.measure, numeric)}"
            )
            diagnostics.fail(Code.UNKNOWN_REFERENCE, (*where, "measure"), said)
        if kpi.requires_improvement_within < kpi.approaching_within:
            diagnostics.fail(
                Code.CRITERION,
                (*where, "requires_improvement_within"),
                "requires improvement lies further from the target than approaching target: "
                f"make it at least {kpi.approaching_within:g}",
            )
        if kpi.within == "percent" and kpi.target is not None and kpi.target == 0:
            diagnostics.fail(
                Code.CRITERION,
                (*where, "within"),
                "distances in percent of a target of 0 cannot be measured: use units",
            )
        kpis.append(
            CompiledKpi(
                id=kpi.id,
                title=kpi.title,
                description=kpi.description,
                measure=kpi.measure,
                label=labels.get(kpi.measure) or term_for(kpi.measure, None, "number").label,
                lower_is_better=kpi.better == "lower",
                target=kpi.target,
                unit=kpi.unit,
                approaching_within=kpi.approaching_within,
                requires_improvement_within=kpi.requires_improvement_within,
                percent=kpi.within == "percent",
                source=cite(citations, kpi.source),
            )
        )
    diagnostics.duplicates("kpis", (k.id for k in spec.kpis), "KPI id")
    given = spec.kpi_assessment
    if given is not None and not spec.kpis:
        diagnostics.fail(
            Code.CRITERION, ("kpi_assessment",), "there are no 'kpis' to assess", key=True
        )
    if given is None:
        return tuple(kpis), KpiAssessment()
    persistence = given.persistence
    return tuple(kpis), KpiAssessment(
        notice_periods=given.notice_periods,
        overall=given.overall,
        persistence=persistence.periods if persistence else 0,
        persistence_reason=persistence.reason if persistence else "",
        reason=given.reason,
    )


def check_commitments(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """A tender rule set's commitments: each a number, and the monitoring rule set named."""
    committed = [(n, i) for n, i in enumerate(spec.inputs) if i.becomes_kpi]
    if committed and spec.monitored_by is None:
        n, _ = committed[0]
        diagnostics.fail(
            Code.UNKNOWN_REFERENCE,
            ("inputs", n, "becomes_kpi"),
            "say which monitoring rule set's KPIs the commitments set ('monitored_by')",
        )
    for n, item in committed:
        if item.type not in ("integer", "number"):
            diagnostics.fail(
                Code.INPUT,
                ("inputs", n, "becomes_kpi"),
                f"a commitment sets a KPI's target, a number: '{item.path}' is {item.type}",
            )
    if spec.kind == "monitoring":
        for n, _ in committed:
            diagnostics.fail(
                Code.WRONG_KIND,
                ("inputs", n, "becomes_kpi"),
                "commitments are a tender's: a monitoring rule set's KPIs are under 'kpis'",
            )
        return
    if spec.monitored_by is not None and not committed:
        diagnostics.warn(
            Code.CRITERION,
            ("monitored_by",),
            "no input is a commitment ('becomes_kpi'): the winning bid sets no KPI target",
        )


def check_large_contracts(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """Procurement Act 2023 s.52: a contract worth more than £5 million has at least three
    KPIs. A monitoring test's contract says what the rule set's contracts are worth."""
    for index, test in enumerate(spec.tests):
        value = test.contract.value if test.contract is not None else None
        if value is not None and value > LARGE_CONTRACT and len(spec.kpis) < MIN_KPIS:
            diagnostics.warn(
                Code.CRITERION,
                ("tests", index, "contract", "value"),
                f"a contract worth £{value:,.0f} needs at least {MIN_KPIS} key performance "
                f"indicators (Procurement Act 2023 s.52); the rule set has {len(spec.kpis)}",
            )


def commitments_of(diagnostics: Diagnostics, spec: RuleSetSpec) -> tuple[Commitment, ...]:
    return tuple(
        Commitment(item.path, item.becomes_kpi, *diagnostics.smap.at(("inputs", n, "becomes_kpi")))
        for n, item in enumerate(spec.inputs)
        if item.becomes_kpi
    )


def commitment_problems(
    rulesets: list[CompiledRuleSet], known: Mapping[str, set[str]] | None = None
) -> list[Diagnostic]:
    """Across rule files: each commitment names a KPI of the monitoring rule set its tender
    rule set names (an error), which should be among them or `known` (rule set id → its KPI
    ids; a warning if neither)."""
    kpis = dict(known or {})
    kpis.update({r.id: {k.id for k in r.monitoring.kpis} for r in rulesets if r.monitoring})
    found = []
    for ruleset in rulesets:
        named = ruleset.spec.monitored_by
        for c in ruleset.commitments:
            held = kpis.get(named or "")
            if held is None:
                said = (
                    f"'{c.kpi}' is not checked: the monitoring rule set {named} is not among "
                    "the rule files checked, nor beside this one"
                )
                found.append(
                    Diagnostic(ruleset.file, c.line, c.col, said, Code.UNKNOWN_REFERENCE, "warning")
                )
            elif c.kpi not in held:
                listed = ", ".join(sorted(held)) or "none"
                said = f"{named} has no KPI '{c.kpi}' (its KPIs: {listed})"
                found.append(Diagnostic(ruleset.file, c.line, c.col, said, Code.UNKNOWN_REFERENCE))
    return found
