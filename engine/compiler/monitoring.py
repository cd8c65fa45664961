"""The monitoring stage, the tender stage's sibling: checks, patterns and rating rules.

Shares the compile's diagnostics (every problem at file:line:col, in one run) and the
expression checking (compiler.expressions); what differs is that a criterion here is a
breach to look for across a contract's returns, and a contract is rated, not scored.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from probity.engine.compiler import breaches, expressions
from probity.engine.compiler.assemble import Body
from probity.engine.compiler.breaches import (
    ALWAYS,
    BUILT_IN_RETURN_FIELDS,
    NEXT_PERIOD,
    PERIOD,
    JoinRule,
    PatternCompiler,
)
from probity.engine.compiler.citations import Citations, cite
from probity.engine.compiler.compiled import (
    CompiledCheck,
    MissingReturns,
    MonitoringPlan,
    Principle,
)
from probity.engine.compiler.conditions import FactLayout
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.kpis import (
    check_commitments,
    check_large_contracts,
    compile_kpis,
)
from probity.engine.compiler.model import (
    ChangePattern,
    ConsecutivePattern,
    CriterionSpec,
    OverduePattern,
    RepeatedPattern,
    RuleSetSpec,
    TargetPattern,
    TrendPattern,
)
from probity.engine.compiler.monitoring_ratings import check_monitoring_tests, compile_ratings
from probity.engine.compiler.partitions import NODE_BUDGET, rule_nodes
from probity.engine.errors import Code
from probity.engine.when.expression import ExpressionError, Node, fields_of
from probity.engine.when.typecheck import NUMERIC, FieldType, did_you_mean
from probity.engine.when.words import term_for, words

# Placeholders a monitoring explanation may use besides the answers of a return.
PLACEHOLDERS = ("periods", "values", "target", "count", "missing", "change")
_RESERVED = ("return.", "contract.", "target.")
_NOT_FOR_MONITORING = {
    "levels": "monitoring checks are met or breached, not scored: remove 'levels'",
    "points": "monitoring checks are not scored: remove 'points'",
    "gate": "'gate' is for tender criteria; use 'severity' and the rating rules",
    "remedy": "a monitoring check gives an 'action' (what to do when breached), not a 'remedy'",
    "min_points": "monitoring checks are not scored: remove 'min_points'",
}


def compile_monitoring(
    diagnostics: Diagnostics,
    spec: RuleSetSpec,
    types: dict[str, FieldType],
    citations: Citations,
) -> Body | None:
    return _MonitoringStage(diagnostics, citations).run(spec, types)


class _MonitoringStage:
    def __init__(self, diagnostics: Diagnostics, citations: Citations) -> None:
        self.diagnostics = diagnostics
        self.citations = citations
        self.fail = diagnostics.fail

    def run(self, spec: RuleSetSpec, types: dict[str, FieldType]) -> Body | None:
        self.check_shape(spec)
        visible = {**types, **{p: FieldType(k) for p, k in BUILT_IN_RETURN_FIELDS.items()}}
        numeric = tuple(p for p, t in types.items() if t.kind in NUMERIC)
        targets = sorted(
            {c.breach.measure for c in spec.criteria if isinstance(c.breach, TargetPattern)}
            & set(numeric)
        )
        patterns = [c.breach for c in spec.criteria if c.breach is not None]
        months = sorted({p.within_months for p in patterns if isinstance(p, OverduePattern)})
        within = sorted({p.within for p in patterns if isinstance(p, RepeatedPattern)})
        scales = sorted(
            {
                (p.measure, factor)
                for p in patterns
                if isinstance(p, ChangePattern)
                for factor in breaches.change_factors(p.more_than_percent, p.direction)
            }
        )
        hidden = {
            PERIOD: FieldType("integer"),
            NEXT_PERIOD: FieldType("integer"),
            ALWAYS: FieldType("integer"),
        }
        hidden.update({breaches.target_field(m): FieldType("number") for m in targets})
        hidden.update({breaches.cutoff_field(m): FieldType("integer") for m in months})
        hidden.update({breaches.window_field(n): FieldType("integer") for n in within})
        hidden.update({breaches.scaled_field(m, f): FieldType("number") for m, f in scales})
        layout = FactLayout.for_inputs({**visible, **hidden})
        principles = {p.id: Principle(p.id, p.name, 0) for p in spec.principles}
        terms = {
            **{p: term_for(p, None, k) for p, k in BUILT_IN_RETURN_FIELDS.items()},
            **expressions.terms_of(spec),
        }
        compiler = PatternCompiler(layout, terms)
        definition: dict[str, Any] = {}
        checks = []
        for index, criterion in enumerate(spec.criteria):
            check = self.check(index, criterion, visible, principles, compiler, definition)
            if check is not None:
                checks.append(check)
        self.diagnostics.duplicates("criteria", (c.id for c in spec.criteria), "criterion id")
        ratings = compile_ratings(self.diagnostics, spec)
        missing = self.missing_returns(spec, principles)
        kpis, assessment = compile_kpis(self.diagnostics, spec, types, self.citations)
        check_commitments(self.diagnostics, spec)
        check_large_contracts(self.diagnostics, spec)
        if spec.monitored_by is not None:
            self.fail(
                Code.WRONG_KIND,
                ("monitored_by",),
                "'monitored_by' is for tender rule sets: a monitoring rule set sets the KPIs",
                key=True,
            )
        if not self.diagnostics.partial:
            check_monitoring_tests(self.diagnostics, spec)
        if self.diagnostics.problems:
            return None
        plan = MonitoringPlan(
            spec.period or "quarter",
            tuple(checks),
            ratings,
            numeric,
            tuple(months),
            tuple(within),
            tuple(scales),
            missing,
            kpis,
            assessment,
        )
        return Body(layout, principles, (), (), definition, plan)

    def check_shape(self, spec: RuleSetSpec) -> None:
        if spec.period is None:
            self.fail(
                Code.SCHEMA,
                (),
                "a monitoring rule set needs 'period': quarter (2026-Q3) or month",
                key=True,
            )
        if spec.bands:
            self.fail(
                Code.WRONG_KIND,
                ("bands",),
                "monitoring rule sets rate with 'ratings', not 'bands'",
                key=True,
            )
        if not spec.ratings:
            self.fail(
                Code.RATINGS,
                (),
                "a monitoring rule set needs 'ratings': the rating rules",
                key=True,
            )
        if spec.thresholds is not None:
            self.fail(
                Code.WRONG_KIND,
                ("thresholds",),
                "monitoring rule sets rate with 'ratings'; minimum scores are for tenders",
                key=True,
            )
        if spec.scale is not None:
            self.fail(
                Code.WRONG_KIND,
                ("scale",),
                "monitoring checks are not scored: remove 'scale'",
                key=True,
            )
        for index, principle in enumerate(spec.principles):
            if principle.social_value:
                self.fail(
                    Code.WRONG_KIND,
                    ("principles", index, "social_value"),
                    "monitoring rule sets do not score social value: remove 'social_value'",
                    key=True,
                )
            if principle.weight is not None:
                self.fail(
                    Code.WRONG_KIND,
                    ("principles", index, "weight"),
                    "monitoring rule sets do not score: remove 'weight'",
                    key=True,
                )
        for index, item in enumerate(spec.inputs):
            if item.path.startswith(_RESERVED):
                self.fail(
                    Code.INPUT,
                    ("inputs", index, "path"),
                    f"input paths starting {', '.join(_RESERVED)} are reserved for built-in "
                    "fields (return.late, return.days_late)",
                )

    # -- one check ---------------------------------------------------------------------
    def check(
        self,
        index: int,
        spec: CriterionSpec,
        types: dict[str, FieldType],
        principles: dict[str, Principle],
        compiler: PatternCompiler,
        definition: dict[str, Any],
    ) -> CompiledCheck | None:
        where: tuple[str | int, ...] = ("criteria", index)
        if not self._well_formed(where, spec, principles):
            return None
        compiled = self.join_rule(where, spec, types, compiler)
        templates = expressions.templates(
            self.diagnostics, where, spec, set(types), PLACEHOLDERS, compiler.terms
        )
        if compiled is None or templates is None:
            return None
        join, _, node = compiled
        applies = None
        if spec.applies_when is not None:
            applies = expressions.expression(
                self.diagnostics, (*where, "applies_when"), spec.applies_when, types
            )
            if applies is None:
                return None
        names = self._define(where, spec, index, join, node, definition)
        if names is None:
            return None
        return self._compiled_check(spec, names, compiled, applies, templates, compiler)

    def _compiled_check(
        self,
        spec: CriterionSpec,
        names: tuple[str, ...],
        compiled: tuple[JoinRule, tuple[str, ...], Node | None],
        applies: Node | None,
        templates: expressions.Templates,
        compiler: PatternCompiler,
    ) -> CompiledCheck:
        join, fields, node = compiled
        met, _, not_met, missing = templates
        breach = spec.breach
        measure = getattr(breach, "measure", None)
        return CompiledCheck(
            id=spec.id,
            principle=spec.principle,
            title=spec.title,
            severity=spec.severity,
            pattern="each_return" if breach is None else breach.pattern,
            parameters=breach,
            rules=names,
            legs=join.legs,
            description=join.description,
            min_returns=join.min_returns,
            fields=fields,
            condition=node,
            measure=measure,
            target=measure if _targeted(spec) else None,
            missing_is_breach=isinstance(breach, OverduePattern),
            months=breach.within_months if isinstance(breach, OverduePattern) else None,
            expected=tuple((f, f"breached when {join.description}") for f in fields),
            labels=MappingProxyType(
                {
                    f: compiler.name(f)
                    for f in dict.fromkeys([*fields, *([measure] if measure else [])])
                }
            ),
            explain_met=met,
            explain_not_met=not_met,
            explain_missing=missing,
            action=spec.action or "",
            source=cite(self.citations, spec.source),
            applies=applies,
            applies_text=words(applies, compiler.terms) if applies is not None else None,
        )

    def _well_formed(
        self,
        where: tuple[str | int, ...],
        spec: CriterionSpec,
        principles: dict[str, Principle],
    ) -> bool:
        """Its principle exists, it asks only what monitoring has, it says what to do, and
        it is one return at a time or a pattern, not both (else False)."""
        if spec.principle not in principles:
            hint = did_you_mean(spec.principle, list(principles))
            self.fail(
                Code.UNKNOWN_REFERENCE,
                (*where, "principle"),
                f"no principle '{spec.principle}'{hint}",
            )
        for key, message in _NOT_FOR_MONITORING.items():
            if getattr(spec, key) not in (None, False):
                self.fail(Code.WRONG_KIND, (*where, key), message, key=True)
        if spec.action is None:
            self.fail(
                Code.CRITERION,
                where,
                "this check needs an 'action': what to do when it is breached",
                key=True,
            )
        if (spec.when is None) == (spec.breach is None):
            self.fail(
                Code.CRITERION,
                where,
                "give either 'when' (every return must satisfy it) or 'breach' (a pattern "
                "across returns), not both",
                key=True,
            )
            return False
        return True

    def _define(
        self,
        where: tuple[str | int, ...],
        spec: CriterionSpec,
        index: int,
        join: JoinRule,
        node: Node | None,
        definition: dict[str, Any],
    ) -> tuple[str, ...] | None:
        """The check's rules added to the definition under their names, positioned for
        diagnostics; None when they are too complex for the rules engine."""
        name = f"c{index}"
        nodes = max(rule_nodes(rule) for rule in join.rules)
        if nodes + 1 > NODE_BUDGET:
            self.fail(
                Code.TOO_COMPLEX,
                where,
                f"this check is too complex for the rules engine ({nodes} tests across its "
                f"returns; at most {NODE_BUDGET - 1}): use fewer periods or a simpler condition",
            )
            return None
        names = tuple(name if n == 0 else f"{name}_{n}" for n in range(len(join.rules)))
        definition.update(zip(names, join.rules, strict=True))
        if node is not None:
            path = (*where, "when") if spec.when is not None else (*where, "breach", "when")
            position = self.diagnostics.expression_position(path, node.pos)
        else:
            position = self.diagnostics.smap.at((*where, "breach"))
        self.diagnostics.positions.update(dict.fromkeys(names, position))
        return names

    def join_rule(
        self,
        where: tuple[str | int, ...],
        spec: CriterionSpec,
        types: dict[str, FieldType],
        compiler: PatternCompiler,
    ) -> tuple[JoinRule, tuple[str, ...], Node | None] | None:
        """The compiled pattern, the return answers it reads, and its condition if any."""
        breach = spec.breach
        if breach is None:
            assert spec.when is not None
            node = expressions.expression(self.diagnostics, (*where, "when"), spec.when, types)
            if node is None:
                return None
            return self.compiled((*where, "when"), lambda: compiler.each_return(node), node)
        path = (*where, "breach")
        if isinstance(breach, ConsecutivePattern | RepeatedPattern):
            node = expressions.expression(self.diagnostics, (*path, "when"), breach.when, types)
            if node is None:
                return None
            return self.compiled((*path, "when"), lambda: compiler.breach(breach, node), node)
        if isinstance(breach, OverduePattern):
            if not self.field_of_kind((*path, "done_on"), breach.done_on, types, ("date",)):
                return None
            return compiler.breach(breach, None), (breach.done_on,), None
        assert isinstance(breach, TrendPattern | TargetPattern | ChangePattern)
        if not self.field_of_kind((*path, "measure"), breach.measure, types, tuple(NUMERIC)):
            return None
        return compiler.breach(breach, None), (breach.measure,), None

    def compiled(
        self, path: tuple[str | int, ...], build: Any, node: Node
    ) -> tuple[JoinRule, tuple[str, ...], Node | None] | None:
        try:
            join: JoinRule = build()
        except ExpressionError as exc:
            self.diagnostics.fail_expr(Code.PATTERN, path, exc)
            return None
        return join, tuple(dict.fromkeys(f.path for f in fields_of(node))), node

    def field_of_kind(
        self,
        path: tuple[str | int, ...],
        name: str,
        types: dict[str, FieldType],
        kinds: tuple[str, ...],
    ) -> bool:
        declared = types.get(name)
        if declared is None:
            self.fail(
                Code.PATTERN, path, f"unknown field '{name}'{did_you_mean(name, list(types))}"
            )
            return False
        if declared.kind not in kinds:
            want = "a date input" if kinds == ("date",) else "a number input"
            self.fail(Code.PATTERN, path, f"'{name}' is {declared.kind}; this pattern needs {want}")
            return False
        return True

    def missing_returns(
        self, spec: RuleSetSpec, principles: dict[str, Principle]
    ) -> MissingReturns | None:
        """The built-in check that every due period has a return: silence is not compliance."""
        given = spec.missing_returns
        if given is None:
            self.fail(
                Code.SCHEMA,
                (),
                "a monitoring rule set needs 'missing_returns': the principle, severity and "
                "action for a period with no return (a missing return must not pass unseen)",
                key=True,
            )
            return None
        if given.principle not in principles:
            hint = did_you_mean(given.principle, list(principles))
            self.fail(
                Code.UNKNOWN_REFERENCE,
                ("missing_returns", "principle"),
                f"no principle '{given.principle}'{hint}",
            )
        return MissingReturns(
            principle=given.principle,
            severity=given.severity,
            title=given.title,
            action=given.action,
            source=cite(self.citations, given.source),
        )


def _targeted(spec: CriterionSpec) -> bool:
    return isinstance(spec.breach, TargetPattern)
