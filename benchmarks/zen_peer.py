"""GoRules zen-engine as a peer. `FairZen` is the comparison: one JDM expression node
computing what a Probity result's figures say (each criterion's level, points and outcome;
each principle's points, maximum and score; the total, the maximum, pass/fail and the band:
163 expressions for nolan-tender), parsed once into a ZenDecisionContent that the loader
returns, checked equal to Probity's result on every submission timed. It still writes no
explanations, evidence or sources, which Probity's findings carry.

`ZenPeer` (levels only, one decision table, its JSON parsed on every call) is kept for the
agreement test of matching alone; it is not a fair speed peer.
"""

from __future__ import annotations

import json
from typing import Any

import zen

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.when.expression import (
    Arith,
    BoolOp,
    Compare,
    Contains,
    Exists,
    Field,
    In,
    Literal,
    Matches,
    Neg,
    Node,
    Not,
    parse,
)

KEY = "ruleset.json"


def zen_expression(node: Node) -> str:
    """A `when` condition in ZEN's expression language."""
    match node:
        case Field():
            return node.path
        case Literal():
            return json.dumps(node.value)
        case Arith():
            return f"({zen_expression(node.left)} {node.op} {zen_expression(node.right)})"
        case Neg():
            return f"(-{zen_expression(node.operand)})"
        case Compare():
            return f"({zen_expression(node.left)} {node.op} {zen_expression(node.right)})"
        case In():
            items = ", ".join(json.dumps(i.value) for i in node.items)
            test = f"({zen_expression(node.operand)} in [{items}])"
            return f"(not {test})" if node.negated else test
        case Contains():
            return f"contains({zen_expression(node.collection)}, {zen_expression(node.item)})"
        case Matches():
            return f"matches({zen_expression(node.operand)}, {json.dumps(node.pattern)})"
        case Exists():
            return f"({zen_expression(node.operand)} {'==' if node.negated else '!='} null)"
        case Not():
            return f"(not {zen_expression(node.operand)})"
        case BoolOp():
            return "(" + f" {node.op} ".join(zen_expression(i) for i in node.items) + ")"
    raise TypeError(f"no ZEN form for {node!r}")


def levels(ruleset: CompiledRuleSet) -> list[tuple[str, int, str]]:
    """(criterion id, level number, condition) for every level of every criterion."""
    rows = []
    for criterion in ruleset.spec.criteria:
        conditions = (
            [level.when for level in criterion.levels] if criterion.levels else [criterion.when]
        )
        for n, when in enumerate(conditions):
            if when is None:
                continue
            if criterion.applies_when:  # met only where it applies
                when = f"({criterion.applies_when}) and ({when})"
            rows.append((criterion.id, n, when))
    return rows


