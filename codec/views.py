"""Results in the BASIC view (ResultView, AIP-157), and the catalog of a rule set version's
own wording that a BASIC result leaves out (ResultCatalog).

A FULL result repeats the rule set's titles, remedies, sources and descriptors in every
finding: about four fifths of its bytes for nolan-tender. BASIC sends only what varies per
submission; `catalog` is what a client needs, once per version, to put the rest back
(codec.expansion), and result.proto says field by field how. Both are made
from the compiled rule set, never from a result, so what BASIC leaves out is exactly what
the catalog holds.
"""

from __future__ import annotations

from functools import partial
from typing import cast

from probity.codec import shape, wire
from probity.codec.messages import (
    contract_result_to_proto,
    has_tail,
    head,
    source_to_proto,
    tail,
)
from probity.engine import (
    CompiledRuleSet,
    ContractResult,
    Finding,
    PrincipleScore,
    Result,
    exclusion_reason,
    fixed_explanations,
)
from probity.v1 import result_pb2

# criterion id → outcome → its fixed explanation
_Fixed = dict[str, dict[str, str]]


def _fixed(ruleset: CompiledRuleSet) -> _Fixed:
    return {c.id: fixed_explanations(c) for c in ruleset.criteria}


def catalog(ruleset: CompiledRuleSet) -> result_pb2.ResultCatalog:
    """What a BASIC result of this version leaves out: its tender criteria's wording, or
    its monitoring checks'."""
    message = result_pb2.ResultCatalog(
        ruleset=result_pb2.RulesetRef(id=ruleset.id, version=ruleset.version, digest=ruleset.digest)
    )
    if ruleset.monitoring is not None:
        return _monitoring_catalog(ruleset, message)
    message.bands.extend(result_pb2.BandText(band=b.id, label=b.label) for b in ruleset.bands)
    message.principles.extend(_principle_texts(ruleset))
    fixed = _fixed(ruleset)
    for c in ruleset.criteria:
        message.criteria.append(
            result_pb2.CriterionText(
                criterion=c.id,
                principle=c.principle,
                title=c.title,
                severity=c.severity,
                gate=c.gate,
                max_points=c.max_points,
                remedy=c.remedy,
                source=source_to_proto(c.source),
                evidence=[
                    result_pb2.EvidenceText(field=f, label=label, expected=expected)
                    for f, label, expected in c.expected
                ],
                descriptors=dict(c.descriptors),
                scored_by=c.scored_by,
                guidance=c.guidance,
                explanations=[
                    result_pb2.FixedExplanation(outcome=outcome, text=text)
                    for outcome, text in fixed[c.id].items()
                ],
            )
        )
    return message


def _principle_texts(ruleset: CompiledRuleSet) -> list[result_pb2.PrincipleText]:
    return [
        result_pb2.PrincipleText(principle=p.id, name=p.name, weight=p.weight)
        for p in ruleset.principles
    ]


def _monitoring_catalog(
    ruleset: CompiledRuleSet, message: result_pb2.ResultCatalog
) -> result_pb2.ResultCatalog:
    plan = ruleset.monitoring
    assert plan is not None
    message.principles.extend(_principle_texts(ruleset))
    for check in plan.checks:
        message.checks.append(
            result_pb2.CheckText(
                criterion=check.id,
                principle=check.principle,
                title=check.title,
                pattern=check.pattern,
                breach=check.description,
                severity=check.severity,
                action=check.action,
                source=source_to_proto(check.source),
                evidence=[
                    result_pb2.EvidenceText(field=f, expected=expected)
                    for f, expected in check.expected
                ],
            )
        )
    if plan.missing is not None:
        missing = plan.missing
        message.checks.append(
            result_pb2.CheckText(
                criterion=missing.id,
                principle=missing.principle,
                title=missing.title,
                pattern=missing.pattern,
                breach=missing.breach,
                severity=missing.severity,
                action=missing.action,
                source=source_to_proto(missing.source),
            )
        )
    return message


def encode_basic_contract(result: ContractResult) -> bytes:
    """The serialized BASIC probity.v1.ContractResult: the FULL one without what the
    catalog gives back (codec.shape; a contract's result is made once, so it is simply
    left out)."""
    message = contract_result_to_proto(result)
    shape.clear_catalog(message)
    return message.SerializeToString()


def exclusion_reasons(result: result_pb2.Result, ruleset: CompiledRuleSet) -> tuple[str, ...]:
    """The deprecated `exclusion_reasons` of a result in either view, from its rejections:
    "criterion id: title" of a failed pass/fail criterion, else "subject: explanation"."""
    titles = {c.id: c.title for c in ruleset.criteria}
    return tuple(
        exclusion_reason(r.kind, r.subject, r.explanation, titles.get(r.subject, ""))
        for r in result.rejections
    )


_basic_finding_message = shape.converter(Finding, basic=True)


def _basic_finding(finding: Finding, fixed: _Fixed) -> result_pb2.Finding:
    """A finding without its catalog fields (codec.shape), and without its explanation
    when that is its criterion's fixed one for its outcome (the catalog holds those too)."""
    message = cast(result_pb2.Finding, _basic_finding_message(finding))
    if fixed[finding.criterion].get(finding.outcome) == finding.explanation:
        message.ClearField("explanation")
    return message


_principles = wire.Encodings(
    result_pb2.Result.PRINCIPLES_FIELD_NUMBER, shape.converter(PrincipleScore, basic=True)
)


_VERSIONS_KEPT = 64
_findings: dict[str, wire.Encodings[Finding]] = {}  # by rule set digest


def _finding_encodings(ruleset: CompiledRuleSet) -> wire.Encodings[Finding]:
    """The BASIC encodings of one version's findings, each distinct finding encoded once
    (as codec.messages does FULL's)."""
    found = _findings.get(ruleset.digest)
    if found is None:
        if len(_findings) >= _VERSIONS_KEPT:
            _findings.clear()
        fixed = _fixed(ruleset)
        found = _findings[ruleset.digest] = wire.Encodings(
            result_pb2.Result.FINDINGS_FIELD_NUMBER, partial(_basic_finding, fixed=fixed)
        )
    return found


def encode_basic(result: Result, ruleset: CompiledRuleSet) -> bytes:
    """The serialized BASIC probity.v1.Result of `result`, which `ruleset` produced."""
    parts = [head(result, basic=True).SerializeToString()]
    parts.extend(map(_principles, result.principles))
    parts.extend(map(_finding_encodings(ruleset), result.findings))
    if has_tail(result):
        parts.append(tail(result, basic=True).SerializeToString())
    return b"".join(parts)
