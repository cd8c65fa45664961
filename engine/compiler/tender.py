"""The tender stage: principles and weights, bands, the award split, procurement mechanics
(compiler.tender_checks), and each criterion compiled to durable_rules conditions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from probity.engine.compiler import expressions, panel
from probity.engine.compiler.assemble import Body
from probity.engine.compiler.citations import Citations, cite
from probity.engine.compiler.compiled import (
    Band,
    CompiledCriterion,
    Level,
    Principle,
)
from probity.engine.compiler.conditions import FactLayout
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.diagnostics import Path as Where
from probity.engine.compiler.kpis import check_commitments
from probity.engine.compiler.minimums import compile_thresholds, has_minimums
from probity.engine.compiler.model import CriterionSpec, RuleSetSpec
from probity.engine.compiler.tender_checks import check_gates, check_scale, check_social_value
from probity.engine.errors import Code
from probity.engine.phrasing import joined
from probity.engine.when import levels as level_analysis
from probity.engine.when.expression import (
    BoolOp,
    Node,
    Not,
    fields_of,
)
from probity.engine.when.typecheck import FieldType, did_you_mean
from probity.engine.when.words import Terms, words

Check = Callable[[Diagnostics, RuleSetSpec], None]

# Criterion keys of monitoring checks, and what to say when a tender criterion has one.
_NOT_FOR_TENDER = {
    "breach": "'breach' is for monitoring rule sets",
    "action": "tender criteria give a 'remedy', not an 'action'",
}


def check_kind(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """What a tender rule set needs, and what only monitoring rule sets may say."""
    fail = diagnostics.fail
    if not spec.bands:
        fail(Code.BANDS, (), "a tender rule set needs 'bands': the result bands", key=True)
    for key in ("period", "ratings", "missing_returns", "kpis", "kpi_assessment"):
        if getattr(spec, key):
            fail(Code.WRONG_KIND, (key,), f"'{key}' is for monitoring rule sets only", key=True)
    for index, principle in enumerate(spec.principles):
        if principle.weight is None:
            fail(Code.WEIGHTS, ("principles", index), "this principle needs a 'weight' (percent)")
    for index, criterion in enumerate(spec.criteria):
        where = ("criteria", index)
        for key, message in _NOT_FOR_TENDER.items():
            if getattr(criterion, key) is not None:
                fail(Code.WRONG_KIND, (*where, key), message, key=True)
        if criterion.remedy is None:
            fail(
                Code.CRITERION,
                where,
                "this criterion needs a 'remedy': how a bidder can meet it",
                key=True,
            )
    for index, test in enumerate(spec.tests):
        for key in ("contract", "returns", "every_return"):
            if getattr(test, key):
                fail(
                    Code.WRONG_KIND,
                    ("tests", index, key),
                    f"'{key}' is for monitoring tests",
                    key=True,
                )


def check_award(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    if spec.award is None:
        return
    if spec.kind != "tender":
        diagnostics.fail(
            Code.WRONG_KIND,
            ("award",),
            "only tender rule sets rank bids: remove 'award'",
            key=True,
        )
    total = spec.award.quality + spec.award.price
    if abs(total - 100) > 1e-6:
        diagnostics.fail(
            Code.WEIGHTS, ("award",), f"quality and price add up to {total:g}, not 100", key=True
        )


# The checks of a tender rule set as a whole, in the order their problems are found.
CHECKS: tuple[Check, ...] = (
    check_kind,
    check_award,
    check_scale,
    check_social_value,
    check_gates,
    check_commitments,
)


def compile_tender(
    diagnostics: Diagnostics,
    spec: RuleSetSpec,
    types: dict[str, FieldType],
    citations: Citations,
) -> Body | None:
    layout = FactLayout.for_inputs(types)
    principles = _principles(diagnostics, spec)
    bands = _bands(diagnostics, spec)
    for check in CHECKS:
        check(diagnostics, spec)
    definition: dict[str, Any] = {}
    descriptors = MappingProxyType(dict(spec.scale.descriptors) if spec.scale else {})
    terms = expressions.terms_of(spec)
    criteria = []
    for index, criterion in enumerate(spec.criteria):
        stage = _Criterion(diagnostics, layout, definition, citations, descriptors, terms)
        compiled = stage.compile(index, criterion, principles)
        if compiled is not None:
            criteria.append(compiled)
    diagnostics.duplicates("criteria", (c.id for c in spec.criteria), "criterion id")
    if not diagnostics.partial:  # cross-references to dropped parts would only mislead
        _check_coverage(diagnostics, spec)
        _check_tests(diagnostics, spec)
    thresholds = compile_thresholds(diagnostics, spec, criteria)
    if diagnostics.problems:
        return None
    return Body(layout, principles, tuple(criteria), bands, definition, thresholds=thresholds)


def _principles(diagnostics: Diagnostics, spec: RuleSetSpec) -> dict[str, Principle]:
    diagnostics.duplicates("principles", (p.id for p in spec.principles), "principle id")
    total = sum(p.weight or 0 for p in spec.principles)
    if abs(total - 100) > 1e-6 and not diagnostics.partial:
        diagnostics.fail(
            Code.WEIGHTS,
            ("principles",),
            f"principle weights add up to {total:g}, not 100",
            key=True,
        )
    return {p.id: Principle(p.id, p.name, p.weight or 0) for p in spec.principles}


def _bands(diagnostics: Diagnostics, spec: RuleSetSpec) -> tuple[Band, ...]:
    fail = diagnostics.fail
    diagnostics.duplicates("bands", (b.id for b in spec.bands), "band id")
    gates = [b for b in spec.bands if b.gate_failure]
    rejects = any(c.gate for c in spec.criteria) or has_minimums(spec)
    if rejects and len(gates) != 1:
        fail(
            Code.BANDS,
            ("bands",),
            "with pass/fail criteria or minimum scores, exactly one band needs "
            "'gate_failure: true': the band of a rejected bid",
            key=True,
        )
    for index, band in enumerate(spec.bands):
        if band.gate_failure and band.min_total is not None:
            fail(Code.BANDS, ("bands", index), "the gate-failure band has no 'min_total'")
        if not band.gate_failure and band.min_total is None:
            fail(Code.BANDS, ("bands", index), "this band needs 'min_total' (0–100)")
    scored = [b for b in spec.bands if not b.gate_failure and b.min_total is not None]
    if scored and min(b.min_total or 0 for b in scored) != 0:
        fail(
            Code.BANDS,
            ("bands",),
            "one band needs 'min_total: 0' so that every total has a band",
            key=True,
        )
    ordered = sorted(scored, key=lambda b: -(b.min_total or 0))
    return tuple(Band(b.id, b.label, b.min_total, b.gate_failure) for b in ordered + gates)


def _check_coverage(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    scored = {c.principle for c in spec.criteria if c.levels or default_points(c) > 0}
    for index, principle in enumerate(spec.principles):
        if principle.id not in scored:
            diagnostics.fail(
                Code.CRITERION,
                ("principles", index),
                f"principle '{principle.id}' has no scored criterion",
            )


def _check_tests(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    fail = diagnostics.fail
    diagnostics.duplicates("tests", (t.name for t in spec.tests), "test name")
    names = [t.name for t in spec.tests]
    bands = [b.id for b in spec.bands]
    criteria = [c.id for c in spec.criteria]
    for index, test in enumerate(spec.tests):
        where = ("tests", index)
        if test.base is not None and test.base not in names:
            fail(
                Code.UNKNOWN_REFERENCE,
                (*where, "base"),
                f"no test named '{test.base}'{did_you_mean(test.base, names)}",
            )
        if test.file is not None:
            diagnostics.test_file((*where, "file"), test.file)
        if test.expect.band is not None and test.expect.band not in bands:
            hint = did_you_mean(test.expect.band, bands)
            fail(
                Code.UNKNOWN_REFERENCE,
                (*where, "expect", "band"),
                f"no band '{test.expect.band}'{hint}",
            )
        for cid in test.expect.criteria:
            if cid not in criteria:
                hint = did_you_mean(cid, criteria)
                fail(
                    Code.UNKNOWN_REFERENCE,
                    (*where, "expect", "criteria", cid),
                    f"no criterion '{cid}'{hint}",
                    key=True,
                )


class _Criterion:
    """One tender criterion: its conditions become rules in `definition`."""

    def __init__(
        self,
        diagnostics: Diagnostics,
        layout: FactLayout,
        definition: dict[str, Any],
        citations: Citations,
        descriptors: Mapping[int, str],
        terms: Terms,
    ) -> None:
        self.diagnostics = diagnostics
        self.layout = layout
        self.definition = definition
        self.citations = citations
        self.descriptors = descriptors
        self.terms = terms

    def compile(
        self, index: int, spec: CriterionSpec, principles: dict[str, Principle]
    ) -> CompiledCriterion | None:
        where: Where = ("criteria", index)
        if spec.scored_by == "panel" and spec.explain is None:
            return None  # not spelled out (compiler.panel): its problems are reported
        if not self._well_formed(where, spec, principles):
            return None
        rule = f"c{index}"
        types = dict(self.layout.types)
        conditions, nodes, levels = self._levels(where, spec, rule, types)
        applies_rule = None
        applies: Node | None = None
        if spec.applies_when is not None:
            path = (*where, "applies_when")
            applies = expressions.expression(self.diagnostics, path, spec.applies_when, types)
            if applies is not None:
                applies_rule = f"{rule}_a"
                conditions.append((path, applies))
        self._define(conditions, spec, rule, applies_rule)
        templates = expressions.templates(
            self.diagnostics, where, spec, set(types), terms=self.terms
        )
        if templates is None or len(conditions) != len(levels) + (applies_rule is not None):
            return None
        return self._criterion(spec, nodes, levels, applies, applies_rule, templates, types)

    def _well_formed(
        self, where: Where, spec: CriterionSpec, principles: dict[str, Principle]
    ) -> bool:
        """Its principle exists, and it is met-or-not or scored, not both (else False)."""
        diagnostics = self.diagnostics
        if spec.principle not in principles:
            hint = did_you_mean(spec.principle, list(principles))
            diagnostics.fail(
                Code.UNKNOWN_REFERENCE,
                (*where, "principle"),
                f"no principle '{spec.principle}'{hint}",
            )
        if (spec.when is None) == (spec.levels is None):
            diagnostics.fail(
                Code.CRITERION,
                where,
                "give either 'when' (met or not) or 'levels' (scored), not both",
                key=True,
            )
            return False
        if spec.levels is not None and spec.points is not None:
            diagnostics.fail(
                Code.CRITERION,
                (*where, "points"),
                "with 'levels', the points are given per level",
                key=True,
            )
        return True

    def _levels(
        self, where: Where, spec: CriterionSpec, rule: str, types: dict[str, FieldType]
    ) -> tuple[list[tuple[Where, Node]], list[Node], list[Level]]:
        """Its conditions (with where each is written), their expressions, and its levels:
        one for a met-or-not criterion, one per scored level."""
        diagnostics = self.diagnostics
        nodes: list[Node] = []
        levels: list[Level] = []
        conditions: list[tuple[Where, Node]] = []
        if spec.when is not None:
            node = expressions.expression(diagnostics, (*where, "when"), spec.when, types)
            if node is not None:
                conditions.append(((*where, "when"), node))
                nodes.append(node)
            levels.append(Level(rule, default_points(spec), None))
        for n, level in enumerate(spec.levels or []):
            path = (*where, "levels", n, "when")
            node = expressions.expression(diagnostics, path, level.when, types)
            if node is not None:
                conditions.append((path, node))
                nodes.append(node)
            levels.append(Level(f"{rule}_{n}", level.points, level.label))
        if spec.levels:
            self._check_levels(conditions)
        return conditions, nodes, levels

    def _define(
        self,
        conditions: list[tuple[Where, Node]],
        spec: CriterionSpec,
        rule: str,
        applies_rule: str | None,
    ) -> None:
        """Each condition compiled for durable_rules under its rule's name."""
        diagnostics = self.diagnostics
        for path, node in conditions:
            name = (
                applies_rule
                if path[-1] == "applies_when"
                else (rule if spec.levels is None else f"{rule}_{path[-2]}")
            )
            compiled = expressions.condition(diagnostics, path, node, self.layout)
            if compiled is not None and name is not None:
                self.definition[name] = compiled
                diagnostics.positions[name] = diagnostics.expression_position(path, node.pos)

    def _criterion(
        self,
        spec: CriterionSpec,
        nodes: list[Node],
        levels: list[Level],
        applies: Node | None,
        applies_rule: str | None,
        templates: expressions.Templates,
        types: dict[str, FieldType],
    ) -> CompiledCriterion:
        fields = tuple(dict.fromkeys(f.path for node in nodes for f in fields_of(node)))
        met, partly, not_met, missing = templates
        terms = self.terms
        applies_text = words(applies, terms) if applies is not None else None
        applies_fields = [f.path for f in fields_of(applies)] if applies is not None else []
        placeholders = [n for t in templates for n in t.names if n in types]
        read = list(spec.reads or [])
        return CompiledCriterion(
            id=spec.id,
            principle=spec.principle,
            title=spec.title,
            severity=spec.severity,
            gate=spec.gate,
            max_points=max(level.points for level in levels),
            levels=tuple(levels),
            applies_rule=applies_rule,
            applies_text=applies_text,
            conditions=tuple(nodes),
            fields=fields,
            # Everything a finding shows: the cache of findings is keyed on these values.
            shown=tuple(dict.fromkeys([*fields, *applies_fields, *placeholders, *read])),
            expected=_panel_expectations(spec, terms)
            if spec.scored_by == "panel"
            else _expectations(
                list(zip(nodes, [level.points for level in levels], strict=True)),
                fields,
                terms,
                scored=spec.levels is not None,
            )
            + tuple(
                (field, terms[field].label, f"this applies only when {applies_text}")
                for field in dict.fromkeys(applies_fields)
                if field not in fields
            ),
            scored_by=spec.scored_by,
            guidance=spec.guidance or "",
            explain_met=met,
            explain_partly=partly,
            explain_not_met=not_met,
            explain_missing=missing,
            remedy=spec.remedy or "",
            source=cite(self.citations, spec.source),
            value_labels={
                f: terms[f].values
                for f in dict.fromkeys([*fields, *applies_fields])
                if f in terms and terms[f].values
            },
            descriptors=self.descriptors,
        )

    def _check_levels(self, conditions: list[tuple[Where, Node]]) -> None:
        earlier: list[Node] = []
        for path, node in conditions:
            if level_analysis.covered(node, earlier):
                self.diagnostics.fail(
                    Code.UNREACHABLE_LEVEL,
                    path,
                    "this level can never be reached: the levels above it already match "
                    "every submission it would match (levels are tried in order)",
                )
            earlier.append(node)


