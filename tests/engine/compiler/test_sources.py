"""The sources stage: quotes checked against the library at their line, findings citing
the publication, and citations that travel with a compiled version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probity.engine.compiler.citations import citations_from_json
from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code, RuleFileError
from probity.engine.evaluation.evaluator import Evaluator
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.result import to_json
from probity.engine.registry import library_of
from probity.engine.sources.library import load_library
from tests.conftest import FIXTURES, MINI_STRONG, RULES

MINI = (FIXTURES / "mini.yaml").read_text()
LIBRARY = library_of(FIXTURES)
QUOTE = "They must declare and resolve any interests and relationships."


def _problems(text: str) -> list[tuple[int, int, Code, str]]:
    with pytest.raises(RuleFileError) as caught:
        compile_text(text, "mini.yaml", LIBRARY)
    return [(d.line, d.col, d.code, d.message) for d in caught.value.diagnostics]


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_changed_quote_is_refused_at_its_line_and_column() -> None:
    changed = MINI.replace("declare and resolve", "declare and ignore")
    ((line, col, code, message),) = _problems(changed)
    assert (line, col, code) == (_line(MINI, QUOTE), 14, Code.SOURCE)
    assert "“ignore any interests and relationships…”" in message


def test_an_unregistered_document_is_refused_at_the_document() -> None:
    moved = MINI.replace("document: cspl-ethical-standards", "document: cspl-ethics")
    found = _problems(moved)
    assert {code for _, _, code, _ in found} == {Code.SOURCE}
    assert _line(MINI, "  document: cspl-ethical-standards") in {line for line, *_ in found}
    assert all("did you mean 'cspl-ethical-standards'?" in m for *_, m in found)


def test_findings_cite_the_publication_and_the_page() -> None:
    """The page as the book prints it (107), not as the extract's file marks it (109)."""
    ruleset = compile_text(MINI, "mini.yaml", LIBRARY)
    source = ruleset.criteria[0].source
    assert (source.document, source.section) == ("cspl-ethical-standards", "page 107")
    assert (
        source.citation is not None and "Committee on Standards in Public Life" in source.citation
    )
    result = Evaluator(ruleset).evaluate(Submission("s1", MINI_STRONG))
    assert b'"citation":"Committee on Standards in Public Life' in to_json(result)


def test_the_rule_files_own_section_wins() -> None:
    text = MINI.replace(f"quote: {QUOTE}", f"quote: {QUOTE}\n      section: Integrity", 1)
    assert compile_text(text, "mini.yaml", LIBRARY).criteria[0].source.section == "Integrity"


def test_recorded_citations_compile_the_same_findings_without_the_library() -> None:
    """What a worker and a replay do: the text and its citations, no library."""
    checked = compile_text(MINI, "mini.yaml", LIBRARY)
    again = compile_text(MINI, "mini.yaml", citations=citations_from_json(checked.citations))
    assert again.digest == checked.digest
    submission = Submission("s1", MINI_STRONG)
    assert to_json(Evaluator(again).evaluate(submission)) == to_json(
        Evaluator(checked).evaluate(submission)
    )


def test_the_digest_covers_the_citations() -> None:
    unchecked = compile_text(MINI, "mini.yaml")
    assert unchecked.citations == "" and unchecked.criteria[0].source.citation == ""
    assert unchecked.digest != compile_text(MINI, "mini.yaml", LIBRARY).digest


def test_a_page_the_document_prints_differently_is_cited_as_printed(tmp_path: Path) -> None:
    entry = json.loads((RULES / "sources" / "cspl-ethical-standards.json").read_text())
    assert entry["printed_pages"] == {"page 109": "page 107"}
    del entry["printed_pages"]
    (tmp_path / "cspl-ethical-standards.json").write_text(json.dumps(entry))
    unmapped = compile_text(MINI, "mini.yaml", load_library(tmp_path))
    assert unmapped.criteria[0].source.section == "page 109"  # the file's own marker
