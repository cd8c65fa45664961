"""The source library: loading, checking quotes, citing publications."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probity.engine.sources.library import Verified, load_library, register, save
from tests.conftest import RULES

DETAILS = {
    "id": "integrity-note",
    "title": "A note on integrity",
    "author": "Committee on Standards",
    "year": "2014",
    "url": "https://example.org/integrity",
    "registered_from": "note.txt",
}
TEXT = "Holders of public office must declare and resolve any interests and relationships."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    save(register([("page 2", TEXT)], DETAILS), tmp_path)
    other = {**DETAILS, "id": "openness-note", "title": "On openness"}
    save(register([("", "Information should not be withheld from the public.")], other), tmp_path)
    return tmp_path


def test_a_saved_document_loads_and_verifies_a_quote_with_its_page(folder: Path) -> None:
    library = load_library(folder)
    checked = library.check("integrity-note", "must declare and resolve any interests")
    assert isinstance(checked, Verified)
    assert checked.location == "page 2"
    assert checked.source.citation == "Committee on Standards, ‘A note on integrity’ (2014)"
    assert checked.source.url == "https://example.org/integrity"


def test_a_changed_quote_says_where_it_departs(folder: Path) -> None:
    library = load_library(folder)
    message = library.check("integrity-note", "office must declare and hide any interests")
    assert isinstance(message, str)
    assert "“…office must declare and”" in message and "“hide any interests…”" in message
    message = library.check(
        "integrity-note", "must declare and hide any interests and relationships"
    )
    assert isinstance(message, str)
    assert "has “any interests and relationships…” but not “…must declare and hide”" in message
    message = library.check("integrity-note", "none of these words are in it")
    assert (
        message
        == "the quote is not in ‘A note on integrity’: no four words of it in a row are there"
    )


def test_a_quote_from_another_document_names_that_document(folder: Path) -> None:
    message = load_library(folder).check("integrity-note", "should not be withheld from")
    assert message == "the quote is not in ‘A note on integrity’ but in ‘On openness’"


def test_an_unknown_document_gets_the_nearest_id(folder: Path) -> None:
    message = load_library(folder).check("integrity-notes", "must declare and resolve")
    assert (
        message == "'integrity-notes' is not in the source library; did you mean 'integrity-note'?"
    )


def test_a_piece_of_under_four_words_is_refused_as_unverifiable(folder: Path) -> None:
    message = load_library(folder).check("integrity-note", "Holders … resolve any interests")
    assert isinstance(message, str) and message.startswith("the quote is too short to check")


def test_an_unreadable_file_is_reported_by_its_id_not_lost(folder: Path) -> None:
    (folder / "broken.json").write_text("{")
    entry = json.loads((folder / "integrity-note.json").read_text())
    (folder / "renamed.json").write_text(json.dumps(entry))
    library = load_library(folder)
    assert set(library.sources) == {"integrity-note", "openness-note"}
    assert set(library.broken) == {"broken", "renamed"}
    assert "its id is 'integrity-note'" in library.broken["renamed"]
    message = library.check("broken", "anything at all here")
    assert isinstance(message, str) and "cannot be read from the library" in message


def test_the_shipped_library_holds_no_document_text() -> None:
    """Fingerprints and details only: no sentence of a source is shipped."""
    for path in (RULES / "sources").glob("*.json"):
        stored = path.read_text(encoding="utf-8")
        assert "Holders of public office" not in stored
    assert not list((RULES / "sources").glob("*.txt"))
