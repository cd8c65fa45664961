r"""`matches` patterns: one dialect, checked, and matched by RE2 beside durable_rules.

The dialect is a subset of Python's regular expressions, always matching the whole text:
characters, `.` (any one character, a line break too), classes `[a-z]`, groups, `|`,
`*`, `+`, `?` and counted repetition `{n}`, `{n,m}`, `{,m}`; `\` before a punctuation
character makes it plain, and `\n`, `\r`, `\t` are a line break, a return and a tab.
Its reference implementation is `re.fullmatch(pattern, text, re.DOTALL)`.

Patterns are matched by RE2 (`fullmatcher`), as the facts are built: each condition
`field matches "p"` becomes a yes/no flag in the fact, and durable_rules only compares the
flag. durable_rules' own regex engine gave wrong answers (".*ab." did not match "aba"),
and hung or crashed on patterns it could not hold; RE2 is an automaton, linear in the text,
and agrees with the reference on the whole dialect (a property test holds it to that).

The dialect stays the small, safe subset it was when durable_rules matched: no nested
repetition, at most four counted repetitions of at most 50, a bounded alphabet. Nothing a
rule file may write can make a pattern expensive, whichever engine runs it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import re2  # type: ignore[import-untyped]

MAX_LENGTH = 200
MAX_COUNTED = 4
MAX_COUNT = 50
# Counted repetitions of variable length multiply the states of durable_rules' regex machine:
# `.{2,45}[a-z]{2,45}` (44 × 44 lengths) is refused with "error code: 503" where
# `.{2,40}[a-z]{2,40}` (39 × 39) is taken. Their ranges multiplied stay under this.
MAX_LENGTHS = 1024
# Characters a pattern may name in all its classes and literals together: half of the
# 4,096 at which durable_rules' state machine overflows, since alternatives and repeats can
# put several classes' characters on one state (seen: [Ā-ჾ]|x crashes, [Ā-ჿ] alone does not).
MAX_SYMBOLS = 2048
# durable_rules' regex engine has no anchors, shorthand classes, look-arounds or back-references.
_UNSUPPORTED = re.compile(r"\(\?|\\[1-9bBdDwWsSAZ]|[\^$]")
# Escapes other than punctuation made plain and \n, \r, \t (\a, \x41, \u00e9, \N{...}).
_OTHER_ESCAPE = re.compile(r"\\[A-Za-mo-qsu-z0-9]")
_BRACES = re.compile(r"\{(\d*)(,(\d*))?\}")
# Unicode's noncharacters: U+FDD0 to U+FDEF and the last two code points of every plane.
NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


def problem(pattern: str) -> str | None:
    """Why the pattern cannot be used, or None when it can."""
    if len(pattern) > MAX_LENGTH:
        return f"the pattern is longer than {MAX_LENGTH} characters"
    unescaped = _without_escaped_backslashes(pattern)
    if _UNSUPPORTED.search(unescaped):
        return (
            "the pattern uses a feature that is not supported (anchors, \\d, \\w, groups "
            "with '?', back-references); the pattern always matches the whole text"
        )
    if _OTHER_ESCAPE.search(unescaped):
        return (
            "in a pattern, \\ goes only before a punctuation character (\\. is a full "
            "stop) or as \\n, \\r or \\t"
        )
    if NONCHARACTERS.search(pattern):
        return "the pattern holds a character Unicode reserves for internal use"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"the pattern is not valid: {exc.msg}"
    if not all(_counted(pattern, n) for n, char in _unescaped(pattern) if char == "{"):
        return "write { and } as \\{ and \\} unless they count a repetition, like {2,10}"
    if _EMPTY.search(pattern.replace("\\|", "").replace("\\(", "").replace("\\)", "")):
        return "the pattern has an empty alternative or group (like a|, || or ())"
    return _shape(pattern)


def _without_escaped_backslashes(pattern: str) -> str:
    """The pattern with each \\\\ (a plain backslash) blanked, so that what follows it is
    not read as escaped."""
    return pattern.replace("\\\\", "  ")


def _unescaped(pattern: str) -> list[tuple[int, str]]:
    """(position, character) of each character not made plain by a backslash."""
    found, n = [], 0
    while n < len(pattern):
        if pattern[n] == "\\":
            n += 2
            continue
        found.append((n, pattern[n]))
        n += 1
    return found


def _counted(pattern: str, position: int) -> bool:
    """Is the { at `position` a counted repetition ({n}, {n,m}, {,m})?"""
    found = _BRACES.match(pattern, position)
    return found is not None and bool(found.group(1) or found.group(3))


_EMPTY = re.compile(r"^\||\|$|\|\||\(\||\|\)|\(\)")


def _shape(pattern: str) -> str | None:
    """What the rules engine cannot hold in a valid pattern (stacked repetitions, sizes)."""
    symbols = 0  # characters named by classes and literals so far
    groups: list[bool] = []  # for each open group: does it hold a quantifier yet?
    last_group_quantified = False  # the group just closed held a quantifier
    after_quantifier = False  # the previous token was a quantifier
    counted = 0
    lengths = 1  # the ranges of the counted repetitions so far, multiplied
    n = 0
    while n < len(pattern):
        char = pattern[n]
        quantifier = char in "*+?" or (char == "{" and _BRACES.match(pattern, n))
        if quantifier and after_quantifier:
            return "one repetition may not follow another (like a*+ or a{1,9}?)"
        after_quantifier = bool(quantifier)
        if char == "\\":
            n += 2
            symbols += 1
            last_group_quantified = False
            continue
        if char == "[":  # a class: skip to its end
            end = _unchecked_class_end(pattern, n)
            symbols += class_width(pattern[n + 1 : end])
            if symbols > MAX_SYMBOLS:
                return (
                    f"the pattern's character classes [...] name more than {MAX_SYMBOLS:,} "
                    "characters, more than the rules engine can hold: use narrower ranges"
                )
            n = end + 1
            last_group_quantified = False
            continue
        if char == "(":
            groups.append(False)
        elif char == ")":
            last_group_quantified = groups.pop() if groups else False
            if groups and last_group_quantified:
                groups[-1] = True
            n += 1
            continue
        elif quantifier:
            if last_group_quantified:
                return "a repeated group may not itself contain a repetition (like (a*b)*)"
            if groups:
                groups[-1] = True
            if char == "{":
                found = _BRACES.match(pattern, n)
                assert found is not None
                counted += 1
                problem = _count_problem(found, counted)
                if problem is not None:
                    return problem
                least = int(found.group(1) or 0)
                lengths *= (int(found.group(3)) if found.group(2) else least) - least + 1
                n = found.end()
                continue
        if not quantifier and char not in "()|.":
            symbols += 1
        last_group_quantified = False
        n += 1
    return _size_problem(symbols, lengths)


def _unchecked_class_end(pattern: str, start: int) -> int:
    """Where the class opened at `start` ends, in a pattern not yet known to be well formed
    (its "]", else the pattern's end; a "]" first in the class is a member)."""
    end = pattern.find("]", start + 2 if pattern[start + 1 : start + 2] == "]" else start + 1)
    return end if end > 0 else len(pattern)


def _count_problem(found: re.Match[str], counted: int) -> str | None:
    """What is wrong with the `counted`th counted repetition {n,m}, if anything."""
    most = found.group(3) or found.group(1)
    if counted > MAX_COUNTED or (most and int(most) > MAX_COUNT):
        return f"use at most {MAX_COUNTED} counted repetitions {{n,m}}, each at most {MAX_COUNT}"
    if found.group(2) and not found.group(3):
        return "give counted repetitions an upper bound, like {2,10}"
    return None


def _size_problem(symbols: int, lengths: int) -> str | None:
    if symbols > MAX_SYMBOLS:
        return f"the pattern names more than {MAX_SYMBOLS:,} characters: use narrower ranges"
    if lengths > MAX_LENGTHS:
        return (
            "these counted repetitions allow too many lengths together for the rules engine "
            f"(their ranges multiplied are over {MAX_LENGTHS:,}): narrow them"
        )
    return None


def class_width(body: str) -> int:
    """How many characters a class body ("a-z0-9_") stands for, counting each range."""
    return sum(max(0, high - low + 1) for low, high in _ranges(body))


# -- matching: RE2, outside durable_rules ----------------------------------------------------
_PLAIN_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}


@functools.lru_cache(maxsize=512)
def fullmatcher(pattern: str) -> Callable[[str], bool]:
    """Does a text match an accepted pattern (problem() is None) whole? The same answer as
    the reference, re.fullmatch(pattern, text, re.DOTALL), in time linear in the text: RE2
    runs an automaton, so no pattern backtracks (Python's re takes exponential time on
    (a|a)*b against a long run of a's)."""
    compiled = re2.compile("(?s)" + _re2_dialect(pattern))
    fullmatch = compiled.fullmatch
    return lambda text: fullmatch(text) is not None


def _re2_dialect(pattern: str) -> str:
    """The pattern as RE2 reads it: {,m} ("0 to m" in Python) written {0,m}, which RE2
    would otherwise read as the characters themselves. Classes and escapes are copied."""
    out, n = [], 0
    while n < len(pattern):
        if pattern[n] == "\\":
            out.append(pattern[n : n + 2])
            n += 2
        elif pattern[n] == "[":
            end = _class_end(pattern, n)
            out.append(pattern[n : end + 1])
            n = end + 1
        elif pattern.startswith("{,", n):
            out.append("{0,")
            n += 2
        else:
            out.append(pattern[n])
            n += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """The position of the ] closing the class opened at `start` (a ] first is plain)."""
    n = start + 2 if pattern[start + 1 : start + 2] == "]" else start + 1
    while pattern[n] != "]":
        n += 2 if pattern[n] == "\\" else 1
    return n


def _ranges(body: str) -> list[tuple[int, int]]:
    """The (first, last) code points a class body names."""
    chars: list[str] = []
    plain: list[bool] = []  # False for a - that marks a range
    n = 0
    while n < len(body):
        if body[n] == "\\" and n + 1 < len(body):
            chars.append(_PLAIN_ESCAPES.get(body[n + 1], body[n + 1]))
            plain.append(True)
            n += 2
        else:
            chars.append(body[n])
            plain.append(body[n] != "-")
            n += 1
    ranges, n = [], 0
    while n < len(chars):
        if n + 2 < len(chars) and not plain[n + 1]:
            ranges.append((ord(chars[n]), ord(chars[n + 2])))
            n += 3
        else:
            ranges.append((ord(chars[n]), ord(chars[n])))
            n += 1
    return ranges
