"""BASIC results (a submission's or a contract's) back to the FULL shape, from the rule set
version's catalog (ResultView and ResultCatalog in result.proto say what BASIC leaves out and
how it comes back): the inverse of codec.views.

The client library expands what it asked for in BASIC (probity.clients.catalogs keeps each
version's catalog), and the audit service what the decision log recorded in BASIC.
"""

from __future__ import annotations

from dataclasses import dataclass

from probity.engine import exclusion_reason
from probity.v1 import monitoring_pb2, result_pb2

_NO_REMEDY = ("met", "not_applicable")


class CatalogMismatch(Exception):
    """The catalog fetched is not the version a result names (it changed meanwhile)."""


@dataclass(frozen=True, slots=True)
class _Criterion:
    text: result_pb2.CriterionText
    evidence: dict[str, result_pb2.EvidenceText]
    explanations: dict[str, str]  # outcome → fixed explanation


@dataclass(frozen=True, slots=True)
class Catalog:
    """One version's ResultCatalog, indexed for expanding its results."""

    ruleset: result_pb2.RulesetRef
    bands: dict[str, str]
    principles: dict[str, result_pb2.PrincipleText]
    criteria: dict[str, _Criterion]
    checks: dict[str, tuple[result_pb2.CheckText, dict[str, str]]]  # and expected by field

    @classmethod
    def of(cls, message: result_pb2.ResultCatalog) -> Catalog:
        return cls(
            ruleset=message.ruleset,
            bands={b.band: b.label for b in message.bands},
            principles={p.principle: p for p in message.principles},
            criteria={
                c.criterion: _Criterion(
                    c,
                    {e.field: e for e in c.evidence},
                    {x.outcome: x.text for x in c.explanations},
                )
                for c in message.criteria
            },
            checks={
                c.criterion: (c, {e.field: e.expected for e in c.evidence}) for c in message.checks
            },
        )


def expand(result: result_pb2.Result, catalog: Catalog) -> None:
    """Fill a BASIC result, in place, with its version's wording: it then equals the FULL
    result of the same evaluation."""
    if result.ruleset.digest != catalog.ruleset.digest:
        raise CatalogMismatch(f"{result.ruleset.digest} is not {catalog.ruleset.digest}")
    result.band_label = catalog.bands.get(result.band, "")
    result.excluded = result.rejected
    for r in result.rejections:
        title = catalog.criteria[r.subject].text.title if r.kind == "pass_fail" else ""
        result.exclusion_reasons.append(exclusion_reason(r.kind, r.subject, r.explanation, title))
    for score in result.principles:
        principle = catalog.principles[score.principle]
        score.name, score.weight = principle.name, principle.weight
    for finding in result.findings:
        _expand_finding(finding, catalog.criteria[finding.criterion])


def _expand_finding(finding: result_pb2.Finding, criterion: _Criterion) -> None:
    text = criterion.text
    applies = finding.outcome != "not_applicable"
    finding.principle, finding.title = text.principle, text.title
    finding.severity, finding.gate = text.severity, text.gate
    finding.scored_by = text.scored_by
    finding.max_points = text.max_points if applies else 0
    awaited = text.scored_by == "panel" and finding.outcome == "evidence_missing"
    if finding.max_points and not awaited:  # a score the panel has yet to give has none
        finding.descriptor = text.descriptors.get(finding.points, "")
    if finding.outcome not in _NO_REMEDY:
        finding.remedy = text.remedy
    finding.source.CopyFrom(text.source)
    if not finding.explanation:
        finding.explanation = criterion.explanations.get(finding.outcome, "")
    for evidence in finding.evidence:
        entry = criterion.evidence[evidence.field]
        evidence.label, evidence.expected = entry.label, entry.expected


def expand_contract(result: monitoring_pb2.ContractResult, catalog: Catalog) -> None:
    """Fill a BASIC contract result, in place, with its version's wording (ResultCatalog
    .checks): it then equals the FULL result of the same check."""
    if result.ruleset.digest != catalog.ruleset.digest:
        raise CatalogMismatch(f"{result.ruleset.digest} is not {catalog.ruleset.digest}")
    for principle in result.principles:
        principle.name = catalog.principles[principle.principle].name
    for finding in result.findings:
        check, expected = catalog.checks[finding.criterion]
        finding.principle, finding.title = check.principle, check.title
        finding.pattern, finding.breach = check.pattern, check.breach
        finding.severity = check.severity
        finding.action = check.action if finding.occurrences else ""
        finding.source.CopyFrom(check.source)
        for occurrence in finding.occurrences:
            for evidence in occurrence.evidence:
                evidence.expected = expected[evidence.field]
