"""Read YAML keeping the line and column of every key and value.

A rule file is untrusted input (anyone with a `policy` token can send one), so its events are
screened before anything is built from them: size, nesting depth, scalar length, explicit
tags, numbers and dates that cannot be read, and aliases whose expansion would blow up (a
few hundred bytes of nested `&a [*b, *b, ...]` expand to billions of values). Each refusal
is a diagnostic at its line and column, never a traceback."""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NoReturn

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode

from probity.engine.errors import Code, Diagnostic

Path = tuple[str | int, ...]

MAX_BYTES = 2_000_000  # the largest shipped rule file is 60 kB
MAX_DEPTH = 40  # a rule file nests about 6 deep
MAX_SCALAR = 20_000  # characters in one value
MAX_VALUES = 200_000  # values once every alias is expanded
_LONG_NUMBER = re.compile(r"^[-+]?\d{40,}$")  # no rule file number needs 40 digits
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# libyaml's parser (PyYAML's C extension) reads the events, some forty times faster than a
# pure-Python parser (a rule file of 1,900 criteria took 7 s to read); ruamel.yaml types
# plain values as YAML 1.2 does ("yes" is text, 0o17 a number).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVE = YAML(typ="safe", pure=True)
_RESOLVING = threading.Lock()


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


def load(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML text into plain values and a source map, screening every event first;
    raise YamlSyntaxError (a diagnostic at file:line:col) for what is refused."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        _refuse(file, 1, 1, f"the file is over {MAX_BYTES // 1_000_000} MB; split it")
    builder = _Builder(file, SourceMap(file, text.splitlines()))
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.feed(event)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line, col = _position(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"the character U+{code:04X} (a control character) is not allowed here"
        raise YamlSyntaxError(Diagnostic(file, line, col, message, Code.YAML_SYNTAX)) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_syntax_error(file, exc)) from None
    return builder.document, builder.smap


# What the parser was reading when it gave up, for people: an unclosed bracket or quote is
# reported where it opened, which is where the fix is (the parser gives up lines later).
_UNCLOSED = {
    "flow sequence": "the list opened here with '[' is not closed with ']'",
    "flow mapping": "the group opened here with '{' is not closed with '}'",
    "quoted scalar": "the quoted text opened here is not closed with a matching quote",
}
_WITHIN = {
    "block mapping": "the block of keys that starts at line {line}",
    "block collection": "the list that starts at line {line}",
}


# The parser's words for the commonest slips, in a policy officer's.
_PLAINLY = {
    "mapping values are not allowed in this context": (
        "a second ': ' on this line; put a text that contains ': ' in quotes"
    ),
    "found unexpected end of stream": "the file ended first",
    "found character that cannot start any token": (
        "a character that cannot start a value here (a tab? indent with spaces)"
    ),
}


def _syntax_error(file: str, exc: yaml.MarkedYAMLError) -> Diagnostic:
    problem = (exc.problem or exc.context or "the YAML is not valid").strip()
    problem = _PLAINLY.get(problem, problem)
    gave_up, opened = exc.problem_mark, exc.context_mark
    if "nesting depth" in problem:  # libyaml's own limit, met before ours on [[[[...
        line, col = _mark(gave_up or opened)
        return Diagnostic(file, line, col, f"nested more than {MAX_DEPTH} deep", Code.YAML_SYNTAX)
    context = (exc.context or "").removeprefix("while parsing a ").removeprefix("while scanning a ")
    if opened is not None and gave_up is not None and context in _UNCLOSED:
        line, col = _mark(gave_up)
        message = (
            f"YAML syntax: {_UNCLOSED[context]} (line {line}, column {col} is where the "
            f"reading stopped: {problem})"
        )
        return Diagnostic(file, *_mark(opened), message, Code.YAML_SYNTAX)
    message = f"YAML syntax: {problem}"
    if opened is not None and gave_up is not None and context in _WITHIN:
        where = _WITHIN[context].format(line=opened.line + 1)
        message += f", in {where}; check this line's indentation against it"
    return Diagnostic(file, *_mark(gave_up or opened), message, Code.YAML_SYNTAX)


def _mark(mark: yaml.Mark | None) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


@dataclass
class _Open:
    """A mapping or list being built: where it is, its anchor, the values it stands for so
    far (aliases expanded), and for a mapping the key waiting for its value."""

    value: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    counted: int = 1
    key: str | None = None


class _Builder:
    """Builds plain values (dicts, lists, str, int, float, bool, None) from parser events,
    screening each first: nesting depth, scalar length, tags, unreadable numbers and dates,
    duplicate keys, and the values aliases expand to."""

    def __init__(self, file: str, smap: SourceMap) -> None:
        self.file = file
        self.smap = smap
        self.document: Any = None
        self.documents = 0
        self.open: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor → (value, values it stands for)
        self.expanded = 0

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                _refuse(self.file, *_at(event), "a rule file holds one YAML document")
        if isinstance(event, yaml.CollectionEndEvent):
            self._close()
        if not isinstance(event, yaml.NodeEvent):
            return
        tag = getattr(event, "tag", None)
        if tag and tag != "!":  # "!" marks text that is not to be typed
            _refuse(self.file, *_at(event), "YAML tags (!!…) are not allowed in rule files")
        if isinstance(event, yaml.AliasEvent):
            value, counted = self._alias(event)
        elif isinstance(event, yaml.ScalarEvent):
            value, counted = self._scalar(event), 1
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, counted)
        else:
            self._start(event)
            return
        self._place(event, value, counted)

    def _alias(self, event: yaml.AliasEvent) -> tuple[Any, int]:
        anchor = str(event.anchor)
        if anchor not in self.anchors:
            _refuse(self.file, *_at(event), f"*{anchor} refers to no &{anchor}")
        return self.anchors[anchor]

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        _check_scalar(event, self.file)
        if event.style or event.tag == "!":  # quoted or block: text as it is
            return event.value
        return _typed(event.value)

    def _start(self, event: yaml.NodeEvent) -> None:
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else []
        )
        path = self._place(event, container, 0)
        if len(self.open) >= MAX_DEPTH:
            _refuse(self.file, *_at(event), f"nested more than {MAX_DEPTH} deep")
        self.open.append(_Open(container, path, event.anchor))

    def _close(self) -> None:
        done = self.open.pop()
        if done.anchor is not None:
            self.anchors[done.anchor] = (done.value, done.counted)
        if self.open:
            self.open[-1].counted += done.counted

    def _place(self, event: yaml.NodeEvent, value: Any, counted: int) -> Path:
        """Put a value where it goes (a key, a mapping's value, a list item or the
        document), noting its position; the path it is at."""
        self.expanded += counted
        if self.expanded > MAX_VALUES:
            _refuse(
                self.file,
                *_at(event),
                f"the aliases (*) here expand the file to more than {MAX_VALUES:,} values; "
                "write the values out, or use fewer aliases",
            )
        if not self.open:
            self.document = value
            return ()
        parent = self.open[-1]
        parent.counted += counted
        where = _at(event)
        if isinstance(parent.value, list):
            path: Path = (*parent.path, len(parent.value))
            parent.value.append(value)
            self.smap.values[path] = where
            return path
        if parent.key is None:  # this is a key
            if isinstance(value, (dict, list)):
                _refuse(self.file, *where, "a key must be plain text")
            key = str(value)
            if key in parent.value:
                _refuse(self.file, *where, "YAML syntax: this key appears twice in the same block")
            parent.key = key
            self.smap.keys[(*parent.path, key)] = where
            return (*parent.path, key)
        path = (*parent.path, parent.key)
        parent.value[parent.key] = value
        parent.key = None
        self.smap.values[path] = where
        return path


