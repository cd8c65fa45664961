"""Rule file → validated model → compiled rule set, reporting every problem at file:line:col."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from probity.engine.compiler.compiled import (
    Band,
    CompiledCriterion,
    CompiledRuleSet,
    Level,
    MonitoringPlan,
    Principle,
    SourceReference,
    Template,
)
from probity.engine.compiler.conditions import FactLayout, compile_condition
from probity.engine.compiler.model import CriterionSpec, RuleSetSpec
from probity.engine.compiler.monitoring_rules import MonitoringCompiler
from probity.engine.compiler.partitions import (
    BATCH_CAP,
    NODE_BUDGET,
    condition_nodes,
    fact_keys,
    partition,
)
from probity.engine.compiler.schema_errors import (
    friendly,
    inner_model,
    model_fields,
    pattern_fields,
    without_tag,
)
from probity.engine.compiler.tender_checks import check_gates, check_scale, check_social_value
from probity.engine.compiler.yamlsource import SourceMap, YamlSyntaxError, load
from probity.engine.errors import Diagnostic, RuleFileError
from probity.engine.when import levels as level_analysis
from probity.engine.when.expression import (
    BoolOp,
    Compare,
    ExpressionError,
    Field,
    Literal,
    Node,
    Not,
    Pos,
    fields_of,
    parse,
    render,
)
from probity.engine.when.typecheck import FieldType, check, did_you_mean

MAX_RULES = 2000
# Placeholders every explanation may use besides the inputs.
_BUILT_IN_PLACEHOLDERS = ("points", "max_points", "missing")


def load_file(path: str | Path) -> CompiledRuleSet:
    """Load and compile one rule file, or raise RuleFileError with every problem in it."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError([Diagnostic(str(path), 1, 1, f"cannot read the file: {exc}")]) from None
    return compile_text(text, str(path))


def compile_text(text: str, file: str) -> CompiledRuleSet:
    try:
        data, smap = load(text, file)
    except YamlSyntaxError as exc:
        raise RuleFileError([exc.diagnostic]) from None
    return _Compiler(text, file, smap).run(data)


