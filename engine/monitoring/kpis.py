"""A contract's key performance indicators rated period by period, on the five ratings of the
Procurement Regulations 2024, reg 39(5), and assessed for a contract performance notice.

The rules, which a rule set states in words with `kpi_assessment` (its `reason`):

- A period is rated by how far the measure falls short of the target: not at all, good;
  within `approaching_within`, approaching target; within `requires_improvement_within`,
  requires improvement; further, inadequate. The target is the winning bid's promise, else
  the contract's own, else the rule set's.
- A period with no return, or whose return does not give the measure, is "other", with the
  reason. It counts as inadequate in the notice's assessment and as short of the target in a
  run of periods: a supplier cannot improve a rating by not reporting.
- Persistence (when the rule set asks for it): a period short of the target that ends a run
  of `persistence` such periods is rated one worse (approaching target → requires
  improvement → inadequate).
- The notice's assessment of a KPI covers its last `notice_periods` due periods: their worst,
  or the latest, as the rule set says.
"""

from __future__ import annotations

from collections.abc import Sequence

from probity.engine.compiler.compiled import KPI_RATINGS, CompiledKpi, KpiAssessment
from probity.engine.monitoring.contract_result import KpiPeriod, KpiPromise, KpiRating
from probity.engine.monitoring.gaps import Due
from probity.engine.monitoring.series import Contract, Series

ORDER = ("good", "approaching_target", "requires_improvement", "inadequate")
_MISSING_COUNTS_AS = "inadequate"


def rate_kpis(
    kpis: Sequence[CompiledKpi],
    assessment: KpiAssessment,
    series: Series,
    due: Sequence[Due],
    period_word: str = "period",
) -> tuple[KpiRating, ...]:
    """Each KPI rated in every due period, and assessed for the notice; `period_word`
    names a period in the reasons (quarter, month)."""
    return tuple(_rate(kpi, assessment, series, due, period_word) for kpi in kpis)


def assessed_periods(assessment: KpiAssessment, due: Sequence[Due]) -> tuple[str, str]:
    """The first and last period a notice's assessment covers."""
    window = list(due)[-assessment.notice_periods :]
    return (window[0].period.label, window[-1].period.label) if window else ("", "")


def _target(kpi: CompiledKpi, contract: Contract) -> tuple[float | None, str]:
    promise = contract.promises.get(kpi.id)
    if promise is not None:
        return promise.value, "promise"
    if kpi.measure in contract.targets:
        return contract.targets[kpi.measure], "contract"
    if kpi.target is not None:
        return kpi.target, "rule_set"
    return None, "none"


def _rate(
    kpi: CompiledKpi,
    assessment: KpiAssessment,
    series: Series,
    due: Sequence[Due],
    period_word: str,
) -> KpiRating:
    target, target_from = _target(kpi, series.contract)
    promised = series.contract.promises.get(kpi.id)
    periods: list[KpiPeriod] = []
    standings: list[str | None] = []  # what each period counts as in runs and the notice
    run = 0  # periods short of the target running (missing ones included)
    for slot in due:
        label = slot.period.label
        value = _value(kpi, series, slot)
        if target is None:
            said = (
                f"no target is set for {kpi.title[:1].lower()}{kpi.title[1:]}: neither the "
                "contract nor the rule set gives one"
            )
            periods.append(KpiPeriod(label, "other", KPI_RATINGS["other"], value, said, False))
            standings.append(None)
            continue
        if value is None:
            said = (
                f"no return for {label}"
                if slot.index is None
                else f"the {label} return did not give the {kpi.label[:1].lower()}{kpi.label[1:]}"
            )
            said += (
                "; it counts as inadequate in the assessment: a missing return cannot improve "
                "a rating"
            )
            periods.append(KpiPeriod(label, "other", KPI_RATINGS["other"], None, said, False))
            standings.append(_MISSING_COUNTS_AS)
            run += 1
            continue
        rating, said = _measured(kpi, value, target, label, promised is not None)
        persistent = False
        if rating == "good":
            run = 0
        else:
            run += 1
            persists = assessment.persistence and run >= assessment.persistence
            if persists and rating != "inadequate":
                rating = ORDER[ORDER.index(rating) + 1]
                persistent = True
                said += (
                    f"; short of the target {run} {period_word}s running, so rated one "
                    f"worse: {assessment.persistence_reason}"
                )
        periods.append(KpiPeriod(label, rating, KPI_RATINGS[rating], value, said, persistent))
        standings.append(rating)
    overall, reason = _overall(assessment, periods, standings)
    return KpiRating(
        kpi=kpi.id,
        title=kpi.title,
        description=kpi.description,
        measure=kpi.measure,
        measure_label=kpi.label,
        unit=kpi.unit,
        lower_is_better=kpi.lower_is_better,
        target=target,
        target_from=target_from,
        promise=KpiPromise(
            promised.value, promised.tender_id, promised.submission_id, promised.evaluated_in
        )
        if promised is not None
        else None,
        periods=tuple(periods),
        overall=overall,
        overall_label=KPI_RATINGS[overall],
        overall_reason=reason,
        source=kpi.source,
    )


