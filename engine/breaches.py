"""Monitoring patterns → durable_rules multi-fact rules.

A contract's returns are facts in one durable_rules session, each carrying its period as an
ordinal, and the contract is one more fact carrying its targets. A pattern across periods
is a rule joining several return facts ("legs"): the second leg's period is the first's
plus one, its value above the first's, and so on. durable_rules' Rete network finds every
combination of returns that satisfies the joins; each is one occurrence of the breach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.conditions import INDEX_KEY, FactLayout, compile_condition
from engine.expression import Node, Not, render
from engine.model import (
    Breach,
    ChangePattern,
    ConsecutivePattern,
    OverduePattern,
    RepeatedPattern,
    TargetPattern,
    TrendPattern,
)
from engine.partitions import BATCH_CAP

# Hidden fact keys (in the layout, but not names an expression can read).
PERIOD = "@period"
CONTRACT_LEG = "k"
# Fields every return has, which expressions may read.
BUILT_IN_RETURN_FIELDS = {"return.days_late": "integer", "return.late": "boolean"}


def target_field(measure: str) -> str:
    return f"@target.{measure}"


def cutoff_field(months: int) -> str:
    """The day, N months before the period ends, by which something must have been done."""
    return f"@cutoff.{months}"


def leg(n: int) -> str:
    return f"r{n}"


@dataclass(frozen=True, slots=True)
class JoinRule:
    """A compiled pattern: the durable_rules rule and what its legs are."""

    rule: dict[str, Any]
    legs: tuple[str, ...]  # in order; CONTRACT_LEG is the contract's fact, the rest returns
    description: str  # the breach, in words
    min_returns: int  # with fewer returns the pattern cannot occur: not applicable


class PatternCompiler:
    """Compiles the patterns of one monitoring rule set (over its fact layout)."""

    def __init__(self, layout: FactLayout) -> None:
        self.layout = layout
        self.period = layout.keys[PERIOD]

    def key(self, path: str) -> str:
        return self.layout.keys[path]

    def each_return(self, when: Node) -> JoinRule:
        """A plain `when` on a monitoring criterion: every return must satisfy it; a return
        that does not is a breach (a return without the answers it reads is not one)."""
        condition = compile_condition(Not(when, when.pos), self.layout)
        return self._rule([self._return_leg(condition)], f"not ({render(when)})", 1)

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
        text = f"{render(when)} in {periods} consecutive periods"
        return self._rule(legs, text, periods)

    def trend(self, measure: str, periods: int, rising: bool) -> JoinRule:
        key, op = self.key(measure), "$gt" if rising else "$lt"
        legs = [self._return_leg({"$ex": {key: 1}})]
        for n in range(1, periods):
            beyond = {op: {key: {leg(n - 1): key}}}
            legs.append(self._return_leg(joins=[self._next_period(n), beyond]))
        word = "rising" if rising else "falling"
        return self._rule(legs, f"{measure} {word} across {periods} consecutive periods", periods)

    def repeated(self, when: Node, times: int, within: int) -> JoinRule:
        condition = compile_condition(when, self.layout)
        legs = [self._return_leg(condition)]
        for n in range(1, times):
            after = {"$gt": {self.period: {leg(n - 1): self.period}}}
            inside = {"$lt": {self.period: _plus(leg(0), self.period, within)}}
            legs.append(self._return_leg(condition, joins=[after, inside]))
        text = f"{render(when)} in {times} returns within {within} periods"
        return self._rule(legs, text, times)

    def target(self, measure: str, below: bool) -> JoinRule:
        key, target = self.key(measure), self.key(target_field(measure))
        contract = {CONTRACT_LEG: {"$and": [{INDEX_KEY: 0}, {"$ex": {target: 1}}]}}
        op = "$lt" if below else "$gt"
        beyond = self._return_leg({"$ex": {key: 1}}, joins=[{op: {key: {CONTRACT_LEG: target}}}])
        word = "below" if below else "above"
        return JoinRule(
            {"all": [contract, {leg(0): beyond}], "cap": BATCH_CAP},
            (CONTRACT_LEG, leg(0)),
            f"{measure} {word} the contract's target",
            1,
        )

    def change(self, measure: str, percent: float, direction: str) -> JoinRule:
        key = self.key(measure)
        up: dict[str, Any] = {"$gt": {key: _times(leg(0), key, 1 + percent / 100)}}
        down: dict[str, Any] = {"$lt": {key: _times(leg(0), key, 1 - percent / 100)}}
        test = {"up": up, "down": down}.get(direction) or {"$or": [up, down]}
        legs = [
            self._return_leg({"$ex": {key: 1}}),
            self._return_leg({"$ex": {key: 1}}, joins=[self._next_period(1), test]),
        ]
        way = {"up": "up", "down": "down"}.get(direction, "up or down")
        text = f"{measure} {way} by more than {percent:g}% on the period before"
        return self._rule(legs, text, 2)

    def overdue(self, done_on: str, months: int) -> JoinRule:
        key, cutoff = self.key(done_on), self.key(cutoff_field(months))
        late = {"$or": [{"$nex": {key: 1}}, {"$lt": {key: {"$m": cutoff}}}]}
        text = f"{done_on} not within {months} months before the period ends"
        return self._rule([self._return_leg(late)], text, 1)

    # -- parts -------------------------------------------------------------------------
    def _return_leg(
        self, *tests: dict[str, Any], joins: Sequence[dict[str, Any]] = ()
    ) -> dict[str, Any]:
        """A leg matching return facts only (the contract's fact has no period).

        The joins (tests against other legs' facts) come first: durable_rules ignores a join
        test that follows a nested `$and` or `$or` in the same leg, and then pairs any two
        facts (shared/notes-style repro in tests/engine/test_breaches.py)."""
        return {"$and": [*joins, {"$ex": {self.period: 1}}, *tests]}

    def _next_period(self, n: int) -> dict[str, Any]:
        return {self.period: _plus(leg(n - 1), self.period, 1)}

    def _rule(self, legs: list[dict[str, Any]], description: str, minimum: int) -> JoinRule:
        names = tuple(leg(n) for n in range(len(legs)))
        joined = [{name: body} for name, body in zip(names, legs, strict=True)]
        return JoinRule({"all": joined, "cap": BATCH_CAP}, names, description, minimum)


def _plus(alias: str, key: str, amount: int) -> dict[str, Any]:
    return {"$add": {"$l": {alias: key}, "$r": amount}}


def _times(alias: str, key: str, factor: float) -> dict[str, Any]:
    return {"$mul": {"$l": {alias: key}, "$r": factor}}
