"""A check's finding in words for people: its explanation by outcome, the values behind a
breach, how far a measure moved, the built-in finding on missing returns, and each answer's
name as people say it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from probity.engine.compiler.compiled import (
    CompiledCheck,
    MissingReturns,
)
from probity.engine.monitoring.contract_result import (
    CheckFinding,
    Occurrence,
)
from probity.engine.monitoring.gaps import Due
from probity.engine.phrasing import answer, joined


def plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def missing_returns(missing: MissingReturns, due: Sequence[Due]) -> CheckFinding:
    """The built-in check: a finding for every due period without a return."""
    gaps = [d.period.label for d in due if d.index is None]
    span = f"from {due[0].period.label} to {due[-1].period.label}"
    if gaps:
        explanation = (
            f"No return was received for {joined(gaps)}, though one was due for every period "
            f"{span}."
        )
    else:
        explanation = f"A return was received for every period {span}."
    return CheckFinding(
        criterion=missing.id,
        principle=missing.principle,
        title=missing.title,
        pattern=missing.pattern,
        breach=missing.breach,
        outcome="not_met" if gaps else "met",
        severity=missing.severity,
        explanation=explanation,
        occurrences=tuple(Occurrence((label,), (), None) for label in gaps),
        action=missing.action if gaps else "",
        source=missing.source,
    )


def change_text(check: CompiledCheck, occurrence: Occurrence) -> str:
    """How far a measure moved between the two periods of a change breach, in words:
    "up 60% (from 10 to 16)"."""
    if check.pattern != "change" or check.measure is None:
        return ""
    measured = [e.value for e in occurrence.evidence if e.field == check.measure]
    before, after = measured[0], measured[-1]
    if before is None or after is None:
        return ""
    way = "up" if after > before else "down"
    moved = f" {abs(after - before) / abs(before) * 100:.0f}%" if before else ""
    return f"{way}{moved} (from {answer(before)} to {answer(after)})"


def values_text(check: CompiledCheck, occurrence: Occurrence | None) -> str:
    """The values behind a breach: "2026-Q2: 22, 2026-Q3: 25" for one field; with several,
    each named: "2026-Q2: a 1, b 35; 2026-Q3: …"."""
    if occurrence is None:
        return ""
    names = (check.measure,) if check.measure else check.fields
    per_period: dict[str, list[str]] = {}
    for e in occurrence.evidence:
        if e.field in names:
            shown = (
                answer(e.value) if len(names) == 1 else f"{label(check, e.field)} {answer(e.value)}"
            )
            per_period.setdefault(e.period, []).append(shown)
    separator = ", " if len(names) == 1 else "; "
    return separator.join(f"{period}: {', '.join(parts)}" for period, parts in per_period.items())


def explain(
    check: CompiledCheck,
    outcome: str,
    values: dict[str, Any],
    count: int,
    target: Any,
    checked: bool,
) -> str:
    if outcome == "not_met":
        return check.explain_not_met.render(values)
    if outcome == "evidence_missing":
        return check.explain_missing.render(values)
    if outcome == "met":
        return check.explain_met.render(values)
    if not checked:
        return f"Not applicable: this applies only when {check.applies_text}."
    if check.target is not None and target is None:
        return f"Not applicable: the contract sets no target for {label(check, check.target)}."
    return (
        f"Not applicable: {count} period(s) so far; this pattern needs at least "
        f"{check.min_returns}."
    )


def label(check: CompiledCheck, field: str) -> str:
    """An answer's name for people (engine.when.words)."""
    return check.labels.get(field, field)
