"""Validated answers → the flat facts durable_rules sees.

Each input has a short key (see conditions.FactLayout); a list answer becomes its length
plus one yes/no flag per allowed value. Yes/no answers and flags are written 1 and 0, as
the compiled conditions expect: a fifth shorter for durable_rules to parse and echo back.
A rule set split into partitions gives each partition a fact holding only the answers its
rules read: less JSON for durable_rules to parse and to echo back in every action message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from probity.engine.compiler.conditions import FactLayout, pattern_key
from probity.engine.evaluation import codegen
from probity.engine.evaluation.numbers import durable_number
from probity.engine.periods import day_number
from probity.engine.when.patterns import fullmatcher

# Else the answer itself. A date (ISO text) becomes its day number, to compare with others.
_VALUE = {"number": "number(v)", "boolean": "(1 if v else 0)", "date": "day(v)"}


def _day(text: str) -> int:
    return day_number(date.fromisoformat(text))


_NAMES = {"number": durable_number, "day": _day}


class FactBuilder:
    def __init__(self, layout: FactLayout, partition_keys: Sequence[Sequence[str]]) -> None:
        # Per list input: its key, and (allowed value, flag key) for each allowed value.
        self._lists = {
            path: (key, tuple((v, f"{key}_{n}") for n, v in enumerate(layout.types[path].allowed)))
            for path, key in layout.keys.items()
            if layout.types[path].kind == "list"
        }
        # (path, key, kind) of every input, in layout order; a list input's flags count as
        # its own keys.
        fields = [(path, key, layout.types[path].kind) for path, key in layout.keys.items()]
        # Per text input with `matches` patterns: (flag key, matcher name) for each pattern;
        # the matchers (RE2, engine.when.patterns) are in the generated code's namespace.
        self._patterns: dict[str, list[tuple[str, str]]] = {}
        names: dict[str, object] = dict(_NAMES)
        for path, found in layout.patterns.items():
            key = layout.keys[path]
            for n, pattern in enumerate(found):
                name = f"match_{key}_{n}"
                names[name] = fullmatcher(pattern)
                self._patterns.setdefault(path, []).append((pattern_key(key, n), name))

        def reads(key: str, wanted: set[str]) -> bool:
            # the key itself, a list's flag (key_n) or a pattern's flag (key0_n)
            return key in wanted or any(k.startswith((key + "_", key + "0_")) for k in wanted)

        # Each partition's fact has only the keys its rules read: of a list input, maybe
        # only its length or one of its flags. Every key is one more for durable_rules to
        # parse, and to echo back in each action message whose rule the fact matched.
        parts = [
            ([f for f in fields if reads(f[1], set(keys))], set(keys)) for keys in partition_keys
        ]
        self._for_partitions = codegen.build(self._source(parts), "facts", names, "fact builder")
        whole = self._source([(fields, None)])
        self._whole = codegen.build(whole, "facts", names, "whole-fact builder")

    def _source(
        self, parts: Sequence[tuple[Sequence[tuple[str, str, str]], set[str] | None]]
    ) -> str:
        """facts(values) -> one fact per part, as straight-line code (engine.codegen). A part
        is its inputs (path, key, kind) and the keys wanted of them (None: every key)."""
        lines = ["def facts(values):", "    get = values.get"]
        for n, (fields, wanted) in enumerate(parts):
            lines.append(f"    p{n} = {{}}")
            for path, key, kind in fields:
                lines.append(f"    v = get({path!r})")
                lines.append("    if v is not None:")
                if kind != "list":
                    if wanted is None or key in wanted:
                        lines.append(f"        p{n}[{key!r}] = {_VALUE.get(kind, 'v')}")
                    # A flag per `matches` pattern read: in whole facts, every one.
                    for flag, matcher in self._patterns.get(path, ()):
                        if wanted is None or flag in wanted:
                            lines.append(f"        p{n}[{flag!r}] = 1 if {matcher}(v) else 0")
                    continue
                if wanted is None or key in wanted:
                    lines.append(f"        p{n}[{key!r}] = len(v)")
                flags = [(o, f) for o, f in self._lists[path][1] if wanted is None or f in wanted]
                if flags:
                    lines.append("        chosen = v if len(v) <= 8 else set(v)  # long: look up")
                for option, flag in flags:
                    lines.append(f"        p{n}[{flag!r}] = 1 if {option!r} in chosen else 0")
        lines.append(f"    return [{', '.join(f'p{n}' for n in range(len(parts)))}]")
        return "\n".join(lines) + "\n"

    def fact(self, values: dict[str, Any]) -> dict[str, Any]:
        """One fact with every answer."""
        whole: dict[str, Any] = self._whole(values)[0]
        return whole

    def for_partitions(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        """One fact per partition, each with the answers that partition's rules read."""
        facts: list[dict[str, Any]] = self._for_partitions(values)
        return facts
