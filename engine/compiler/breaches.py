"""Monitoring patterns → durable_rules multi-fact rules.

A contract's returns are facts in one durable_rules session, each carrying its period as an
ordinal, and the contract is one more fact carrying its targets. A pattern across periods
is a rule joining several return facts ("legs"): the second leg's period is the first's
next, its value above the first's, and so on. durable_rules' Rete network finds every
combination of returns that satisfies the joins; each is one occurrence of the breach.

Two flaws of durable_rules' join evaluation (reduceExpressionSequence in its events.c)
shape what is compiled here:
- When the last join test of a fact's `and` is false, it skips past the end of the test
  list and reads on through memory until a byte happens to mark an end: a crash or a
  wrong match, depending on what lies there. So every join leg ends with a test that is
  always true (ALWAYS ≥ the earlier fact's ALWAYS), and no join uses `or` (a `change`
  pattern in both directions is two rules, one each way).
- Tests after a nested group are never evaluated: join tests come first, groups after.
Joins also never compute (`x > r0.x * 1.5` crashed in most runs): each return fact carries
the values the joins compare with, computed when the facts are built: its next period, the
end of each window a `repeated` pattern counts within, each `change` pattern's threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from probity.engine.compiler.conditions import INDEX_KEY, FactLayout, compile_condition
from probity.engine.compiler.model import (
    Breach,
    ChangePattern,
    ConsecutivePattern,
    OverduePattern,
    RepeatedPattern,
    TargetPattern,
    TrendPattern,
)
from probity.engine.compiler.partitions import BATCH_CAP
from probity.engine.when.expression import Node, Not
from probity.engine.when.words import Terms, term_of, words

# Hidden fact keys (in the layout, but not names an expression can read).
PERIOD = "@period"
NEXT_PERIOD = "@next"
ALWAYS = "@one"  # 1 on every fact: the always-true last join test compares it
CONTRACT_LEG = "k"
# Fields every return has, which expressions may read.
BUILT_IN_RETURN_FIELDS = {"return.days_late": "integer", "return.late": "boolean"}


def target_field(measure: str) -> str:
    return f"@target.{measure}"


def cutoff_field(months: int) -> str:
    """The day, N months before the period ends, by which something must have been done."""
    return f"@cutoff.{months}"


def window_field(periods: int) -> str:
    """The period ordinal `periods` after a return's own: a window ends before it."""
    return f"@within.{periods}"


def scaled_field(measure: str, factor: float) -> str:
    """A return's measure times a factor: a `change` pattern's threshold for the next one."""
    return f"@scaled.{factor!r}.{measure}"


def change_factors(percent: float, direction: str) -> tuple[float, ...]:
    """The factors a change pattern compares the next period with: up, down or both."""
    up, down = 1 + percent / 100, 1 - percent / 100
    return {"up": (up,), "down": (down,)}.get(direction, (up, down))


def leg(n: int) -> str:
    return f"r{n}"


@dataclass(frozen=True, slots=True)
class JoinRule:
    """A compiled pattern: its durable_rules rules and what their legs are."""

    rules: tuple[dict[str, Any], ...]  # one, or one per direction of a two-way change
    legs: tuple[str, ...]  # in order; CONTRACT_LEG is the contract's fact, the rest returns
    description: str  # the breach, in words
    min_returns: int  # with fewer returns the pattern cannot occur: not applicable


