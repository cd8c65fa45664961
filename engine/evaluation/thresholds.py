"""Why a bid is rejected: a pass/fail criterion not met, or a score below a minimum the
tender stated up front (engine.compiler.thresholds). Each reason is a sentence for the
bidder, naming the requirement and the figure it fell short of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.evaluation.result import Finding, PrincipleScore, Rejection

_NOT_FAILED = ("met", "not_applicable")


def pass_fail(findings: Sequence[Finding]) -> tuple[Rejection, ...]:
    """A rejection for each pass/fail criterion not met."""
    return tuple(
        Rejection(
            "pass_fail",
            f.criterion,
            f"‘{f.title}’ is a pass/fail requirement and it is not met: {f.explanation}",
        )
        for f in findings
        if f.gate and f.outcome not in _NOT_FAILED
    )


def below_minimums(
    ruleset: CompiledRuleSet,
    findings: Sequence[Finding],
    principles: Sequence[PrincipleScore],
    total: float,
    maximum: float,
) -> tuple[Rejection, ...]:
    """A rejection for each criterion, principle and total below its minimum."""
    minimums = ruleset.thresholds
    assert minimums is not None
    out = []
    for finding, least in zip(findings, minimums.criteria, strict=True):
        if least is not None and finding.outcome != "not_applicable" and finding.points < least:
            out.append(
                Rejection(
                    "criterion_minimum",
                    finding.criterion,
                    f"‘{finding.title}’ scored {finding.points} of {finding.max_points} points; "
                    f"every bid must score at least {least} on it.",
                )
            )
    for score, needed, percent in zip(
        principles, minimums.principles, minimums.principle_percents, strict=True
    ):
        if needed is not None and score.max_points and score.score < needed - 1e-9:
            out.append(
                Rejection(
                    "principle_minimum",
                    score.principle,
                    f"{score.name} scored {score.score:.2f} of {score.weight:g}; every bid must "
                    f"score at least {percent:g}% of it ({needed:.2f}).",
                )
            )
    if minimums.total is not None and total < minimums.total - 1e-9:
        out.append(
            Rejection(
                "total_minimum",
                "",
                f"The quality score is {total:.2f} of {maximum:g}; every bid must score at "
                f"least {minimums.total:g}.",
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class StatedMinimum:
    """A minimum score the tender states up front, in a sentence for the bidder."""

    kind: str  # "criterion_minimum", "principle_minimum" or "total_minimum", as Rejection
    subject: str  # the criterion or principle id; "" for the total
    least: float  # points, score or quality total
    statement: str


def stated_minimums(ruleset: CompiledRuleSet) -> tuple[StatedMinimum, ...]:
    """Every minimum score of a rule set, as a bidder should read it before bidding."""
    minimums = ruleset.thresholds
    if minimums is None:
        return ()
    out = [
        StatedMinimum(
            "criterion_minimum",
            criterion.id,
            least,
            f"‘{criterion.title}’: at least {least} of its {criterion.max_points} points.",
        )
        for criterion, least in zip(ruleset.criteria, minimums.criteria, strict=True)
        if least is not None and not criterion.gate
    ]
    for principle, needed, percent in zip(
        ruleset.principles, minimums.principles, minimums.principle_percents, strict=True
    ):
        if needed is not None and percent is not None:
            out.append(
                StatedMinimum(
                    "principle_minimum",
                    principle.id,
                    needed,
                    f"{principle.name}: at least {percent:g}% of its weight of "
                    f"{principle.weight:g} ({needed:.2f}).",
                )
            )
    if minimums.total is not None:
        out.append(
            StatedMinimum(
                "total_minimum",
                "",
                minimums.total,
                f"A quality score of at least {minimums.total:g} in all.",
            )
        )
    return tuple(out)
