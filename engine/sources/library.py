"""The source library: each document the rule sets cite, its publication details and its
fingerprint, one JSON file per document in a folder (`rules/sources/` for the shipped ones).

Rule files name a document by its id (the file's stem); the compiler checks every quote
against that document's fingerprint and cites the publication, page or section in findings.
"""

from __future__ import annotations

import difflib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from probity.engine.sources.fingerprint import RUN, Fingerprint, Part, fingerprint, pieces, words

METHOD = "probity-runs-v1"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"


class _PartFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    location: str
    runs: str  # the hashes, hex, space-separated


class _FingerprintFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = Field(pattern=f"^{METHOD}$")
    key: str = Field(pattern=r"^[0-9a-f]{32}$")
    parts: list[_PartFile]


class SourceFile(BaseModel):
    """One registered document as it is stored. The details are for people; edit them freely.
    The fingerprint is made by `probity sources add` from the document itself."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    author: str | None = None
    publisher: str | None = None
    published_in: str | None = None  # the book, journal or report it appears in
    year: str | None = None
    url: str | None = None
    registered_from: str = Field(description="The file name the fingerprint was made from")
    # A page as printed in the document, by the page its file marks: an extract's file
    # starts "Page 109" where the book prints 107, and a reader looks for what is printed.
    printed_pages: dict[str, str] | None = None
    fingerprint: _FingerprintFile


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    author: str | None
    publisher: str | None
    published_in: str | None
    year: str | None
    url: str | None
    fingerprint: Fingerprint

    @property
    def citation(self) -> str:
        """The publication in words: author, title, where it appeared, publisher and year."""
        head = ", ".join(p for p in (self.author, f"‘{self.title}’", self.published_in) if p)
        tail = ", ".join(p for p in (self.publisher, self.year) if p and p != self.author)
        return f"{head} ({tail})" if tail else head


@dataclass(frozen=True, slots=True)
class Verified:
    """A quote found in its document: the citation and where in the document it is."""

    source: Source
    location: str


@dataclass(frozen=True, slots=True)
class SourceLibrary:
    sources: Mapping[str, Source] = field(default_factory=dict)
    # Files in the folder that could not be read, by document id: why not.
    broken: Mapping[str, str] = field(default_factory=dict)

    def check(self, document: str, quote: str) -> Verified | str:
        """Where `quote` is in `document`, or why it cannot be verified (a sentence)."""
        source = self.sources.get(document)
        if source is None:
            return self.unregistered(document)
        location = None
        for index, piece in enumerate(pieces(quote)):
            said = words(piece)
            if len(said) < RUN:
                return f"the quote is too short to check: quote at least {RUN} words together"
            found = source.fingerprint.locate(said)
            if found is None:
                return self._not_found(source, said)
            location = found if index == 0 else location
        if location is None:
            return "the quote is empty"
        return Verified(source, location)

    def unregistered(self, document: str) -> str:
        """Why `document` is not in the library, in a sentence."""
        why = self.broken.get(document)
        if why is not None:
            return f"the source document '{document}' cannot be read from the library: {why}"
        close = difflib.get_close_matches(document, list(self.sources), n=1)
        if close:
            return f"'{document}' is not in the source library; did you mean '{close[0]}'?"
        known = ", ".join(sorted(self.sources)) or "none yet"
        return (
            f"'{document}' is not in the source library (registered: {known}); "
            "register it with probity sources add"
        )

    def _not_found(self, source: Source, said: list[str]) -> str:
        elsewhere = [
            s.title
            for s in self.sources.values()
            if s is not source and s.fingerprint.locate(said) is not None
        ]
        if elsewhere:
            return f"the quote is not in ‘{source.title}’ but in ‘{elsewhere[0]}’"
        start, end = source.fingerprint.longest_match(said)
        if start == end:
            return f"the quote is not in ‘{source.title}’: no four words of it in a row are there"
        if start == 0:  # it goes wrong after a good beginning
            agreed = " ".join(said[max(0, end - 6) : end])
            departs = " ".join(said[end : end + 6])
            return (
                f"the quote is not in ‘{source.title}’ as written: it follows the document as "
                f"far as “…{agreed}” but the document does not go on “{departs}…”"
            )
        agreed = " ".join(said[start : min(end, start + 6)])
        before = " ".join(said[max(0, start - 6) : start])
        return (
            f"the quote is not in ‘{source.title}’ as written: the document has “{agreed}…” "
            f"but not “…{before}” just before it"
        )


def load_library(folder: Path) -> SourceLibrary:
    """Every *.json document in `folder` (none when it does not exist)."""
    sources: dict[str, Source] = {}
    broken: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            stored = SourceFile.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as exc:
            broken[path.stem] = _reason(exc)
            continue
        if stored.id != path.stem:
            broken[path.stem] = f"its id is '{stored.id}' but its file is {path.name}"
            continue
        sources[stored.id] = _source(stored)
    return SourceLibrary(sources, broken)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        return f"{where}: {first['msg']}"
    return "the file cannot be read"


def _source(stored: SourceFile) -> Source:
    printed = stored.printed_pages or {}
    parts = (
        Part(printed.get(p.location, p.location), frozenset(p.runs.split()))
        for p in stored.fingerprint.parts
    )
    return Source(
        id=stored.id,
        title=stored.title,
        author=stored.author,
        publisher=stored.publisher,
        published_in=stored.published_in,
        year=stored.year,
        url=stored.url,
        fingerprint=Fingerprint.of(stored.fingerprint.key, parts),
    )


def register(blocks: Iterable[tuple[str, str]], details: Mapping[str, object]) -> SourceFile:
    """A new library entry: `details` (id, title, ...) and the fingerprint of `blocks`,
    (location, text) in reading order, under a fresh key."""
    made = fingerprint(blocks, secrets.token_hex(16))
    stored = {
        "method": METHOD,
        "key": made.key,
        "parts": [{"location": p.location, "runs": " ".join(sorted(p.runs))} for p in made.parts],
    }
    return SourceFile.model_validate({**details, "fingerprint": stored})


def save(entry: SourceFile, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{entry.id}.json"
    text = json.dumps(entry.model_dump(exclude_none=True), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return path