def _check_scalar(event: yaml.ScalarEvent, file: str) -> None:
    value = event.value
    if len(value) > MAX_SCALAR:
        _refuse(file, *_at(event), f"a value of over {MAX_SCALAR:,} characters")
    if not event.style:  # plain: YAML would read numbers and dates from it
        if _LONG_NUMBER.match(value):
            _refuse(file, *_at(event), "a number of 40 or more digits cannot be right")
        if _DATE_LIKE.match(value):
            try:
                date(*(int(part) for part in value.split("-")))
            except ValueError:
                _refuse(file, *_at(event), f"{value} is not a date (write dates as YYYY-MM-DD)")


def _at(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _refuse(file: str, line: int, col: int, message: str) -> NoReturn:
    raise YamlSyntaxError(Diagnostic(file, line, col, message, Code.YAML_SYNTAX))


# The first characters of plain values YAML may read as something other than text.
_MAY_BE_TYPED = frozenset(str(k) for k in _RESOLVE.resolver.versioned_resolver if k)


@functools.lru_cache(maxsize=4096)  # rule files repeat values (levels, severities, true)
def _typed(text: str) -> Any:
    """A plain value as YAML 1.2 reads it: a number, true or false, null, or text (dates
    stay as their text)."""
    if text and text[0] not in _MAY_BE_TYPED:
        return text
    with _RESOLVING:  # the constructor keeps state: one value at a time
        tag = _RESOLVE.resolver.resolve(ScalarNode, text, (True, False))
        node = ScalarNode(tag, text)
        value = _RESOLVE.constructor.construct_object(node)
        _RESOLVE.constructor.constructed_objects.pop(node, None)  # else kept for ever
    return text if isinstance(value, (date, datetime)) else value


class YamlSyntaxError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
