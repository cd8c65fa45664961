"""Read YAML keeping the line and column of every key and value (ruamel.yaml).

A rule file is untrusted input (anyone with a `policy` token can send one), so its events are
screened before anything is built from them: size, nesting depth, scalar length, explicit
tags, numbers and dates that cannot be read, and aliases whose expansion would blow up (a
few hundred bytes of nested `&a [*b, *b, ...]` expand to billions of values). Each refusal
is a diagnostic at its line and column, never a traceback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.reader import ReaderError

from probity.engine.errors import Code, Diagnostic

Path = tuple[str | int, ...]

MAX_BYTES = 2_000_000  # the largest shipped rule file is 60 kB
MAX_DEPTH = 40  # a rule file nests about 6 deep
MAX_SCALAR = 20_000  # characters in one value
MAX_VALUES = 200_000  # values once every alias is expanded
_LONG_NUMBER = re.compile(r"^[-+]?\d{40,}$")  # no rule file number needs 40 digits
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass
class SourceMap:
    """Where each path of a YAML document is, 1-based."""

    file: str
    lines: list[str]
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of a path's value (or key), else of its nearest ancestor."""
        probe = path
        while probe:
            first, second = (self.keys, self.values) if key else (self.values, self.keys)
            for table in (first, second):
                if probe in table:
                    return table[probe]
            probe = probe[:-1]
            key = True
        return (1, 1)

    def diagnostic(self, code: Code, path: Path, message: str, *, key: bool = False) -> Diagnostic:
        line, col = self.at(path, key=key)
        return Diagnostic(self.file, line, col, message, code)


def _plain(node: Any, path: Path, smap: SourceMap) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            kl, kc, vl, vc = node.lc.data[key]
            smap.keys[child] = (kl + 1, kc + 1)
            smap.values[child] = (vl + 1, vc + 1)
            out[str(key)] = _plain(value, child, smap)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, col = node.lc.data[index]
            smap.values[(*path, index)] = (line + 1, col + 1)
            items.append(_plain(value, (*path, index), smap))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return str(node)  # dates and other YAML scalars stay as their text


def load(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML text; raise a Diagnostic-carrying ValueError on a syntax error."""
    smap = SourceMap(file, text.splitlines())
    yaml = YAML(typ="rt")
    try:
        _screen(yaml, text, file)
        document = yaml.load(text)
    except ReaderError as exc:  # a character YAML does not allow (a control character)
        line, col = _position(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"the character U+{code:04X} (a control character) is not allowed here"
        raise YamlSyntaxError(Diagnostic(file, line, col, message, Code.YAML_SYNTAX)) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "the YAML is not valid").strip()
        if "found duplicate key" in str(exc):
            problem = "this key appears twice in the same block"
        message = f"YAML syntax: {problem}"
        raise YamlSyntaxError(Diagnostic(file, line, col, message, Code.YAML_SYNTAX)) from None
    return _plain(document, (), smap), smap


def _screen(yaml: YAML, text: str, file: str) -> None:
    """Refuse what would be unsafe or unreadable to build, before building anything."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        _refuse(file, 1, 1, f"the file is over {MAX_BYTES // 1_000_000} MB; split it")
    sizes: dict[str, int] = {}  # anchor → values it stands for, expanded
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, values so far) per open node
    expanded = 0
    for event in yaml.parse(text):
        counted = 0
        if isinstance(event, AliasEvent):
            counted = sizes.get(str(event.anchor), 1)
        elif isinstance(event, ScalarEvent):
            _check_scalar(event, file)
            counted = 1
        if isinstance(event, NodeEvent) and getattr(event, "tag", None):
            _refuse(file, *_at(event), "YAML tags (!!…) are not allowed in rule files")
        if isinstance(event, CollectionStartEvent):
            open_nodes.append((event.anchor, 1))
            if len(open_nodes) > MAX_DEPTH:
                _refuse(file, *_at(event), f"nested more than {MAX_DEPTH} deep")
            continue
        if isinstance(event, CollectionEndEvent):
            anchor, counted = open_nodes.pop()
            if anchor is not None:
                sizes[str(anchor)] = counted
            if open_nodes:
                open_nodes[-1] = (open_nodes[-1][0], open_nodes[-1][1] + counted)
            continue
        if isinstance(event, ScalarEvent) and event.anchor is not None:
            sizes[str(event.anchor)] = 1
        if counted and open_nodes:
            open_nodes[-1] = (open_nodes[-1][0], open_nodes[-1][1] + counted)
        expanded += counted
        if expanded > MAX_VALUES:
            _refuse(
                file,
                *_at(event),
                f"the aliases (*) here expand the file to more than {MAX_VALUES:,} values; "
                "write the values out, or use fewer aliases",
            )


def _check_scalar(event: ScalarEvent, file: str) -> None:
    value = event.value
    if len(value) > MAX_SCALAR:
        _refuse(file, *_at(event), f"a value of over {MAX_SCALAR:,} characters")
    if event.style is None:  # plain: YAML would read numbers and dates from it
        if _LONG_NUMBER.match(value):
            _refuse(file, *_at(event), "a number of 40 or more digits cannot be right")
        if _DATE_LIKE.match(value):
            try:
                date(*(int(part) for part in value.split("-")))
            except ValueError:
                _refuse(file, *_at(event), f"{value} is not a date (write dates as YYYY-MM-DD)")


def _at(event: Event) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _refuse(file: str, line: int, col: int, message: str) -> None:
    raise YamlSyntaxError(Diagnostic(file, line, col, message, Code.YAML_SYNTAX))


class YamlSyntaxError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