class PatternCompiler:
    """Compiles the patterns of one monitoring rule set (over its fact layout)."""

    def __init__(self, layout: FactLayout, terms: Terms) -> None:
        self.layout = layout
        self.terms = terms  # how answers are named in the breach descriptions
        self.period = layout.keys[PERIOD]

    def name(self, path: str) -> str:
        return term_of(path, self.terms).label

    def key(self, path: str) -> str:
        return self.layout.keys[path]

    def each_return(self, when: Node) -> JoinRule:
        """A plain `when` on a monitoring criterion: every return must satisfy it; a return
        that does not is a breach (a return without the answers it reads is not one)."""
        condition = compile_condition(Not(when, when.pos), self.layout)
        text = f"a return that does not show {words(when, self.terms)}"
        return self._rule([self._return_leg(condition)], text, 1)

    def breach(self, spec: Breach, when: Node | None) -> JoinRule:
        if isinstance(spec, ConsecutivePattern):
            assert when is not None
            return self.consecutive(when, spec.periods)
        if isinstance(spec, TrendPattern):
            return self.trend(spec.measure, spec.periods, rising=spec.pattern == "rising")
        if isinstance(spec, RepeatedPattern):
            assert when is not None
            return self.repeated(when, spec.times, spec.within)
        if isinstance(spec, TargetPattern):
            return self.target(spec.measure, below=spec.pattern == "below_target")
        if isinstance(spec, ChangePattern):
            return self.change(spec.measure, spec.more_than_percent, spec.direction)
        assert isinstance(spec, OverduePattern)
        return self.overdue(spec.done_on, spec.within_months)

    # -- the patterns ------------------------------------------------------------------
    def consecutive(self, when: Node, periods: int) -> JoinRule:
        condition = compile_condition(when, self.layout)
        legs = [self._return_leg(condition)]
        for n in range(1, periods):
            legs.append(self._return_leg(condition, joins=[self._next_period(n)]))
        text = f"{words(when, self.terms)} in {periods} consecutive periods"
        return self._rule(legs, text, periods)

    def trend(self, measure: str, periods: int, rising: bool) -> JoinRule:
        key, op = self.key(measure), "$gt" if rising else "$lt"
        legs = [self._return_leg({"$ex": {key: 1}})]
        for n in range(1, periods):
            beyond = {op: {key: {leg(n - 1): key}}}
            legs.append(self._return_leg(joins=[self._next_period(n), beyond]))
        word = "rising" if rising else "falling"
        text = f"{self.name(measure)} {word} across {periods} consecutive periods"
        return self._rule(legs, text, periods)

    def repeated(self, when: Node, times: int, within: int) -> JoinRule:
        condition = compile_condition(when, self.layout)
        legs = [self._return_leg(condition)]
        for n in range(1, times):
            after = {"$gt": {self.period: {leg(n - 1): self.period}}}
            inside = {"$lt": {self.period: {leg(0): self.key(window_field(within))}}}
            legs.append(self._return_leg(condition, joins=[after, inside]))
        text = f"{words(when, self.terms)} in {times} returns within {within} periods"
        return self._rule(legs, text, times)

    def target(self, measure: str, below: bool) -> JoinRule:
        key, target = self.key(measure), self.key(target_field(measure))
        contract = {CONTRACT_LEG: {"$and": [{INDEX_KEY: 0}, {"$ex": {target: 1}}]}}
        op = "$lt" if below else "$gt"
        beyond = self._return_leg(
            {"$ex": {key: 1}}, joins=[{op: {key: {CONTRACT_LEG: target}}}], after=CONTRACT_LEG
        )
        word = "below" if below else "above"
        return JoinRule(
            ({"all": [contract, {leg(0): beyond}], "cap": BATCH_CAP},),
            (CONTRACT_LEG, leg(0)),
            f"{self.name(measure)} {word} the contract's target",
            1,
        )

    def change(self, measure: str, percent: float, direction: str) -> JoinRule:
        key = self.key(measure)
        rules: list[dict[str, Any]] = []
        for factor in change_factors(percent, direction):
            threshold = {leg(0): self.key(scaled_field(measure, factor))}
            beyond = {"$gt" if factor > 1 else "$lt": {key: threshold}}
            legs = [
                self._return_leg({"$ex": {key: 1}}),
                self._return_leg({"$ex": {key: 1}}, joins=[self._next_period(1), beyond]),
            ]
            rules.extend(self._rule(legs, "", 2).rules)
        way = {"up": "up", "down": "down"}.get(direction, "up or down")
        text = f"{self.name(measure)} {way} by more than {percent:g}% on the period before"
        return JoinRule(tuple(rules), (leg(0), leg(1)), text, 2)

    def overdue(self, done_on: str, months: int) -> JoinRule:
        key, cutoff = self.key(done_on), self.key(cutoff_field(months))
        late = {"$or": [{"$nex": {key: 1}}, {"$lt": {key: {"$m": cutoff}}}]}
        text = f"{self.name(done_on)} not within {months} months before the period ends"
        return self._rule([self._return_leg(late)], text, 1)

    # -- parts -------------------------------------------------------------------------
    def _return_leg(
        self,
        *tests: dict[str, Any],
        joins: Sequence[dict[str, Any]] = (),
        after: str = "r0",
    ) -> dict[str, Any]:
        """A leg matching return facts only (the contract's fact has no period): its join
        tests (against the earlier leg `after` and others), an always-true join test last,
        then its own tests (see the module's docstring for why in this order)."""
        if joins:
            always = self.key(ALWAYS)
            joins = [*joins, {"$gte": {always: {after: always}}}]
        return {"$and": [*joins, {"$ex": {self.period: 1}}, *tests]}

    def _next_period(self, n: int) -> dict[str, Any]:
        return {self.period: {leg(n - 1): self.key(NEXT_PERIOD)}}

    def _rule(self, legs: list[dict[str, Any]], description: str, minimum: int) -> JoinRule:
        names = tuple(leg(n) for n in range(len(legs)))
        joined = [{name: body} for name, body in zip(names, legs, strict=True)]
        return JoinRule(({"all": joined, "cap": BATCH_CAP},), names, description, minimum)
