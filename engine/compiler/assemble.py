"""The last stage: a kind stage's body, with the rule set's identity, becomes the compiled
rule set: its conditions partitioned for durable_rules, its digest taken."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from probity.engine.compiler.citations import Citations, citations_json
from probity.engine.compiler.compiled import (
    Band,
    CompiledCriterion,
    CompiledRuleSet,
    MonitoringPlan,
    Principle,
    Thresholds,
)
from probity.engine.compiler.conditions import FactLayout
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.kpis import commitments_of
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.compiler.partitions import fact_keys, partition
from probity.engine.errors import Code

MAX_RULES = 2000


@dataclass(frozen=True)
class Body:
    """What a kind stage (tender or monitoring) compiled."""

    layout: FactLayout
    principles: dict[str, Principle]
    criteria: tuple[CompiledCriterion, ...]
    bands: tuple[Band, ...]
    definition: dict[str, Any]  # durable_rules rule name → rule
    monitoring: MonitoringPlan | None = None
    thresholds: Thresholds | None = None


def assemble(
    diagnostics: Diagnostics, spec: RuleSetSpec, body: Body, citations: Citations
) -> CompiledRuleSet | None:
    if len(body.definition) > MAX_RULES:
        diagnostics.fail(
            Code.TOO_COMPLEX,
            ("criteria",),
            f"{len(body.definition)} conditions; at most {MAX_RULES}",
        )
        return None
    parts = partition(body.definition)
    cited = citations_json(citations) if citations else ""
    return CompiledRuleSet(
        id=spec.id,
        version=spec.version,
        title=spec.title,
        kind=spec.kind,
        digest=digest(diagnostics.text, cited),
        source_text=diagnostics.text,
        citations=cited,
        file=diagnostics.file,
        spec=spec,
        layout=body.layout,
        principles=tuple(body.principles.values()),
        criteria=body.criteria,
        bands=body.bands,
        rules=body.definition,
        rule_positions=diagnostics.positions,
        partitions=parts,
        partition_keys=tuple(
            tuple(sorted(set().union(*(fact_keys(r["all"]) for r in part.values()))))
            for part in parts
        ),
        monitoring=body.monitoring,
        thresholds=body.thresholds,
        warnings=tuple(sorted(diagnostics.warnings)),
        commitments=commitments_of(diagnostics, spec),
    )


def digest(text: str, citations: str) -> str:
    """sha256 of the rule text, and of its citations where it has them: the digest names
    everything its findings say, so two results with one digest read the same."""
    content = text if not citations else f"{text}\n{citations}"
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
