"""Characters an identifier, a name or a note may not hold: control characters (a NUL that
PostgreSQL refuses, a line break that forges a line in a summary) and the invisible marks
that reverse the direction of text (U+202E shows "exe.txt" as "txt.exe"). Refused with a
sentence naming the character, never shown or stored."""

from __future__ import annotations

import re

from probity.engine.when.patterns import NONCHARACTERS

# C0 and C1 controls and DEL; Unicode's bidirectional embeddings, overrides, isolates and marks.
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ONE_LINE = re.compile(f"[{_CONTROLS}{_DIRECTION}]")
_DIRECTION_MARK = re.compile(f"[{_DIRECTION}]")
# Where lines are allowed (a note): a line break and a tab, nothing else of them.
_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_DIRECTION}]")


def problem(text: str, lines: bool = False) -> str | None:
    """Why `text` cannot be taken, in a sentence ("holds ..."), or None."""
    found = (_LINES if lines else _ONE_LINE).search(text) or NONCHARACTERS.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if _DIRECTION_MARK.fullmatch(char):
        return f"holds an invisible mark ({code}) that changes the direction of the text; remove it"
    if NONCHARACTERS.fullmatch(char):
        return f"holds a character Unicode reserves for internal use ({code}); remove it"
    return f"holds a control character ({code}); remove it"
