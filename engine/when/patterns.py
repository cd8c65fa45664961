"""Keep `matches` patterns inside what durable_rules' regex engine handles safely.

durable_rules compiles a pattern to a state machine of fixed size. Seen here: nested
quantifiers ("(a*b*)*" three times) hang or kill the process, and many counted repetitions
("[a-z]{1,9}" forty times) corrupt its heap, and more than about 4,096 characters that a
state can go on with ("[Ā-ᄀ]", "[一-龥]", or two classes of 2,048 joined by |) kill the
process. So the characters a pattern's classes and literals name are bounded, with a margin.
Patterns are therefore limited to a safe subset, checked before durable_rules ever sees them.
Returns the reason a pattern is refused.
"""

from __future__ import annotations

import re

MAX_LENGTH = 200
MAX_COUNTED = 4
MAX_COUNT = 50
# Characters a pattern may name in all its classes and literals together: half of the
# 4,096 at which durable_rules' state machine overflows, since alternatives and repeats can
# put several classes' characters on one state (seen: [Ā-ჾ]|x crashes, [Ā-ჿ] alone does not).
MAX_SYMBOLS = 2048
_COUNTED = re.compile(r"\{(\d+)(,(\d*))?\}")
# durable_rules' regex engine has no anchors, shorthand classes, look-arounds or back-references.
_UNSUPPORTED = re.compile(r"\(\?|\\[1-9bBdDwWsSAZ]|[\^$]")


def problem(pattern: str) -> str | None:
    """Why the pattern cannot be used, or None when it can."""
    if len(pattern) > MAX_LENGTH:
        return f"the pattern is longer than {MAX_LENGTH} characters"
    if _UNSUPPORTED.search(pattern):
        return (
            "the pattern uses a feature that is not supported (anchors, \\d, \\w, groups "
            "with '?', back-references); the pattern always matches the whole text"
        )
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"the pattern is not valid: {exc.msg}"
    return _shape(pattern)


_EMPTY = re.compile(r"^\||\|$|\|\||\(\||\|\)|\(\)")


def _shape(pattern: str) -> str | None:
    if _EMPTY.search(pattern.replace("\\|", "").replace("\\(", "").replace("\\)", "")):
        return "the pattern has an empty alternative or group (like a|, || or ())"
    symbols = 0  # characters named by classes and literals so far
    groups: list[bool] = []  # for each open group: does it hold a quantifier yet?
    last_group_quantified = False  # the group just closed held a quantifier
    after_quantifier = False  # the previous token was a quantifier
    counted = 0
    n = 0
    while n < len(pattern):
        char = pattern[n]
        quantifier = char in "*+?" or (char == "{" and _COUNTED.match(pattern, n))
        if quantifier and after_quantifier:
            return "one repetition may not follow another (like a*+ or a{1,9}?)"
        after_quantifier = bool(quantifier)
        if char == "\\":
            n += 2
            symbols += 1
            last_group_quantified = False
            continue
        if char == "[":  # a class: skip to its end
            end = pattern.find("]", n + 2 if pattern[n + 1 : n + 2] == "]" else n + 1)
            end = end if end > 0 else len(pattern)
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
                found = _COUNTED.match(pattern, n)
                assert found is not None
                counted += 1
                most = found.group(3) or found.group(1)
                if counted > MAX_COUNTED or (most and int(most) > MAX_COUNT):
                    return (
                        f"use at most {MAX_COUNTED} counted repetitions {{n,m}}, "
                        f"each at most {MAX_COUNT}"
                    )
                if found.group(2) and not found.group(3):
                    return "give counted repetitions an upper bound, like {2,10}"
                n = found.end()
                continue
        if not quantifier and char not in "()|.":
            symbols += 1
        last_group_quantified = False
        n += 1
    if symbols > MAX_SYMBOLS:
        return f"the pattern names more than {MAX_SYMBOLS:,} characters: use narrower ranges"
    return None


def class_width(body: str) -> int:
    """How many characters a class body ("a-z0-9_") stands for, counting each range."""
    chars: list[str] = []
    n = 0
    while n < len(body):
        if body[n] == "\\" and n + 1 < len(body):
            chars.append(body[n + 1])
            n += 2
        else:
            chars.append(body[n])
            n += 1
    width, n = 0, 0
    while n < len(chars):
        if n + 2 < len(chars) and chars[n + 1] == "-":
            width += max(0, ord(chars[n + 2]) - ord(chars[n]) + 1)
            n += 3
        else:
            width += 1
            n += 1
    return width
