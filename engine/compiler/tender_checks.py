"""Checks of a tender rule set's procurement mechanics, where the sources are silent and
current UK practice fills in: a scoring scale with a descriptor for every score used,
pass/fail gates only where the source makes a duty mandatory, and social value carrying at
least 10% of the combined score (PPN 002).

Problems are reported into the compile's diagnostics, so they carry file:line:col.
"""

from __future__ import annotations

import re

from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.errors import Code

# UK PPN 002 (2025): social value carries at least 10% of the total score, where scored.
MIN_SOCIAL_VALUE_PERCENT = 10.0
# A gate excludes a bid outright, so its source must make the duty mandatory.
_MANDATORY = re.compile(r"\bmust\b|\bshould not\b.*\bunless\b", re.IGNORECASE | re.DOTALL)


def check_scale(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """Every score a criterion can give is on the scale and has a descriptor."""
    scale = spec.scale
    if scale is None:
        return
    expected = set(range(scale.max_points + 1))
    for score in sorted(set(scale.descriptors) - expected):
        diagnostics.fail(
            Code.SCALE,
            ("scale", "descriptors"),
            f"the scale runs from 0 to {scale.max_points}: a descriptor for {score} is off it",
            key=True,
        )
    for end in (0, scale.max_points):
        if end not in scale.descriptors:
            diagnostics.fail(
                Code.SCALE,
                ("scale", "descriptors"),
                f"say what a score of {end} means: the scale needs a descriptor for each end",
                key=True,
            )
    for index, criterion in enumerate(spec.criteria):
        given = [(("criteria", index, "points"), criterion.points)] + [
            (("criteria", index, "levels", n, "points"), level.points)
            for n, level in enumerate(criterion.levels or [])
        ]
        for path, points in given:
            if points is None or (criterion.gate and points == 0):
                continue  # a pass/fail gate is not scored on the scale
            if points > scale.max_points:
                diagnostics.fail(
                    Code.SCALE,
                    path,
                    f"{points} points is above the top of the scale ({scale.max_points})",
                )
            elif points not in scale.descriptors:
                diagnostics.fail(
                    Code.SCALE,
                    path,
                    f"the scale has no descriptor for {points} points: bidders must be told "
                    "what each score means (add it under 'scale: descriptors')",
                )


def check_social_value(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """A principle marked `social_value` carries at least 10% of the combined score: its
    weight times the quality share when the rule set ranks bids on quality and price."""
    quality = spec.award.quality if spec.award is not None else 100.0
    for index, principle in enumerate(spec.principles):
        if not principle.social_value or principle.weight is None:
            continue
        share = principle.weight * quality / 100
        if share + 1e-9 < MIN_SOCIAL_VALUE_PERCENT:
            of_combined = (
                f" ({principle.weight:g}% of quality × {quality:g}% quality)"
                if spec.award is not None
                else ""
            )
            diagnostics.fail(
                Code.SOCIAL_VALUE,
                ("principles", index, "weight"),
                f"social value carries {share:g}% of the combined score{of_combined}; "
                f"UK PPN 002 asks for at least {MIN_SOCIAL_VALUE_PERCENT:g}%",
            )


def check_gates(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """A gate quotes a sentence that says "must" (or "should not ... unless")."""
    for index, criterion in enumerate(spec.criteria):
        if criterion.gate and not _MANDATORY.search(criterion.source.quote):
            diagnostics.fail(
                Code.GATE,
                ("criteria", index, "gate"),
                "a gate excludes a bid, so the sentence it quotes must make the duty mandatory "
                "('must', or 'should not ... unless'); this one does not. Score it instead "
                "(remove 'gate'), or quote the sentence that makes it mandatory",
            )
