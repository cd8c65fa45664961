"""The per-submission part of scoring, as one straight-line function per rule set
(engine.codegen).

Scoring visits every criterion of every submission; a loop over criteria spends most of its
time on the loop itself (unpacking each criterion's plan, testing which optional parts it
has). So each rule set gets a function written out in full, criterion by criterion, with
its rule names and field paths as constants. It is generated from the compiled rule set,
never from rule-file text: the names are our own (`c6_0`) and the field paths matched
FieldPath's pattern; both are written with repr(). Scoring reads the same as a loop would:

    level = the first level whose rule fired for submission n; -1 if the criterion does
            not apply, -2 not met, -3 not met with an optional answer missing (the scorer
            decides later whether that is evidence_missing)
    key   = (level, the values the finding shows)
    entry = the criterion's cache[key], or a new entry made and cached

An entry is (finding, its encoded JSON, points, maximum points, gate failure reason or
None), and a principle's is (score, its encoded JSON, its share of the total, its weight
when it has points to give, else 0); see engine.scoring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probity.engine.compiler.compiled import CompiledCriterion, CompiledRuleSet
from probity.engine.evaluation import codegen

NOT_APPLICABLE, NOT_MET, MISSING = -1, -2, -3

# plan(values, n, hits) -> (findings, their encodings, gate failure reasons, principle
# scores, their encodings, total, maximum), in rule-file order; total and maximum are not
# rounded yet. `hits` holds, in the order of rule_names(), the set of submission indexes
# each rule fired for; `n` is this submission's index.
Plan = Callable[[dict[str, Any], int, tuple[set[int], ...]], tuple[Any, ...]]


def rule_names(ruleset: CompiledRuleSet) -> tuple[str, ...]:
    """The rules scoring reads, in the order the plan takes their hits."""
    return tuple(ruleset.rules)


def _level(c: CompiledCriterion, required: set[str], slot: dict[str, int]) -> str:
    optional = [f for f in c.fields if f not in required]
    expression = str(NOT_MET)
    if optional:
        absent = " or ".join(f"{f!r} not in values" for f in optional)
        expression = f"({MISSING} if {absent} else {NOT_MET})"
    for n in reversed(range(len(c.levels))):
        expression = f"({n} if n in h{slot[c.levels[n].rule]} else {expression})"
    if c.applies_rule is not None:
        applies = slot[c.applies_rule]
        expression = f"({NOT_APPLICABLE} if n not in h{applies} else {expression})"
    return expression


def _cached(name: str, lookup: str, make: str) -> list[str]:
    """`name = lookup`, or `make` if it is not cached yet. A try costs nothing in Python
    3.11 until it catches, and a subscript is quicker than a get() call."""
    return [
        "    try:",
        f"        {name} = {lookup}",
        "    except KeyError:",
        f"        {name} = {make}",
    ]


def source(ruleset: CompiledRuleSet) -> str:
    required = {i.path for i in ruleset.spec.inputs if i.required}
    names = rule_names(ruleset)
    slot = {name: k for k, name in enumerate(names)}
    lines = [
        "def plan(values, n, hits):",
        "    get = values.get",
        f"    {''.join(f'h{k}, ' for k in range(len(names)))}= hits",
    ]
    for n, c in enumerate(ruleset.criteria):
        # A required answer is always there (the validator saw to it): no get() call.
        shown = "".join(f" values[{f!r}]," if f in required else f" get({f!r})," for f in c.shown)
        lines.append(f"    k = ({_level(c, required, slot)},{shown})  # {c.id}")
        lines += _cached(f"e{n}", f"cache{n}[k]", f"new({n}, k, values)")
    every = range(len(ruleset.criteria))
    gates = [n for n, c in enumerate(ruleset.criteria) if c.gate]
    findings = "".join(f"e{n}[0], " for n in every)
    encoded = "".join(f"e{n}[1], " for n in every)
    reasons = f"tuple(filter(None, ({''.join(f'e{n}[4], ' for n in gates)})))"
    for p, principle in enumerate(ruleset.principles):
        members = [n for n, c in enumerate(ruleset.criteria) if c.principle == principle.id]
        points = " + ".join(f"e{n}[2]" for n in members) or "0"
        maximum = " + ".join(f"e{n}[3]" for n in members) or "0"
        lines.append(f"    s = ({points}, {maximum})  # {principle.id}")
        lines += _cached(f"q{p}", f"principle{p}[s]", f"new_principle({p}, s)")
    every_p = range(len(ruleset.principles))
    scores = "".join(f"q{p}[0], " for p in every_p)
    scores_encoded = "".join(f"q{p}[1], " for p in every_p)
    # Summed in principle order, as sum() over the scores would: the same float every time.
    total = " + ".join(f"q{p}[2]" for p in every_p) or "0"
    weights = " + ".join(f"q{p}[3]" for p in every_p) or "0"
    lines.append(
        f"    return ({findings}), ({encoded}), {reasons}, ({scores}), ({scores_encoded}), "
        f"0 + {total}, 0 + {weights}"
    )
    return "\n".join(lines) + "\n"


def build(
    ruleset: CompiledRuleSet,
    caches: list[dict[Any, Any]],
    new: Callable[..., Any],
    principle_caches: list[dict[Any, Any]],
    new_principle: Callable[..., Any],
) -> Plan:
    namespace: dict[str, Any] = {
        "new": new,
        "new_principle": new_principle,
        **{f"cache{n}": c for n, c in enumerate(caches)},
        **{f"principle{n}": c for n, c in enumerate(principle_caches)},
    }
    plan: Plan = codegen.build(
        source(ruleset), "plan", namespace, f"scoring plan for {ruleset.engine_name}"
    )
    return plan
