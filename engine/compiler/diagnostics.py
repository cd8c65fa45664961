"""The one record of problems that every compile stage reports into, so that a policy officer
sees every problem in a file at once, each at file:line:col with its stable code."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path as FilePath
from pathlib import PurePath

from probity.engine.compiler.yamlsource import SourceMap
from probity.engine.errors import Code, Diagnostic
from probity.engine.when.expression import ExpressionError, Pos

Path = tuple[str | int, ...]  # where in the rule file: keys and list indexes


class Diagnostics:
    """Problems found so far in one rule file, and where its conditions are."""

    def __init__(
        self, text: str, file: str, smap: SourceMap, folder: PurePath | None = None
    ) -> None:
        self.text, self.file, self.smap = text, file, smap
        # Where a test's `file:` is looked for: the rule set's own folder (the service passes
        # its rules folder; a file on disk, its directory), never the working directory.
        # None: a version compiled again elsewhere (a worker, a replay), whose tests were
        # checked when it was accepted; only the shape of the path is checked then.
        self.folder = folder
        self.problems: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []  # reported, but the file still compiles
        # Some parts of the file were dropped as unsound: checks over the whole file (weights
        # adding up, every principle scored) would only mislead, so they are skipped.
        self.partial = False
        self.positions: dict[str, tuple[int, int]] = {}  # rule name → where its condition is

    def fail(self, code: Code, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.smap.diagnostic(code, path, message, key=key))

    def warn(self, code: Code, path: Path, message: str, *, key: bool = False) -> None:
        found = self.smap.diagnostic(code, path, message, key=key)
        self.warnings.append(replace(found, severity="warning"))

    def fail_expr(self, code: Code, path: Path, error: ExpressionError) -> None:
        """A problem inside a `when` text, at its own line and column in the file."""
        line, col = self.expression_position(path, error.pos)
        self.problems.append(Diagnostic(self.file, line, col, error.message, code))

    def expression_position(self, path: Path, pos: Pos) -> tuple[int, int]:
        line, col = self.smap.at(path)
        first = self.smap.lines[line - 1][col - 1 : col] if line <= len(self.smap.lines) else ""
        if first in ("|", ">"):  # block scalar: the text starts on the next line, indented
            target = line + pos.line
            source = self.smap.lines[target - 1] if target <= len(self.smap.lines) else ""
            return target, len(source) - len(source.lstrip()) + pos.col
        quote = 1 if first in ("'", '"') else 0
        return line + pos.line - 1, (col + quote if pos.line == 1 else 0) + pos.col - 1

    def duplicates(self, section: str, ids: Iterable[str], what: str) -> None:
        seen: Counter[str] = Counter()
        for index, ident in enumerate(ids):
            seen[ident] += 1
            if seen[ident] == 2:
                self.fail(Code.DUPLICATE, (section, index), f"duplicate {what} '{ident}'")

    def test_file(self, where: Path, name: str) -> None:
        """A test's `file:` must be a file inside the rule set's folder."""
        inside = PurePath(name)
        # A name no file system takes (a part over 255 characters) is no file either: the
        # check below would fail with "File name too long" instead of saying so.
        too_long = len(name) > 500 or any(len(part) > 255 for part in inside.parts)
        if too_long or inside.is_absolute() or ".." in inside.parts:
            self.fail(
                Code.TESTS,
                where,
                "a test's file must be a path inside the rule set's folder, like "
                "examples/strong.json",
            )
        elif self.folder is not None and not FilePath(self.folder, inside).is_file():
            self.fail(Code.TESTS, where, f"no file '{name}' next to the rule file")
