"""Answers and counts as sentences for people show them: an allowed value by its label
("co-designed with service users", not co_designed), a list joined in words without
repeats ("knowledge transfer and joint services"), yes and no, whole numbers without a
fraction, and a count agreeing with what follows it ("1 claim was", "2 claims were";
"request(s)" is never shown). Explanations, evidence, reports and forms all write answers
through here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import inflection

Labels = Mapping[str, str]


def answer(value: Any, labels: Labels | None = None) -> str:
    """How an answer reads inside a sentence."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        shown = list(dict.fromkeys(answer(v, labels) for v in value))
        return joined(shown) if shown else "none"
    if isinstance(value, str) and labels:
        return labels.get(value, value)
    return str(value)


def joined(items: Sequence[str], last: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# A count's noun: the first of the next few words that is a plural (or written "word(s)"),
# and the first verb after it that agrees with it.
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*(?:\(s\))?")
# The words straight after a count (spaces between, nothing else): "1 of 4 points" has no
# noun of the count's ("of" stops nothing, but "4" does).
_RIGHT_AFTER = re.compile(r"^(?:\s+[A-Za-z][A-Za-z'-]*(?:\(s\))?){1,3}")
_VERBS = {"were": "was", "are": "is", "have": "has"}


def counted(count: Any, after: str) -> str:
    """The text that follows a count, made to agree with it: "1 times a year" reads
    "once a year" (said by `count_text`), "1 claims were" reads "1 claim was", and "(s)" is
    resolved either way."""
    if isinstance(count, bool) or not isinstance(count, int | float):
        return after
    one = count == 1
    right_after = _RIGHT_AFTER.match(after)
    words = list(_WORD.finditer(right_after.group() if right_after else ""))
    noun = None
    for match in words:  # at most three: _RIGHT_AFTER
        word = match.group()
        if word.endswith("(s)") or (one and _singular(word)):
            noun = match
            break
    if noun is None:
        return after.replace("(s)", "" if one else "s")
    word = noun.group()
    if word.endswith("(s)"):
        replaced = word[:-3] if one else word[:-3] + "s"
    else:
        replaced = _singular(word) or word
    text = after[: noun.start()] + replaced + after[noun.end() :]
    if one:
        text = _agreeing_verb(text, noun.start() + len(replaced))
    return text.replace("(s)", "" if one else "s")


def count_text(count: Any, after: str) -> tuple[str, str]:
    """A count and the text after it, agreeing: (shown count, following text)."""
    if count == 1 and not isinstance(count, bool) and re.match(r"\s+times?\b", after):
        return "once", re.sub(r"^\s+times?", "", after)
    return answer(count), counted(count, after)


def _agreeing_verb(text: str, start: int) -> str:
    for match in re.finditer(r"\b(were|are|have)\b", text[start:]):
        at = start + match.start()
        return text[:at] + _VERBS[match.group()] + text[at + len(match.group()) :]
    return text


# Words ending in s that are not plural nouns: inflection's singularize would cut their s
# ("was" → "wa"), as it reads any word as a noun.
_NOT_PLURAL = frozenset(
    [
        "was",
        "has",
        "does",
        "its",
        "yes",
        "always",
        "whereas",
        "as",
        "his",
        "hers",
        "ours",
        "yours",
        "theirs",
        "besides",
        "sometimes",
        "towards",
        "afterwards",
        "upwards",
        "downwards",
        "perhaps",
        "news",
        "series",
        "species",
        "lens",
        "gas",
        "bias",
        "alias",
        "canvas",
        "atlas",
    ]
)


@lru_cache(maxsize=1024)
def _singular(word: str) -> str | None:
    """The singular of a plural noun, else None."""
    lowered = word.lower()
    if (
        len(word) < 3
        or not lowered.endswith("s")
        or lowered.endswith(("ss", "is", "us"))
        or lowered in _NOT_PLURAL
    ):
        return None
    found = inflection.singularize(word)
    return found if found != word else None
