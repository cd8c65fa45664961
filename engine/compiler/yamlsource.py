"""Read YAML keeping the line and column of every key and value (ruamel.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from probity.engine.errors import Code, Diagnostic

Path = tuple[str | int, ...]


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
        document = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "the YAML is not valid").strip()
        if "found duplicate key" in str(exc):
            problem = "this key appears twice in the same block"
        message = f"YAML syntax: {problem}"
        raise YamlSyntaxError(Diagnostic(file, line, col, message, Code.YAML_SYNTAX)) from None
    return _plain(document, (), smap), smap


class YamlSyntaxError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic
