"""The sources stage: every quote checked against its document in the source library, and
the citation each finding will carry (the publication, and the page or section)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace

from probity.engine.compiler.compiled import SourceReference
from probity.engine.compiler.diagnostics import Diagnostics
from probity.engine.compiler.model import RuleSetSpec, SourceRef
from probity.engine.errors import Code
from probity.engine.sources.library import SourceLibrary, Verified

# A criterion's (document, quote, section) → what its findings cite. A compiled rule set
# carries its citations, so that a worker process, or a replay years later, compiles the same
# findings from the rule text and these alone, without the library.
Citations = Mapping[tuple[str, str, str | None], SourceReference]


def cite_sources(
    diagnostics: Diagnostics, spec: RuleSetSpec, library: SourceLibrary | None
) -> Citations:
    """Checks the framework's document and every quote; `library` None checks nothing (a
    rule file compiled on its own, as in unit tests: findings then cite the bare document)."""
    check_modality(diagnostics, spec)
    if library is None:
        return {}
    if spec.framework.document not in library.sources:
        message = library.unregistered(spec.framework.document)
        diagnostics.fail(Code.SOURCE, ("framework", "document"), message)
    cited: list[tuple[tuple[str | int, ...], SourceRef]] = [
        (("criteria", index, "source"), criterion.source)
        for index, criterion in enumerate(spec.criteria)
    ]
    if spec.missing_returns is not None:
        cited.append((("missing_returns", "source"), spec.missing_returns.source))
    cited += [(("kpis", index, "source"), kpi.source) for index, kpi in enumerate(spec.kpis)]
    citations: dict[tuple[str, str, str | None], SourceReference] = {}
    for where, ref in cited:
        checked = library.check(ref.document, ref.quote)
        if isinstance(checked, str):
            field = "document" if ref.document not in library.sources else "quote"
            diagnostics.fail(Code.SOURCE, (*where, field), checked)
            continue
        citations[(ref.document, ref.quote, ref.section)] = _reference(ref, checked)
    return citations


def cite(citations: Citations, ref: SourceRef) -> SourceReference:
    """What a finding of the criterion with source `ref` cites: a part not known is "", as
    findings show it (engine.evaluation.result); the citations keep None, which their
    recorded JSON, and so the digest, has always held."""
    found = citations.get((ref.document, ref.quote, ref.section))
    if found is None:
        found = SourceReference(ref.document, ref.quote, ref.section, None, None)
    return replace(
        found,
        section=found.section or "",
        citation=found.citation or "",
        url=found.url or "",
        choice=ref.choice or "",
    )


def _reference(ref: SourceRef, verified: Verified) -> SourceReference:
    return SourceReference(
        document=ref.document,
        quote=ref.quote,
        section=ref.section or verified.location or None,  # the rule file's own word wins
        citation=verified.source.citation,
        url=verified.source.url,
    )


def citations_json(citations: Citations) -> str:
    """Citations as canonical JSON (sorted, no whitespace): recorded with the rule set."""
    entries = [
        [key[0], key[1], key[2], ref.section, ref.citation, ref.url]
        for key, ref in sorted(citations.items(), key=lambda item: repr(item[0]))
    ]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))


def citations_from_json(text: str) -> Citations:
    entries = json.loads(text) if text else []
    return {
        (document, quote, given): SourceReference(document, quote, section, citation, url)
        for document, quote, given, section, citation, url in entries
    }


# Mandatory: "must", or "should not ... unless" (a prohibition with its only exceptions).
_MUST = re.compile(r"\bmust\b|\bshould not\b.*\bunless\b", re.IGNORECASE | re.DOTALL)
_SHOULD = re.compile(r"\bshould\b", re.IGNORECASE)
_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def check_modality(diagnostics: Diagnostics, spec: RuleSetSpec) -> None:
    """Severity follows the source's modality: a criterion quoting a "must" is rated at
    least as high as every criterion quoting only a "should" (a warning otherwise)."""
    weak = [
        (c.id, c.severity)
        for c in spec.criteria
        if _SHOULD.search(c.source.quote) and not _MUST.search(c.source.quote)
    ]
    if not weak:
        return
    top_id, top = max(weak, key=lambda item: _RANK[item[1]])
    for index, criterion in enumerate(spec.criteria):
        if _MUST.search(criterion.source.quote) and _RANK[criterion.severity] < _RANK[top]:
            diagnostics.warn(
                Code.MODALITY,
                ("criteria", index, "severity"),
                f"this criterion quotes a 'must' but is rated {criterion.severity}, below "
                f"{top_id}, which quotes only a 'should' and is rated {top}: rate a duty the "
                "source makes mandatory at least as high",
            )
