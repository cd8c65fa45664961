"""Minimum quality scores (`thresholds`, `min_points`, `min_percent`), resolved per criterion
and principle and checked: every minimum must be reachable, and a rejected bid needs its band.

UK tenders state such minimums up front ("a score below 2 on any question will be
rejected"; an overall minimum quality score), so that scoring is not fully compensatory: a
bid cannot buy back a failed principle with points elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from probity.engine.compiler.compiled import CompiledCriterion, Thresholds
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.errors import Code


def has_minimums(spec: RuleSetSpec) -> bool:
    return (
        spec.thresholds is not None
        or any(c.min_points is not None for c in spec.criteria)
        or any(p.min_percent is not None for p in spec.principles)
    )


def compile_thresholds(
    diagnostics: Diagnostics, spec: RuleSetSpec, criteria: Sequence[CompiledCriterion]
) -> Thresholds | None:
    """The minimums of each criterion and principle, or None when the file sets none."""
    if not has_minimums(spec):
        return None
    given = spec.thresholds
    least_points = [_criterion_minimum(diagnostics, spec, n, c) for n, c in enumerate(criteria)]
    percents = [
        p.min_percent if p.min_percent is not None else (given.principle if given else None)
        for p in spec.principles
    ]
    return Thresholds(
        criteria=tuple(least_points),
        principles=tuple(
            None if pct is None else (p.weight or 0) * pct / 100
            for p, pct in zip(spec.principles, percents, strict=True)
        ),
        principle_percents=tuple(percents),
        total=given.total if given else None,
    )


def _criterion_minimum(
    diagnostics: Diagnostics, spec: RuleSetSpec, index: int, criterion: CompiledCriterion
) -> int | None:
    own = spec.criteria[index].min_points
    if criterion.gate:
        if own is not None:
            diagnostics.fail(
                Code.THRESHOLDS,
                ("criteria", index, "min_points"),
                "a pass/fail criterion has no points: it is met or the bid is rejected, so it "
                "takes no 'min_points'",
                key=True,
            )
        return None  # pass/fail: no points to fall short of
    least = own if own is not None else (spec.thresholds.criterion if spec.thresholds else None)
    if least is not None and least > criterion.max_points:
        where: tuple[str | int, ...] = ("thresholds", "criterion")
        if own is not None:
            where = ("criteria", index, "min_points")
        diagnostics.fail(
            Code.THRESHOLDS,
            where,
            f"{criterion.id} gives at most {criterion.max_points} points, below the minimum of "
            f"{least}: every bid would be rejected"
            + ("" if own is not None else f"; give {criterion.id} its own 'min_points'"),
        )
    return least
