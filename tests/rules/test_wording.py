"""Every word a bidder reads is written for them: each criterion of every shipped rule set
rendered at every level and with every allowed value (and many counts) of the answers it
reads, each text of its finding checked for an identifier (co_designed, a.dotted.path), an
operator, a "(s)", a repeated item ("independent, independent") or a count that disagrees
with its noun ("1 times", "1 claims were")."""

from __future__ import annotations

import itertools
import json
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.model import InputSpec
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import Finding, Result
from probity.engine.testing import set_path
from probity.engine.when.expression import Literal, Node
from tests.conftest import RULES, shipped

_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z_]+\.[a-z_]+\b")
_OPERATOR = re.compile(r">=|<=|==|!=|&&|\|\|")
_REPEATED = re.compile(
    r"\b([A-Za-z][\w'-]*(?: [\w'-]+){0,4})(?:, | and | or )\1(?=[,.;:)]|$| and\b| or\b)"
)
_DISAGREEING = re.compile(r"\b1 (?:times\b|[a-z]+s (?:were|are|have)\b)")


def problems(text: str) -> list[str]:
    """What in `text` a bidder should never read."""
    found = [m.group() for m in _IDENTIFIER.finditer(text)]
    found += [m.group() for m in _OPERATOR.finditer(text)]
    found += [m.group() for m in _REPEATED.finditer(text)]
    found += [m.group() for m in _DISAGREEING.finditer(text)]
    return found + (["(s)"] if "(s)" in text else [])


def test_the_checks_catch_what_they_are_for() -> None:
    assert problems("Common documents (referral_form, monitoring_template).")
    assert problems("the nominee gathers views (independent, independent).")
    assert problems("1 claim(s) had no evidence") and problems("reviewed 1 times a year")
    assert problems("1 claims were found") and problems("when a.b >= 2")
    assert not problems("Common documents (the referral form and the monitoring template).")
    assert not problems("2 claims were found; reviewed once a year, yes for 4 points.")


TENDER = [p for p in sorted(RULES.glob("*.yaml")) if shipped(p).kind == "tender"]
MONITORING = [p for p in sorted(RULES.glob("*.yaml")) if shipped(p).kind == "monitoring"]


def _numbers(node: Node) -> set[float]:
    """The numbers a condition compares with: a count around each decides a level."""
    out: set[float] = set()
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        value = current.value if isinstance(current, Literal) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.add(value)
        for name in getattr(current, "__dataclass_fields__", {}):
            value = getattr(current, name)
            items = value if isinstance(value, list | tuple) else [value]
            stack.extend(v for v in items if hasattr(v, "__dataclass_fields__"))
    return out


def _pool(spec: InputSpec, numbers: set[float]) -> list[Any]:
    if spec.type == "boolean":
        return [True, False]
    if spec.type == "string" and spec.allowed:
        return list(spec.allowed)
    if spec.type == "list":
        allowed = list(spec.allowed or [])
        return [[], *[[v] for v in allowed], allowed[:2], allowed, [allowed[0], allowed[0]]]
    if spec.type in ("integer", "number"):
        values = {0, 1, 2, *(n + d for n in numbers for d in (-1, 0, 1))}
        low, high = spec.minimum, spec.maximum
        kept = {v for v in values if (low is None or v >= low) and (high is None or v <= high)}
        return sorted(int(v) if spec.type == "integer" else v for v in kept)
    return []


@cache
def _base(path: Path) -> dict[str, Any]:
    answers = json.loads((path.parent / "examples" / path.stem / "strong.json").read_text())
    return dict(answers["answers"])


def _texts(finding: Finding) -> list[str]:
    out = [finding.explanation, finding.level, finding.remedy, finding.title, finding.descriptor]
    for e in finding.evidence:
        out += [e.shown, e.expected, e.label]
    return out


def _variants(ruleset: CompiledRuleSet, index: int) -> list[dict[str, Any]]:
    """The strong example with the answers one criterion reads set every way (a sample of
    300 where there are more)."""
    criterion = ruleset.criteria[index]
    specs = {i.path: i for i in ruleset.spec.inputs}
    numbers = set().union(*(_numbers(n) for n in criterion.conditions))
    fields = [f for f in dict.fromkeys([*criterion.fields, *criterion.shown]) if f in specs]
    pools = [(f, _pool(specs[f], numbers)) for f in fields if _pool(specs[f], numbers)]
    combos = list(itertools.product(*(p for _, p in pools)))
    if len(combos) > 300:
        combos = random.Random(index).sample(combos, 300)
    out = []
    for combo in combos:
        answers = json.loads(json.dumps(_base(Path(ruleset.file))))
        for (field, _), value in zip(pools, combo, strict=True):
            set_path(answers, field, value)
        out.append(answers)
    return out


@pytest.mark.parametrize("path", TENDER, ids=lambda p: p.stem)
def test_every_criterion_at_every_level_reads_in_words(path: Path) -> None:
    ruleset = shipped(path)
    evaluator = Evaluator(ruleset)
    for index, criterion in enumerate(ruleset.criteria):
        variants = _variants(ruleset, index)
        submissions = [Submission(f"s{n}", a) for n, a in enumerate(variants)]
        reached = set()
        for result in evaluator.evaluate_many(submissions):
            if not isinstance(result, Result):
                continue  # an answer set the inputs refuse (a list with a repeat, say)
            finding = next(f for f in result.findings if f.criterion == criterion.id)
            reached.add(finding.points if finding.outcome != "not_applicable" else None)
            for text in _texts(finding):
                assert not problems(text), (criterion.id, text)
        levels = {level.points for level in criterion.levels}
        assert levels <= reached, (criterion.id, "levels never reached", levels - reached)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_mix_of_answers_reads_in_words(data: st.DataObject) -> None:
    """Whole submissions drawn from every input's values at once: the whole result reads in
    words, its rejections too."""
    path = data.draw(st.sampled_from(TENDER))
    ruleset = shipped(path)
    answers = json.loads(json.dumps(_base(path)))
    for spec in ruleset.spec.inputs:
        pool = _pool(spec, {1, 2, 3, 5, 10, 12, 24, 30, 60, 90})
        if pool:
            set_path(answers, spec.path, data.draw(st.sampled_from(pool)))
    (result,) = Evaluator(ruleset).evaluate_many([Submission("s", answers)])
    if not isinstance(result, Result):
        return
    texts = [t for f in result.findings for t in _texts(f)]
    texts += [r.explanation for r in result.rejections] + [result.band_label]
    for text in texts:
        assert not problems(text), text


@pytest.mark.parametrize("path", MONITORING, ids=lambda p: p.stem)
def test_every_monitoring_explanation_reads_in_words(path: Path) -> None:
    """Each check's sentences with counts of 0, 1 and 2 in every placeholder."""
    plan = shipped(path).monitoring
    assert plan is not None
    for check in plan.checks:
        for template in (check.explain_met, check.explain_not_met, check.explain_missing):
            for count in (0, 1, 2):
                values = {name: count for name in template.names}
                values.update(periods="2026-Q1", missing="", values="2026-Q1: 1", change="")
                text = template.render(values)
                assert not problems(text), (check.id, text)
