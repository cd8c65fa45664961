"""A document's fingerprint: enough to verify a quote from it, not enough to read it.

The library ships no third-party text. For each run of four words in a document it keeps a
keyed hash (BLAKE2b, 6 bytes), filed under the part of the document (page or section) where
the run starts. A quote is verified when every run of four words in it is in the document:
one word changed, added or dropped breaks the runs that cover it. Words are compared after
normalising (Unicode NFKC, case-folded, curly quotes and dashes straightened, punctuation
ignored), so a quote does not fail on typography. An ellipsis (… or ...) in a quote skips
text, as in print; each piece between ellipses is checked on its own, and must have at least
four words.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RUN = 4  # words in a hashed run: short enough for any quoted sentence, long enough to mean it
_DIGEST = 6
_WORD = re.compile(r"\w+(?:'\w+)*")
_ELLIPSIS = re.compile(r"…|\.\s*\.\s*\.")
_STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "ʼ": "'", "`": "'"})


def words(text: str) -> list[str]:
    """The words of `text`, normalised as quotes are compared."""
    folded = unicodedata.normalize("NFKC", text).translate(_STRAIGHTEN).casefold()
    return _WORD.findall(folded)


def pieces(quote: str) -> list[str]:
    """The parts of a quote between its ellipses."""
    return [p.strip() for p in _ELLIPSIS.split(quote) if p.strip()]


@dataclass(frozen=True, slots=True)
class Part:
    """A page or section of a document, and the runs of words that start in it."""

    location: str  # "page 109", "Integrity", or "" where the document has neither
    runs: frozenset[str]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    key: str  # hex; keys the hashes, so they match only this document's own
    parts: tuple[Part, ...]
    everywhere: frozenset[str]  # every part's runs

    @classmethod
    def of(cls, key: str, parts: Iterable[Part]) -> Fingerprint:
        parts = tuple(parts)
        return cls(key, parts, frozenset().union(*(p.runs for p in parts)))

    def locate(self, quote_words: Sequence[str]) -> str | None:
        """Where a run of words starts in the document: its part's location, or None when
        some run of four of them is not in the document."""
        hashes = [self.hash(run) for run in _runs(quote_words)]
        if not hashes or not all(h in self.everywhere for h in hashes):
            return None
        return next(p.location for p in self.parts if hashes[0] in p.runs)

    def longest_match(self, quote_words: Sequence[str]) -> tuple[int, int]:
        """The longest stretch of `quote_words` the document has, in runs of four, as word
        indexes [start, end); (0, 0) when no run of four of them is in it."""
        best = (0, 0)
        start = None
        found = [self.hash(run) in self.everywhere for run in _runs(quote_words)]
        for index, hit in enumerate([*found, False]):
            if hit and start is None:
                start = index
            elif not hit and start is not None:
                stretch = (start, index - 1 + RUN)
                if stretch[1] - stretch[0] > best[1] - best[0]:
                    best = stretch
                start = None
        return best

    def hash(self, run: Sequence[str]) -> str:
        return _hash(bytes.fromhex(self.key), run)


def fingerprint(blocks: Iterable[tuple[str, str]], key: str) -> Fingerprint:
    """The fingerprint of a document given as (location, text) blocks in reading order.
    Runs cross block boundaries (a sentence may go on over a page), and are filed under the
    block where they start."""
    stream: list[tuple[str, str]] = [(loc, w) for loc, text in blocks for w in words(text)]
    secret = bytes.fromhex(key)
    filed: dict[str, set[str]] = {}
    for index in range(len(stream) - RUN + 1):
        run = [w for _, w in stream[index : index + RUN]]
        filed.setdefault(stream[index][0], set()).add(_hash(secret, run))
    return Fingerprint.of(key, (Part(loc, frozenset(runs)) for loc, runs in filed.items()))


def _hash(key: bytes, run: Sequence[str]) -> str:
    data = " ".join(run).encode()
    return hashlib.blake2b(data, key=key, digest_size=_DIGEST).hexdigest()


def _runs(quote_words: Sequence[str]) -> list[Sequence[str]]:
    return [quote_words[i : i + RUN] for i in range(len(quote_words) - RUN + 1)]