def _graph(kind: str, name: str, content: dict[str, Any]) -> str:
    """A JDM graph of one node between the request and the response."""
    nodes = [
        {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        {"id": "node", "type": kind, "name": name, "position": {"x": 200, "y": 0},
         "content": content},
        {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
    ]  # fmt: skip
    edges = [
        {"id": "e1", "sourceId": "in", "targetId": "node", "type": "edge"},
        {"id": "e2", "sourceId": "node", "targetId": "out", "type": "edge"},
    ]
    return json.dumps({"contentType": "application/vnd.gorules.decision", "nodes": nodes,
                       "edges": edges})  # fmt: skip


def decision(ruleset: CompiledRuleSet) -> str:
    """The JDM graph: request → one collect decision table → response."""
    column = "condition"
    rules = [
        {"_id": f"r{n}", column: zen_expression(parse(when)), "level": json.dumps(f"{cid}:{k}")}
        for n, (cid, k, when) in enumerate(levels(ruleset))
    ]
    table = {
        "hitPolicy": "collect",
        "inputs": [{"id": column, "name": "Condition", "type": "expression"}],
        "outputs": [{"id": "level", "name": "Level", "type": "expression", "field": "level"}],
        "rules": rules,
    }
    return _graph("decisionTableNode", ruleset.id, table)


class ZenPeer:
    """One ZenEngine holding the rule set's decision, loaded once (a static loader)."""

    def __init__(self, ruleset: CompiledRuleSet) -> None:
        content = decision(ruleset)
        self.engine = zen.ZenEngine({"loader": lambda key: content})

    def matched(self, answers: dict[str, Any]) -> dict[str, int]:
        """Criterion id → the first level that holds (as Probity scores it)."""
        rows = self.engine.evaluate(KEY, answers)["result"]
        first: dict[str, int] = {}
        for row in rows if isinstance(rows, list) else [rows]:
            criterion, _, level = str(row["level"]).rpartition(":")
            first[criterion] = min(first.get(criterion, 1 << 30), int(level))
        return first


# -- the fair peer: what Probity computes, called the fast way -------------------------------
def _expressions(ruleset: CompiledRuleSet) -> list[tuple[str, str]]:
    """Each criterion's level, points and outcome; each principle's points, maximum and
    score (two decimals, half up, as Probity's figures); the total, maximum, whether a
    pass/fail criterion failed, and the band: what a Probity result's figures say."""
    out: list[tuple[str, str]] = []
    specs = {c.id: c for c in ruleset.spec.criteria}
    for n, c in enumerate(ruleset.criteria):
        spec = specs[c.id]
        whens = [level.when for level in spec.levels] if spec.levels else [spec.when]
        level = "-1"
        for k in reversed(range(len(whens))):
            level = f"({zen_expression(parse(str(whens[k])))} ? {k} : {level})"
        if spec.applies_when:
            level = f"({zen_expression(parse(spec.applies_when))} ? {level} : -2)"
        out.append((f"l{n}", level))
        points = "0"
        for k in reversed(range(len(c.levels))):
            points = f"($.l{n} == {k} ? {c.levels[k].points} : {points})"
        out.append((f"p{n}", points))
        out.append(
            (
                f"o{n}",
                f"($.l{n} == -2 ? 'not_applicable' : ($.l{n} == -1 ? 'not_met' : "
                f"($.p{n} == {c.max_points} ? 'met' : ($.p{n} > 0 ? 'partly_met' : 'not_met'))))",
            )
        )
    shares, weights = [], []
    for principle in ruleset.principles:
        mine = [n for n, c in enumerate(ruleset.criteria) if c.principle == principle.id]
        key = principle.id
        out.append((f"{key}_points", " + ".join(f"$.p{n}" for n in mine) or "0"))
        most = " + ".join(f"($.l{n} == -2 ? 0 : {ruleset.criteria[n].max_points})" for n in mine)
        out.append((f"{key}_max", most or "0"))
        out.append(
            (
                f"{key}_score",
                f"($.{key}_max > 0 ? round({principle.weight} * $.{key}_points / $.{key}_max, 2)"
                " : 0)",
            )
        )
        shares.append(f"$.{key}_score")
        weights.append(f"($.{key}_max > 0 ? {principle.weight} : 0)")
    out.append(("total", f"round({' + '.join(shares)}, 2)"))
    out.append(("maximum", " + ".join(weights)))
    gates = [n for n, c in enumerate(ruleset.criteria) if c.gate]
    failed = " or ".join(f"not ($.o{n} == 'met' or $.o{n} == 'not_applicable')" for n in gates)
    out.append(("rejected", failed or "false"))
    band = f"'{ruleset.bands[-1].id}'"
    for b in reversed([b for b in ruleset.bands if not b.gate_failure]):
        band = f"($.total >= {b.min_total or 0} ? '{b.id}' : {band})"
    out.append(("band", f"($.rejected ? '{ruleset.bands[-1].id}' : {band})"))
    return out


def fair_decision(ruleset: CompiledRuleSet) -> str:
    """The JDM graph: request → one expression node computing what Probity's figures say →
    response."""
    expressions = [
        {"id": f"x{n}", "key": key, "value": value}
        for n, (key, value) in enumerate(_expressions(ruleset))
    ]
    return _graph("expressionNode", ruleset.id, {"expressions": expressions})


class FairZen:
    """zen-engine called as its documentation advises: the decision parsed once into a
    ZenDecisionContent that the loader hands back, evaluated one call at a time or in
    batches (ZenEngine.evaluate_batch)."""

    def __init__(self, ruleset: CompiledRuleSet) -> None:
        self.ruleset = ruleset
        self.expressions = len(_expressions(ruleset))
        content = zen.ZenDecisionContent(fair_decision(ruleset))
        self.engine = zen.ZenEngine({"loader": lambda key: content})

    def evaluate(self, answers: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.engine.evaluate(KEY, answers)["result"]
        return result

    def evaluate_batch(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each request's result, in order (zen evaluates a batch on its own threads)."""
        answers = self.engine.evaluate_batch([{"key": KEY, "context": a} for a in batch])
        return [answer["data"]["result"] for answer in answers]

    def same_as(self, theirs: dict[str, Any], ours: Any) -> list[str]:
        """Where zen's figures differ from a Probity result's (empty when they agree)."""
        wrong = []
        for n, finding in enumerate(ours.findings):
            if (theirs[f"o{n}"], theirs[f"p{n}"]) != (finding.outcome, finding.points):
                wrong.append(f"{finding.criterion}: {theirs[f'o{n}']} {theirs[f'p{n}']}")
        for score in ours.principles:
            key = score.principle
            got = (theirs[f"{key}_points"], theirs[f"{key}_max"], float(theirs[f"{key}_score"]))
            if got != (score.points, score.max_points, score.score):
                wrong.append(f"{key}: {got}")
        figures = (float(theirs["total"]), float(theirs["maximum"]), theirs["band"])
        if figures != (ours.total, ours.maximum, ours.band):
            wrong.append(f"total, maximum, band: {figures}")
        return wrong