def default_points(spec: CriterionSpec) -> int:
    """Points for a met criterion without levels: as written, else 1 (0 for a gate)."""
    if spec.points is not None:
        return spec.points
    return 0 if spec.gate else 1


def _expectations(
    levels: list[tuple[Node, int]], fields: tuple[str, ...], terms: Terms, scored: bool
) -> tuple[tuple[str, str, str], ...]:
    """For each field a criterion reads: its label, and what the conditions ask of it in
    words, level by level with their points ("at least 90% for 4 points; at least 60% for
    2 points")."""
    out = []
    for field in fields:
        parts = []
        for node, points in levels:
            asked = _asked(node, field, terms)
            if asked:
                parts.append(f"{asked} for {points} points" if scored else asked)
        out.append((field, terms[field].label, "; ".join(parts)))
    return tuple(out)


def _panel_expectations(spec: CriterionSpec, terms: Terms) -> tuple[tuple[str, str, str], ...]:
    """A panel criterion's evidence: the text answers the panel read, then its score."""
    score = panel.points_field(spec.id)
    asked = (
        "a pass (1) or a fail (0), agreed by the evaluation panel"
        if spec.gate
        else "a score on the published scale, agreed by the evaluation panel"
    )
    read = [
        (field, terms[field].label, "read and scored by the evaluation panel")
        for field in spec.reads or []
    ]
    return (*read, (score, terms[score].label, asked))


