"""Two versions of a rule set compared in words, for a policy officer deciding whether to
publish (the workbench shows it beside the text diff): principles and weights, criteria
added, removed, reworded or rescored, pass/fail requirements, minimum scores, bands, the
quality:price split and the inputs asked for."""

from __future__ import annotations

from dataclasses import dataclass

from probity.engine.compiler.compiled import CompiledCriterion, CompiledRuleSet, Thresholds


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: what it is about (a heading for people) and the sentence saying it."""

    about: str  # "Principles", "Criteria", "Scoring", "Inputs", "Award"
    said: str


def compare(old: CompiledRuleSet, new: CompiledRuleSet) -> list[Change]:
    """What changes from `old` to `new`, in the order a reader checks: the weights, then
    each criterion, then the scoring around them, then what portals must send."""
    changes = _principles(old, new) + _criteria(old, new) + _scoring(old, new)
    return changes + _inputs(old, new)


def _principles(old: CompiledRuleSet, new: CompiledRuleSet) -> list[Change]:
    before = {p.id: p for p in old.principles}
    after = {p.id: p for p in new.principles}
    out = [
        Change("Principles", f"Principle {p.name} added, weight {p.weight:g}.")
        for i, p in after.items()
        if i not in before
    ]
    out += [
        Change("Principles", f"Principle {p.name} removed (it weighed {p.weight:g}).")
        for i, p in before.items()
        if i not in after
    ]
    for key in before.keys() & after.keys():
        was, now = before[key], after[key]
        if was.weight != now.weight:
            out.append(
                Change("Principles", f"{now.name}'s weight: {was.weight:g} → {now.weight:g}.")
            )
        if was.name != now.name:
            out.append(Change("Principles", f"Principle {was.name} renamed {now.name}."))
    return out


def _criteria(old: CompiledRuleSet, new: CompiledRuleSet) -> list[Change]:
    before = {c.id: c for c in old.criteria}
    after = {c.id: c for c in new.criteria}
    out = [
        Change("Criteria", f"{c.id} added: ‘{c.title}’ ({_scored(c)}).")
        for i, c in after.items()
        if i not in before
    ]
    out += [
        Change("Criteria", f"{c.id} removed: ‘{c.title}’.")
        for i, c in before.items()
        if i not in after
    ]
    for key in [c.id for c in new.criteria if c.id in before]:
        out += _criterion(before[key], after[key])
    return out


def _scored(criterion: CompiledCriterion) -> str:
    if criterion.gate:
        return "a pass/fail requirement"
    return f"up to {criterion.max_points} points"


def _criterion(was: CompiledCriterion, now: CompiledCriterion) -> list[Change]:
    name = f"{now.id} ‘{now.title}’"
    out = []
    if was.title != now.title:
        out.append(Change("Criteria", f"{now.id} retitled: ‘{was.title}’ → ‘{now.title}’."))
    if was.gate != now.gate:
        said = "is now a pass/fail requirement" if now.gate else "is no longer pass/fail"
        out.append(Change("Criteria", f"{name} {said}."))
    if was.max_points != now.max_points:
        out.append(Change("Criteria", f"{name}: up to {was.max_points} → {now.max_points} points."))
    levels = [(level.points, level.label) for level in was.levels]
    if not was.gate and levels != [(level.points, level.label) for level in now.levels]:
        out.append(Change("Criteria", f"{name}: its levels of points changed."))
    if was.principle != now.principle:
        out.append(Change("Criteria", f"{name} moved from {was.principle} to {now.principle}."))
    if was.severity != now.severity:
        out.append(Change("Criteria", f"{name}: severity {was.severity} → {now.severity}."))
    if was.conditions != now.conditions or was.applies_rule != now.applies_rule:
        out.append(Change("Criteria", f"{name}: what it checks changed (its conditions)."))
    wording = [
        (was.explain_met, now.explain_met),
        (was.explain_partly, now.explain_partly),
        (was.explain_not_met, now.explain_not_met),
        (was.explain_missing, now.explain_missing),
        (was.remedy, now.remedy),
    ]
    if any(a != b for a, b in wording):
        out.append(Change("Criteria", f"{name}: reworded (explanations or remedy)."))
    if (was.source.document, was.source.quote) != (now.source.document, now.source.quote):
        out.append(Change("Criteria", f"{name}: cites a different sentence of policy."))
    return out


def _scoring(old: CompiledRuleSet, new: CompiledRuleSet) -> list[Change]:
    out = []
    was_award, now_award = _split(old), _split(new)
    if was_award != now_award:
        out.append(Change("Award", f"The quality:price split: {was_award} → {now_award}."))
    bands_before = {b.id: b for b in old.bands}
    for band in new.bands:
        was = bands_before.get(band.id)
        if was is None:
            out.append(Change("Scoring", f"Band ‘{band.label}’ added."))
        elif was.min_total != band.min_total:
            out.append(
                Change(
                    "Scoring",
                    f"Band ‘{band.label}’ now from a total of "
                    f"{_total(band.min_total)} (was {_total(was.min_total)}).",
                )
            )
    kept = {b.id for b in new.bands}
    out += [Change("Scoring", f"Band ‘{b.label}’ removed.") for b in old.bands if b.id not in kept]
    if _minimums(old.thresholds) != _minimums(new.thresholds):
        out.append(
            Change(
                "Scoring",
                f"Minimum scores: {_minimums(old.thresholds)} → {_minimums(new.thresholds)}.",
            )
        )
    return out


def _split(ruleset: CompiledRuleSet) -> str:
    award = ruleset.spec.award
    return f"quality {award.quality:g} : price {award.price:g}" if award else "none"


def _total(value: float | None) -> str:
    return "any" if value is None else f"{value:g}"


def _minimums(thresholds: Thresholds | None) -> str:
    if thresholds is None:
        return "none"
    parts = []
    criteria = sorted({c for c in thresholds.criteria if c is not None})
    if criteria:
        parts.append("criteria at least " + ", ".join(str(c) for c in criteria) + " points")
    percents = sorted({p for p in thresholds.principle_percents if p is not None})
    if percents:
        parts.append("principles at least " + ", ".join(f"{p:g}%" for p in percents))
    if thresholds.total is not None:
        parts.append(f"a total of at least {thresholds.total:g}")
    return "; ".join(parts) or "none"


def _inputs(old: CompiledRuleSet, new: CompiledRuleSet) -> list[Change]:
    before, after = _fields(old), _fields(new)
    out = [
        Change("Inputs", f"Portals send a new answer: {after[f]}.")
        for f in after
        if f not in before
    ]
    out += [Change("Inputs", f"No longer asked: {before[f]}.") for f in before if f not in after]
    return out


def _fields(ruleset: CompiledRuleSet) -> dict[str, str]:
    """Each input's path, and how people know it (its label, else its description)."""
    return {spec.path: (spec.label or spec.description) for spec in ruleset.spec.inputs}