class _Compiler:
    def __init__(self, text: str, file: str, smap: SourceMap) -> None:
        self.text, self.file, self.smap = text, file, smap
        self.problems: list[Diagnostic] = []
        self.partial_mode = False  # some parts were dropped: skip checks over the whole
        self.positions: dict[str, tuple[int, int]] = {}  # rule name → where its condition is

    def fail(self, path: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        self.problems.append(self.smap.diagnostic(path, message, key=key))

    def fail_expr(self, path: tuple[str | int, ...], error: ExpressionError) -> None:
        line, col = self.expression_position(path, error.pos)
        self.problems.append(Diagnostic(self.file, line, col, error.message))

    def expression_position(self, path: tuple[str | int, ...], pos: Pos) -> tuple[int, int]:
        line, col = self.smap.at(path)
        first = self.smap.lines[line - 1][col - 1 : col] if line <= len(self.smap.lines) else ""
        if first in ("|", ">"):  # block scalar: the text starts on the next line, indented
            target = line + pos.line
            source = self.smap.lines[target - 1] if target <= len(self.smap.lines) else ""
            return target, len(source) - len(source.lstrip()) + pos.col
        quote = 1 if first in ("'", '"') else 0
        return line + pos.line - 1, (col + quote if pos.line == 1 else 0) + pos.col - 1

    # -- structure ---------------------------------------------------------------------
    def validate(self, data: Any) -> RuleSetSpec | None:
        if not isinstance(data, dict):
            self.fail((), "a rule file is a block of 'key: value' lines (id, version, title, …)")
            return None
        try:
            return RuleSetSpec.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.structural(error)
        return None

    def structural(self, error: Any) -> None:
        loc, pattern = without_tag(tuple(error["loc"]))
        if error["type"] == "extra_forbidden":
            known = pattern_fields(pattern) if pattern else model_fields(RuleSetSpec, loc[:-1])
            hint = did_you_mean(str(loc[-1]), known)
            self.fail(loc, f"unknown key '{loc[-1]}'{hint}", key=True)
        elif error["type"] == "missing":
            self.fail(loc[:-1], friendly(error), key=True)
        else:
            self.fail(loc, friendly(error))

    def partial(self, data: dict[str, Any]) -> RuleSetSpec | None:
        """When the file has structural errors, keep checking whatever parts are sound."""
        sound = dict(data)
        for section in ("inputs", "principles", "criteria", "bands", "ratings", "tests"):
            items = data.get(section)
            if not isinstance(items, list):
                continue
            field = RuleSetSpec.model_fields[section].annotation
            item_model = inner_model(field)
            kept = []
            for item in items:
                try:
                    kept.append(item_model.model_validate(item))
                except ValidationError:
                    continue
            sound[section] = kept
        try:
            return RuleSetSpec.model_validate(sound)
        except ValidationError:
            return None

    # -- the whole file ----------------------------------------------------------------
    def run(self, data: Any) -> CompiledRuleSet:
        spec = self.validate(data)
        if spec is None and isinstance(data, dict):
            partial = self.partial(data)
            if partial is not None:
                self.partial_mode = True
                self.semantics(partial)
            raise RuleFileError(self.problems or [Diagnostic(self.file, 1, 1, "invalid")])
        if spec is None:
            raise RuleFileError(self.problems)
        compiled = self.semantics(spec)
        if self.problems or compiled is None:
            raise RuleFileError(self.problems)
        return compiled

    def semantics(self, spec: RuleSetSpec) -> CompiledRuleSet | None:
        types = self.check_inputs(spec)
        if spec.kind == "monitoring":
            return MonitoringCompiler(self).run(spec, types)
        self.check_tender_only(spec)
        layout = FactLayout.for_inputs(types)
        principles = self.check_principles(spec)
        bands = self.check_bands(spec)
        self.check_award(spec)
        check_scale(self, spec)
        check_social_value(self, spec)
        check_gates(self, spec)
        definition: dict[str, Any] = {}
        criteria = []
        for index, criterion in enumerate(spec.criteria):
            compiled = self.criterion(index, criterion, layout, principles, definition)
            if compiled is not None:
                criteria.append(compiled)
        self.duplicates("criteria", (c.id for c in spec.criteria), "criterion id")
        if not self.partial_mode:  # cross-references to dropped parts would only mislead
            self.check_coverage(spec, principles)
            self.check_tests(spec)
        if self.problems:
            return None
        return self.assemble(spec, layout, principles, tuple(criteria), bands, definition)

    def assemble(
        self,
        spec: RuleSetSpec,
        layout: FactLayout,
        principles: dict[str, Principle],
        criteria: tuple[CompiledCriterion, ...],
        bands: tuple[Band, ...],
        definition: dict[str, Any],
        monitoring: MonitoringPlan | None = None,
    ) -> CompiledRuleSet | None:
        if len(definition) > MAX_RULES:
            self.fail(("criteria",), f"{len(definition)} conditions; at most {MAX_RULES}")
            return None
        parts = partition(definition)
        return CompiledRuleSet(
            id=spec.id,
            version=spec.version,
            title=spec.title,
            kind=spec.kind,
            digest=hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            source_text=self.text,
            file=self.file,
            spec=spec,
            layout=layout,
            principles=tuple(principles.values()),
            criteria=criteria,
            bands=bands,
            rules=definition,
            rule_positions=self.positions,
            partitions=parts,
            partition_keys=tuple(
                tuple(sorted(set().union(*(fact_keys(r["all"]) for r in part.values()))))
                for part in parts
            ),
            monitoring=monitoring,
        )

    def check_tender_only(self, spec: RuleSetSpec) -> None:
        """What a tender rule set needs, and what only monitoring rule sets may say."""
        if not spec.bands:
            self.fail((), "a tender rule set needs 'bands': the result bands", key=True)
        for key in ("period", "ratings"):
            if getattr(spec, key):
                self.fail((key,), f"'{key}' is for monitoring rule sets only", key=True)
        for index, principle in enumerate(spec.principles):
            if principle.weight is None:
                self.fail(("principles", index), "this principle needs a 'weight' (percent)")
        for index, criterion in enumerate(spec.criteria):
            where = ("criteria", index)
            if criterion.breach is not None:
                self.fail((*where, "breach"), "'breach' is for monitoring rule sets", key=True)
            if criterion.action is not None:
                self.fail(
                    (*where, "action"), "tender criteria give a 'remedy', not an 'action'", key=True
                )
            if criterion.remedy is None:
                self.fail(
                    where, "this criterion needs a 'remedy': how a bidder can meet it", key=True
                )
        for index, test in enumerate(spec.tests):
            for key in ("contract", "returns", "every_return"):
                if getattr(test, key):
                    self.fail(("tests", index, key), f"'{key}' is for monitoring tests", key=True)

    def duplicates(self, section: str, ids: Iterable[str], what: str) -> None:
        seen: Counter[str] = Counter()
        for index, ident in enumerate(ids):
            seen[ident] += 1
            if seen[ident] == 2:
                self.fail((section, index), f"duplicate {what} '{ident}'")

    def check_inputs(self, spec: RuleSetSpec) -> dict[str, FieldType]:
        types: dict[str, FieldType] = {}
        self.duplicates("inputs", (i.path for i in spec.inputs), "input path")
        paths = {i.path for i in spec.inputs}
        for index, item in enumerate(spec.inputs):
            where = ("inputs", index)
            for other in paths:
                if other.startswith(item.path + "."):
                    self.fail(where, f"'{item.path}' cannot be a value and hold '{other}' too")
            if item.allowed is not None and item.type not in ("string", "list"):
                self.fail((*where, "allowed"), "'allowed' is for text and list inputs only")
            if item.type == "list" and not item.allowed:
                self.fail(where, "a list input needs 'allowed': the values its items may take")
            if (item.minimum is not None or item.maximum is not None) and item.type not in (
                "integer",
                "number",
            ):
                self.fail(where, "'minimum' and 'maximum' are for number inputs only")
            types[item.path] = FieldType(item.type, tuple(item.allowed or ()))
        return types

    def check_principles(self, spec: RuleSetSpec) -> dict[str, Principle]:
        self.duplicates("principles", (p.id for p in spec.principles), "principle id")
        total = sum(p.weight or 0 for p in spec.principles)
        if abs(total - 100) > 1e-6 and not self.partial_mode:
            self.fail(("principles",), f"principle weights add up to {total:g}, not 100", key=True)
        return {p.id: Principle(p.id, p.name, p.weight or 0) for p in spec.principles}

    def check_award(self, spec: RuleSetSpec) -> None:
        if spec.award is None:
            return
        if spec.kind != "tender":
            self.fail(("award",), "only tender rule sets rank bids: remove 'award'", key=True)
        total = spec.award.quality + spec.award.price
        if abs(total - 100) > 1e-6:
            self.fail(("award",), f"quality and price add up to {total:g}, not 100", key=True)

    def check_bands(self, spec: RuleSetSpec) -> tuple[Band, ...]:
        self.duplicates("bands", (b.id for b in spec.bands), "band id")
        gates = [b for b in spec.bands if b.gate_failure]
        has_gates = any(c.gate for c in spec.criteria)
        if has_gates and len(gates) != 1:
            self.fail(
                ("bands",),
                "with gate criteria, exactly one band needs 'gate_failure: true'",
                key=True,
            )
        for index, band in enumerate(spec.bands):
            if band.gate_failure and band.min_total is not None:
                self.fail(("bands", index), "the gate-failure band has no 'min_total'")
            if not band.gate_failure and band.min_total is None:
                self.fail(("bands", index), "this band needs 'min_total' (0–100)")
        scored = [b for b in spec.bands if not b.gate_failure and b.min_total is not None]
        if scored and min(b.min_total or 0 for b in scored) != 0:
            self.fail(
                ("bands",), "one band needs 'min_total: 0' so that every total has a band", key=True
            )
        ordered = sorted(scored, key=lambda b: -(b.min_total or 0))
        return tuple(Band(b.id, b.label, b.min_total, b.gate_failure) for b in ordered + gates)

    def check_coverage(self, spec: RuleSetSpec, principles: dict[str, Principle]) -> None:
        scored = {c.principle for c in spec.criteria if c.levels or _default_points(c) > 0}
        for index, principle in enumerate(spec.principles):
            if principle.id not in scored:
                self.fail(
                    ("principles", index), f"principle '{principle.id}' has no scored criterion"
                )

    def check_tests(self, spec: RuleSetSpec) -> None:
        self.duplicates("tests", (t.name for t in spec.tests), "test name")
        names = [t.name for t in spec.tests]
        bands = [b.id for b in spec.bands]
        criteria = [c.id for c in spec.criteria]
        folder = Path(self.file).parent
        for index, test in enumerate(spec.tests):
            where = ("tests", index)
            if test.base is not None and test.base not in names:
                self.fail(
                    (*where, "base"), f"no test named '{test.base}'{did_you_mean(test.base, names)}"
                )
            if test.file is not None and not (folder / test.file).is_file():
                self.fail((*where, "file"), f"no file '{test.file}' next to the rule file")
            if test.expect.band is not None and test.expect.band not in bands:
                hint = did_you_mean(test.expect.band, bands)
                self.fail((*where, "expect", "band"), f"no band '{test.expect.band}'{hint}")
            for cid in test.expect.criteria:
                if cid not in criteria:
                    hint = did_you_mean(cid, criteria)
                    self.fail(
                        (*where, "expect", "criteria", cid), f"no criterion '{cid}'{hint}", key=True
                    )

    # -- one criterion -----------------------------------------------------------------
    def expression(
        self, path: tuple[str | int, ...], text: str, types: dict[str, FieldType]
    ) -> Node | None:
        try:
            node = parse(text)
        except ExpressionError as exc:
            self.fail_expr(path, exc)
            return None
        errors = check(node, types)
        for error in errors:
            self.fail_expr(path, error)
        return None if errors else node

    def condition(
        self, path: tuple[str | int, ...], node: Node, layout: FactLayout
    ) -> dict[str, Any] | None:
        try:
            condition = compile_condition(node, layout)
        except ExpressionError as exc:
            self.fail_expr(path, exc)
            return None
        nodes = condition_nodes(condition)[1]
        if nodes + 1 > NODE_BUDGET:
            self.fail_expr(
                path,
                ExpressionError(
                    f"this condition is too complex for the rules engine ({nodes} tests once "
                    f"each 'or' is spelled out; at most {NODE_BUDGET - 1}): split it into "
                    "several criteria or levels",
                    node.pos,
                ),
            )
            return None
        return {"all": [{"m": condition}], "cap": BATCH_CAP}

    def criterion(
        self,
        index: int,
        spec: CriterionSpec,
        layout: FactLayout,
        principles: dict[str, Principle],
        definition: dict[str, Any],
    ) -> CompiledCriterion | None:
        where: tuple[str | int, ...] = ("criteria", index)
        types = dict(layout.types)
        if spec.principle not in principles:
            hint = did_you_mean(spec.principle, list(principles))
            self.fail((*where, "principle"), f"no principle '{spec.principle}'{hint}")
        if (spec.when is None) == (spec.levels is None):
            self.fail(
                where, "give either 'when' (met or not) or 'levels' (scored), not both", key=True
            )
            return None
        if spec.levels is not None and spec.points is not None:
            self.fail((*where, "points"), "with 'levels', the points are given per level", key=True)
        rule = f"c{index}"
        nodes: list[Node] = []
        levels: list[Level] = []
        conditions: list[tuple[tuple[str | int, ...], Node]] = []
        if spec.when is not None:
            node = self.expression((*where, "when"), spec.when, types)
            if node is not None:
                conditions.append(((*where, "when"), node))
                nodes.append(node)
            levels.append(Level(rule, _default_points(spec), None))
        for n, level in enumerate(spec.levels or []):
            node = self.expression((*where, "levels", n, "when"), level.when, types)
            if node is not None:
                conditions.append(((*where, "levels", n, "when"), node))
                nodes.append(node)
            levels.append(Level(f"{rule}_{n}", level.points, level.label))
        if spec.levels:
            self.check_levels(where, spec, conditions)
        applies_rule = None
        applies: Node | None = None
        if spec.applies_when is not None:
            applies = self.expression((*where, "applies_when"), spec.applies_when, types)
            if applies is not None:
                applies_rule = f"{rule}_a"
                conditions.append(((*where, "applies_when"), applies))
        for path, node in conditions:
            name = (
                applies_rule
                if path[-1] == "applies_when"
                else (rule if spec.levels is None else f"{rule}_{path[-2]}")
            )
            compiled = self.condition(path, node, layout)
            if compiled is not None and name is not None:
                definition[name] = compiled
                self.positions[name] = self.expression_position(path, node.pos)
        fields = tuple(dict.fromkeys(f.path for node in nodes for f in fields_of(node)))
        templates = self.templates(where, spec, set(types))
        if templates is None or len(conditions) != len(levels) + (applies_rule is not None):
            return None
        met, partly, not_met, missing = templates
        applies_text = _condition_text(applies) if applies is not None else None
        applies_fields = [f.path for f in fields_of(applies)] if applies is not None else []
        placeholders = [n for t in templates for n in t.names if n in types]
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
            shown=tuple(dict.fromkeys([*fields, *applies_fields, *placeholders])),
            expected=_expectations(nodes, fields)
            + tuple(
                (field, f"applies when {applies_text}")
                for field in dict.fromkeys(applies_fields)
                if field not in fields
            ),
            explain_met=met,
            explain_partly=partly,
            explain_not_met=not_met,
            explain_missing=missing,
            remedy=spec.remedy or "",
            source=SourceReference(spec.source.document, spec.source.quote, spec.source.section),
        )

    def check_levels(
        self,
        where: tuple[str | int, ...],
        spec: CriterionSpec,
        conditions: list[tuple[tuple[str | int, ...], Node]],
    ) -> None:
        earlier: list[Node] = []
        for path, node in conditions:
            if level_analysis.covered(node, earlier):
                self.fail(
                    path,
                    "this level can never be reached: the levels above it already match "
                    "every submission it would match (levels are tried in order)",
                )
            earlier.append(node)

    def templates(
        self,
        where: tuple[str | int, ...],
        spec: CriterionSpec,
        fields: set[str],
        built_in: tuple[str, ...] = _BUILT_IN_PLACEHOLDERS,
    ) -> tuple[Template, Template, Template, Template] | None:
        texts = {
            "met": spec.explain.met,
            "partly_met": spec.explain.partly_met or spec.explain.met,
            "not_met": spec.explain.not_met,
            "evidence_missing": spec.explain.evidence_missing
            or "Evidence missing: no answer for {missing}, so this cannot be met.",
        }
        templates = {}
        ok = True
        for name, text in texts.items():
            template = Template.parse(text)
            for placeholder in template.names:
                if placeholder not in fields and placeholder not in built_in:
                    hint = did_you_mean(placeholder, sorted(fields) + list(built_in))
                    self.fail(
                        (*where, "explain", name), f"unknown placeholder '{{{placeholder}}}'{hint}"
                    )
                    ok = False
            templates[name] = template
        if not ok:
            return None
        return (
            templates["met"],
            templates["partly_met"],
            templates["not_met"],
            templates["evidence_missing"],
        )