def _asked(node: Node, field: str, terms: Terms) -> str:
    """What `node` asks of `field`, in words, with what an `or` accepts instead ("yes (or
    else complaints collected: yes)"): a level that one of two answers meets must not read
    as if it asked for both."""
    if isinstance(node, BoolOp):
        parts = [(_asked(item, field, terms), item) for item in node.items]
        mine = list(dict.fromkeys(text for text, _ in parts if text))
        if not mine:
            return ""
        if node.op == "and":
            return " and ".join(mine)
        others = list(dict.fromkeys(words(item, terms) for text, item in parts if not text))
        said = " or ".join(mine)
        return f"{said} (or else {joined(others, 'or')})" if others else said
    if isinstance(node, Not) and isinstance(node.operand, BoolOp):
        return " and ".join(
            dict.fromkeys(
                words(atom, terms, subject=field)
                for atom in _atoms(node)
                if any(f.path == field for f in fields_of(atom))
            )
        )
    if any(f.path == field for f in fields_of(node)):
        return words(node, terms, subject=field)
    return ""


def _atoms(node: Node) -> list[Node]:
    """The comparisons a condition is made of (through its ands, ors and nots of groups)."""
    atoms: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, BoolOp):
            stack.extend(reversed(current.items))
        elif isinstance(current, Not) and isinstance(current.operand, BoolOp):
            stack.append(current.operand)
        else:
            atoms.append(current)
    return atoms
