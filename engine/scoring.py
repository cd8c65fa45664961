"""Turn the rules that fired for a submission into findings, scores and a band."""

from __future__ import annotations

from typing import Any

import orjson

from engine import ENGINE_VERSION
from engine.compiled import CompiledCriterion, CompiledRuleSet
from engine.result import Evidence, Finding, PrincipleScore, Result, RulesetRef, encode_finding

# Findings are immutable and depend only on (outcome, points, the values read), so equal
# inputs share one Finding. The cache is bounded so memory stays flat over millions of runs.
_CACHE_LIMIT = 4096


class Scorer:
    def __init__(self, ruleset: CompiledRuleSet) -> None:
        self.ruleset = ruleset
        self.ref = RulesetRef(ruleset.id, ruleset.version, ruleset.digest)
        self._cache: list[dict[tuple[Any, ...], tuple[Finding, orjson.Fragment]]] = [
            {} for _ in ruleset.criteria
        ]

    def score(self, submission_id: str, values: dict[str, Any], fired: set[str]) -> Result:
        rs = self.ruleset
        pairs = [self._finding(n, c, values, fired) for n, c in enumerate(rs.criteria)]
        findings = tuple(pair[0] for pair in pairs)
        principles = self._principles(findings)
        reasons = tuple(
            f"{f.criterion}: {f.title}"
            for f in findings
            if f.gate and f.outcome not in ("met", "not_applicable")
        )
        total = round(sum(p.score for p in principles), 2)
        maximum = round(sum(p.weight for p in principles if p.max_points), 2)
        band = rs.bands[-1] if reasons else self._band(total)
        return Result(
            submission_id=submission_id,
            ruleset=self.ref,
            engine_version=ENGINE_VERSION,
            band=band.id,
            band_label=band.label,
            excluded=bool(reasons),
            exclusion_reasons=reasons,
            total=total,
            maximum=maximum,
            principles=principles,
            findings=findings,
            encoded_findings=tuple(pair[1] for pair in pairs),
        )

    def _band(self, total: float) -> Any:
        for band in self.ruleset.bands:
            if not band.gate_failure and total >= (band.min_total or 0):
                return band
        return self.ruleset.bands[-1]

    def _finding(
        self, n: int, c: CompiledCriterion, values: dict[str, Any], fired: set[str]
    ) -> tuple[Finding, orjson.Fragment]:
        if c.applies_rule is not None and c.applies_rule not in fired:
            outcome, points, label = "not_applicable", 0, None
        else:
            for level in c.levels:
                if level.rule in fired:
                    points, label = level.points, level.label
                    if points == c.max_points:
                        outcome = "met"
                    else:
                        outcome = "partly_met" if points else "not_met"
                    break
            else:
                points, label = 0, None
                given = all(field in values for field in c.fields)
                outcome = "not_met" if given else "evidence_missing"
        # Values are normalised by the validator (numbers float, lists tuples): hashable, and
        # equal only when their JSON is equal too.
        key = (outcome, points, label, *map(values.get, c.shown))
        cache = self._cache[n]
        entry = cache.get(key)
        if entry is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            finding = self._build(c, outcome, points, label, values)
            entry = cache[key] = (finding, encode_finding(finding))
        return entry

    def _build(
        self,
        c: CompiledCriterion,
        outcome: str,
        points: int,
        label: str | None,
        values: dict[str, Any],
    ) -> Finding:
        template = {"met": c.explain_met, "partly_met": c.explain_partly}.get(
            outcome, c.explain_not_met
        )
        context = dict(values, points=points, max_points=c.max_points)
        evidence = tuple(
            Evidence(field, values.get(field), field in values, expected)
            for field, expected in c.expected
        )
        explanation = template.render(context)
        if outcome == "not_applicable":
            explanation = "Not applicable to this submission."
        elif outcome == "evidence_missing":
            missing = ", ".join(f for f in c.fields if f not in values)
            explanation = f"Evidence missing: no answer for {missing}. " + explanation
        return Finding(
            criterion=c.id,
            principle=c.principle,
            title=c.title,
            outcome=outcome,
            points=points,
            max_points=0 if outcome == "not_applicable" else c.max_points,
            level=label,
            severity=c.severity,
            gate=c.gate,
            explanation=explanation,
            evidence=evidence,
            remedy=None if outcome in ("met", "not_applicable") else c.remedy,
            source=c.source,
        )

    def _principles(self, findings: tuple[Finding, ...]) -> tuple[PrincipleScore, ...]:
        points: dict[str, int] = {p.id: 0 for p in self.ruleset.principles}
        maximum: dict[str, int] = dict(points)
        for f in findings:
            points[f.principle] += f.points
            maximum[f.principle] += f.max_points
        return tuple(
            PrincipleScore(
                p.id,
                p.name,
                p.weight,
                points[p.id],
                maximum[p.id],
                round(p.weight * points[p.id] / maximum[p.id], 4) if maximum[p.id] else 0.0,
            )
            for p in self.ruleset.principles
        )