def _condition_text(node: Node) -> str:
    """A condition as text, spelling out a yes/no field on its own as `== true`."""
    if isinstance(node, Field):
        return f"{node.path} == true"
    if isinstance(node, Not) and isinstance(node.operand, Field):
        return f"{node.operand.path} == false"
    return render(node)


def _default_points(spec: CriterionSpec) -> int:
    """Points for a met criterion without levels: as written, else 1 (0 for a gate)."""
    if spec.points is not None:
        return spec.points
    return 0 if spec.gate else 1


def _expectations(nodes: list[Node], fields: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """For each field a criterion reads, the parts of its conditions that mention it."""
    atoms: list[Node] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, BoolOp):
            stack.extend(reversed(node.items))
        elif isinstance(node, Not) and isinstance(node.operand, BoolOp):
            stack.append(node.operand)
        elif isinstance(node, Field):  # a yes/no field on its own
            atoms.append(Compare("==", node, Literal(True, node.pos), node.pos))
        elif isinstance(node, Not) and isinstance(node.operand, Field):
            atoms.append(Compare("==", node.operand, Literal(False, node.pos), node.pos))
        else:
            atoms.append(node)
    out = []
    for field in fields:
        texts = dict.fromkeys(
            render(a) for a in atoms if any(f.path == field for f in fields_of(a))
        )
        out.append((field, "; ".join(texts)))
    return tuple(out)
