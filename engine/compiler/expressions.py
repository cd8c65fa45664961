"""What the tender and monitoring stages share: `when` texts parsed and type-checked, turned
into durable_rules conditions within its limits, and explanation templates checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from probity.engine.compiler.compiled import Template
from probity.engine.compiler.conditions import FactLayout, compile_condition
from probity.engine.compiler.diagnostics import Diagnostics, Path
from probity.engine.compiler.model import CriterionSpec, RuleSetSpec
from probity.engine.compiler.partitions import BATCH_CAP, NODE_BUDGET, condition_nodes
from probity.engine.errors import Code
from probity.engine.when.expression import ExpressionError, Node, parse
from probity.engine.when.typecheck import FieldType, check, did_you_mean
from probity.engine.when.words import Term, term_for

# Placeholders every tender explanation may use besides the inputs.
BUILT_IN_PLACEHOLDERS = ("points", "max_points", "missing")
# Could be met if answered: the wording says so, rather than "cannot be met".
DEFAULT_EVIDENCE_MISSING = (
    "Evidence missing: no answer was given for {missing}, so this could not be assessed."
)

Templates = tuple[Template, Template, Template, Template]  # met, partly, not met, missing


def terms_of(spec: RuleSetSpec) -> dict[str, Term]:
    """How each input is named in findings (engine.when.words)."""
    return {i.path: term_for(i.path, i.label, i.type, i.labels) for i in spec.inputs}


def expression(
    diagnostics: Diagnostics, path: Path, text: str, types: dict[str, FieldType]
) -> Node | None:
    """The parsed condition at `path`, if it parses and fits the declared inputs."""
    try:
        node = parse(text)
    except ExpressionError as exc:
        diagnostics.fail_expr(Code.EXPRESSION_SYNTAX, path, exc)
        return None
    errors = check(node, types)
    for error in errors:
        diagnostics.fail_expr(Code.EXPRESSION_TYPE, path, error)
    return None if errors else node


def condition(
    diagnostics: Diagnostics, path: Path, node: Node, layout: FactLayout
) -> dict[str, Any] | None:
    """A checked condition as a durable_rules rule, if the rules engine can take it."""
    try:
        compiled = compile_condition(node, layout)
    except ExpressionError as exc:
        diagnostics.fail_expr(Code.EXPRESSION_TYPE, path, exc)
        return None
    nodes = condition_nodes(compiled)[1]
    if nodes + 1 > NODE_BUDGET:
        diagnostics.fail_expr(
            Code.TOO_COMPLEX,
            path,
            ExpressionError(
                f"this condition is too complex for the rules engine ({nodes} tests once "
                f"each 'or' is spelled out; at most {NODE_BUDGET - 1}): split it into "
                "several criteria or levels",
                node.pos,
            ),
        )
        return None
    return {"all": [{"m": compiled}], "cap": BATCH_CAP}


def templates(
    diagnostics: Diagnostics,
    where: Path,
    spec: CriterionSpec,
    fields: set[str],
    built_in: tuple[str, ...] = BUILT_IN_PLACEHOLDERS,
    terms: Mapping[str, Term] | None = None,
) -> Templates | None:
    """The criterion's explanations, if every placeholder in them names something shown
    (None without any: compiler.panel has said so)."""
    if spec.explain is None:
        return None
    texts = {
        "met": spec.explain.met,
        "partly_met": spec.explain.partly_met or spec.explain.met,
        "not_met": spec.explain.not_met,
        "evidence_missing": spec.explain.evidence_missing or DEFAULT_EVIDENCE_MISSING,
    }
    parsed = {}
    ok = True
    for name, text in texts.items():
        shown = {path: t.values for path, t in (terms or {}).items() if t.values}
        template = Template.parse(text, shown)
        for placeholder in template.names:
            if placeholder not in fields and placeholder not in built_in:
                hint = did_you_mean(placeholder, sorted(fields) + list(built_in))
                diagnostics.fail(
                    Code.PLACEHOLDER,
                    (*where, "explain", name),
                    f"unknown placeholder '{{{placeholder}}}'{hint}",
                )
                ok = False
        parsed[name] = template
    if not ok:
        return None
    return (parsed["met"], parsed["partly_met"], parsed["not_met"], parsed["evidence_missing"])
