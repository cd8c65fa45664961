"""Validated answers → the flat facts durable_rules sees.

Each input has a short key (see conditions.FactLayout); a list answer becomes its length
plus one yes/no flag per allowed value. Yes/no answers and flags are written 1 and 0, as
the compiled conditions expect: a fifth shorter for durable_rules to parse and echo back.
A rule set split into partitions gives each partition a fact holding only the answers its
rules read: less JSON for durable_rules to parse and to echo back in every action message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine import codegen
from engine.conditions import FactLayout
from engine.matcher import durable_number


class FactBuilder:
    def __init__(self, layout: FactLayout, partition_keys: Sequence[Sequence[str]]) -> None:
        self._keys = dict(layout.keys)
        # Per list input: its key, and (allowed value, flag key) for each allowed value.
        self._lists = {
            path: (key, tuple((v, f"{key}_{n}") for n, v in enumerate(layout.types[path].allowed)))
            for path, key in layout.keys.items()
            if layout.types[path].kind == "list"
        }
        self._numbers = {p for p, t in layout.types.items() if t.kind == "number"}
        self._booleans = {p for p, t in layout.types.items() if t.kind == "boolean"}
        # Per partition: (path, key) of each scalar answer its rules read, the number
        # answers among them, and the list paths.
        self._parts = []
        for keys in partition_keys:
            wanted = set(keys)
            scalars = tuple(
                (path, key)
                for path, key in layout.keys.items()
                if key in wanted
                and path not in self._lists
                and path not in self._numbers
                and path not in self._booleans
            )
            booleans = tuple(
                (path, key)
                for path, key in layout.keys.items()
                if key in wanted and path in self._booleans
            )
            numbers = tuple(
                (path, key)
                for path, key in layout.keys.items()
                if key in wanted and path in self._numbers
            )
            lists = tuple(
                path
                for path, (key, _) in self._lists.items()
                if any(k == key or k.startswith(key + "_") for k in wanted)
            )
            self._parts.append((scalars, booleans, numbers, lists))
        self._for_partitions = codegen.build(
            self._source(), "for_partitions", {"number": durable_number}, "fact builder"
        )

    def _source(self) -> str:
        """for_partitions() as straight-line code: one statement group per answer read."""
        lines = ["def for_partitions(values):", "    get = values.get"]
        for n, (scalars, booleans, numbers, lists) in enumerate(self._parts):
            lines.append(f"    p{n} = {{}}")
            for kind, pairs in (("", scalars), ("bool", booleans), ("number", numbers)):
                for path, key in pairs:
                    value = {"": "v", "bool": "(1 if v else 0)", "number": "number(v)"}[kind]
                    lines.append(f"    v = get({path!r})")
                    lines.append("    if v is not None:")
                    lines.append(f"        p{n}[{key!r}] = {value}")
            for path in lists:
                key, flags = self._lists[path]
                lines.append(f"    v = get({path!r})")
                lines.append("    if v is not None:")
                lines.append(f"        p{n}[{key!r}] = len(v)")
                lines.append("        chosen = v if len(v) <= 8 else set(v)")
                for option, flag in flags:
                    lines.append(f"        p{n}[{flag!r}] = 1 if {option!r} in chosen else 0")
        lines.append(f"    return [{', '.join(f'p{n}' for n in range(len(self._parts)))}]")
        return "\n".join(lines) + "\n"

    def fact(self, values: dict[str, Any]) -> dict[str, Any]:
        """One fact with every answer."""
        fact: dict[str, Any] = {}
        for path, value in values.items():
            if path in self._lists:
                self._add_list(fact, path, value)
            elif path in self._numbers:
                fact[self._keys[path]] = durable_number(value)
            elif path in self._booleans:
                fact[self._keys[path]] = 1 if value else 0
            else:
                fact[self._keys[path]] = value
        return fact

    def for_partitions(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        """One fact per partition, each with the answers that partition's rules read
        (a function generated per rule set: engine.codegen)."""
        facts: list[dict[str, Any]] = self._for_partitions(values)
        return facts

    def _add_list(self, fact: dict[str, Any], path: str, value: Sequence[str]) -> None:
        key, flags = self._lists[path]
        fact[key] = len(value)
        chosen = value if len(value) <= 8 else set(value)  # a long list: look up, not scan
        for option, flag in flags:
            fact[flag] = 1 if option in chosen else 0
