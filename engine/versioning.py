"""What kind of change a new version of a rule set is, and the least version number it
calls for (Semantic Versioning, as rules/README.md sets it out for rule sets):

- **major**: portals or bidders must do something different, or a bid that passed may now
  be refused: a required input added or removed, an answer made required or narrowed, a
  criterion removed, a pass/fail requirement added;
- **minor**: scores and verdicts may change but the answers asked for still serve: weights,
  levels, thresholds, bands, conditions, a criterion or an optional input added;
- **patch**: words only: titles, explanations, remedies, questions, sources, comments, tests.

`probity check --against`, publish and reload (engine.registry) refuse a version number that
understates the change, so a result's version says truthfully what kind of rules made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import semver

from probity.engine.compiler.model import InputSpec, RuleSetSpec

Kind = Literal["none", "patch", "minor", "major"]
# What people read and nothing evaluates: a change to these alone is a patch.
_WORDS = frozenset(
    {
        "title", "description", "explain", "remedy", "action", "source", "question", "label",
        "name", "framework", "tests", "version", "descriptors", "reading", "labels",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Classified:
    """A change's kind and why: each reason a sentence for a policy officer."""

    kind: Kind
    reasons: tuple[str, ...]


def classify(old: RuleSetSpec, new: RuleSetSpec, old_text: str, new_text: str) -> Classified:
    """The kind of change from `old` to `new` (their texts decide between patch and none)."""
    major = _major(old, new)
    if major:
        return Classified("major", tuple(major))
    minor = _minor(old, new)
    if minor:
        return Classified("minor", tuple(minor))
    if old_text != new_text:
        return Classified("patch", ("only words changed (or comments, or tests)",))
    return Classified("none", ())


def least_version(old_version: str, kind: Kind) -> str:
    """The least version number a change of `kind` from `old_version` may take."""
    major, minor, patch = _core(old_version)
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    if kind == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return old_version


def understated(old_version: str, new_version: str, change: Classified) -> str | None:
    """Why `new_version` is too small a step from `old_version` for `change`, or None."""
    if change.kind == "none":
        return None
    least = least_version(old_version, change.kind)
    if _core(new_version) >= _core(least):
        return None
    return (
        f"this is a {change.kind} change from {old_version} ({'; '.join(change.reasons)}), "
        f"so its version must be at least {least}, not {new_version}"
    )


def _core(version: str) -> tuple[int, int, int]:
    """Major, minor, patch (a pre-release of a version is that version's step here)."""
    parsed = semver.Version.parse(version)
    return parsed.major, parsed.minor, parsed.patch


# -- major ---------------------------------------------------------------------------------
def _major(old: RuleSetSpec, new: RuleSetSpec) -> list[str]:
    out: list[str] = []
    before = {i.path: i for i in old.inputs}
    after = {i.path: i for i in new.inputs}
    for path, spec in after.items():
        was = before.get(path)
        if was is None and spec.required:
            out.append(f"a required answer added: {_named(spec)}")
        elif was is not None:
            out += _narrowed(was, spec)
    out += [
        f"an answer no longer read: {_named(spec)}" for p, spec in before.items() if p not in after
    ]
    kept = {c.id: c for c in new.criteria}
    for criterion in old.criteria:
        now = kept.get(criterion.id)
        if now is None:
            out.append(f"criterion {criterion.id} removed")
        elif now.gate and not criterion.gate:
            out.append(f"criterion {criterion.id} became a pass/fail requirement")
    had = {c.id for c in old.criteria}
    out += [
        f"a pass/fail requirement added: {c.id}" for c in new.criteria if c.gate and c.id not in had
    ]
    return out


def _narrowed(was: InputSpec, now: InputSpec) -> list[str]:
    """How an answer accepted before could be refused now."""
    name = _named(now)
    out = []
    if now.required and not was.required:
        out.append(f"an answer made required: {name}")
    if now.type != was.type:
        out.append(f"an answer's type changed: {name}")
    if now.allowed is not None and (was.allowed is None or set(was.allowed) - set(now.allowed)):
        out.append(f"fewer answers allowed: {name}")
    if now.minimum is not None and (was.minimum is None or now.minimum > was.minimum):
        out.append(f"a higher least answer: {name}")
    if now.maximum is not None and (was.maximum is None or now.maximum < was.maximum):
        out.append(f"a lower greatest answer: {name}")
    return out


def _named(spec: InputSpec) -> str:
    return spec.label or spec.description


# -- minor ---------------------------------------------------------------------------------
def _minor(old: RuleSetSpec, new: RuleSetSpec) -> list[str]:
    before, after = _keyed(old), _keyed(new)
    out = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key, {}), after.get(key, {})
        if was == now:
            continue
        if key == "criteria":
            out += _each("criterion", was, now, "what it checks or how it scores changed")
        elif key == "inputs":
            out += _each("answer", was, now, "what it accepts, or the KPI it sets, changed")
        else:
            out.append(_MINOR_SAID.get(key, f"{key} changed"))
    return out


def _each(noun: str, was: dict[str, Any], now: dict[str, Any], changed: str) -> list[str]:
    added = [f"{noun} {k} added" for k in now if k not in was]
    return added + [f"{noun} {k}: {changed}" for k in now if k in was and was[k] != now[k]]


_MINOR_SAID = {
    "inputs": "the answers read changed (an optional one added, or one widened)",
    "principles": "principles or their weights changed",
    "criteria": "what a criterion checks or how it scores changed, or a criterion was added",
    "bands": "the bands changed",
    "thresholds": "the minimum scores changed",
    "award": "the quality:price split changed",
    "scale": "the scoring scale changed",
    "ratings": "the rating rules changed",
    "missing_returns": "how a missing return counts changed",
    "kpis": "the key performance indicators changed",
    "kpi_assessment": "how the key performance indicators are assessed changed",
    "monitored_by": "the monitoring rule set whose KPIs its commitments set changed",
    "period": "the monitoring period changed",
}


def _keyed(spec: RuleSetSpec) -> dict[str, Any]:
    """The spec's substance, its inputs and criteria by name (their order is not a change)."""
    out = _substance(spec.model_dump())
    out["inputs"] = {i["path"]: i for i in out["inputs"]}
    out["criteria"] = {c["id"]: c for c in out["criteria"]}
    return dict(out)


def _substance(value: Any) -> Any:
    """A spec with its words left out: what evaluation reads."""
    if isinstance(value, dict):
        return {k: _substance(v) for k, v in value.items() if k not in _WORDS}
    if isinstance(value, list):
        return [_substance(v) for v in value]
    return value
