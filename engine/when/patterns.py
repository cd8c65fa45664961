"""Keep `matches` patterns inside what durable_rules' regex engine handles safely.

durable_rules compiles a pattern to a state machine of fixed size. Seen here: nested
quantifiers ("(a*b*)*" three times) hang or kill the process, and many counted repetitions
("[a-z]{1,9}" forty times) corrupt its heap. Patterns are therefore limited to a safe subset,
checked before durable_rules ever sees them. Returns the reason a pattern is refused.
"""

from __future__ import annotations

import re

MAX_LENGTH = 200
MAX_COUNTED = 4
MAX_COUNT = 50
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
            last_group_quantified = False
            continue
        if char == "[":  # a class: skip to its end
            end = pattern.find("]", n + 2 if pattern[n + 1 : n + 2] == "]" else n + 1)
            n = end + 1 if end > 0 else len(pattern)
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
        last_group_quantified = False
        n += 1
    return None