def _value(kpi: CompiledKpi, series: Series, slot: Due) -> float | None:
    if slot.index is None:
        return None
    found = series.returns[slot.index].values.get(kpi.measure)
    return float(found) if isinstance(found, int | float) and not isinstance(found, bool) else None


def _measured(
    kpi: CompiledKpi, value: float, target: float, period: str, promised: bool
) -> tuple[str, str]:
    """A period's rating on the figures, and the sentence that says why."""
    short = value - target if kpi.lower_is_better else target - value
    shown, wanted = amount(kpi.unit, value), amount(kpi.unit, target)
    bound = "at most" if kpi.lower_is_better else "at least"
    said = (
        f"promised {wanted}, delivered {shown} in {period}"
        if promised
        else f"{shown} in {period} against a target of {bound} {wanted}"
    )
    if short <= 0:
        return "good", said + ": the target is met"
    distance = short / abs(target) * 100 if kpi.percent else short
    gap = f"{said}: {difference(kpi.unit, short)} short"
    near, far = (
        _allowed(kpi, kpi.approaching_within),
        _allowed(kpi, kpi.requires_improvement_within),
    )
    if distance <= kpi.approaching_within:
        return "approaching_target", f"{gap}, within the {near} allowed for approaching target"
    if distance <= kpi.requires_improvement_within:
        return "requires_improvement", f"{gap}, within the {far} allowed for requires improvement"
    return "inadequate", f"{gap}, more than the {far} allowed for requires improvement"


def _allowed(kpi: CompiledKpi, distance: float) -> str:
    return f"{_figure(distance)}% of the target" if kpi.percent else difference(kpi.unit, distance)


def _figure(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def amount(unit: str, value: float) -> str:
    """A figure in a KPI's unit: '85%', '7 working days' (the reports write targets so too)."""
    if unit in ("%", "percent"):
        return f"{_figure(value)}%"
    return f"{_figure(value)} {unit}".strip()


def difference(unit: str, value: float) -> str:
    """The distance between two figures: percentages differ by percentage points."""
    if unit in ("%", "percent"):
        return f"{_figure(value)} percentage point{'' if value == 1 else 's'}"
    return amount(unit, value)


def _overall(
    assessment: KpiAssessment, periods: list[KpiPeriod], standings: list[str | None]
) -> tuple[str, str]:
    window = list(zip(periods, standings, strict=True))[-assessment.notice_periods :]
    counted = [(p, s) for p, s in window if s is not None]
    if not window:
        return "other", "no period was due"
    span = f"{window[0][0].period} to {window[-1][0].period}"
    if not counted:
        return "other", f"no period from {span} could be rated: {window[-1][0].reason}"
    if assessment.overall == "latest":
        period, standing = counted[-1]
        how = f"its latest period, {period.period}"
    else:
        period, standing = max(counted, key=lambda ps: ORDER.index(ps[1] or "good"))
        how = f"its worst period from {span}, {period.period}"
    assert standing is not None
    return standing, f"{KPI_RATINGS[standing]}: {how} ({period.reason})"
