"""The rule sets a service holds: loaded from a folder, published, reloaded, swapped atomically.

Readers take the current catalogue, an immutable snapshot, and keep it for the whole of
their work: an evaluation that started on one version finishes on it whatever is published
meanwhile. Writers build a new catalogue and swap it in one assignment, under a lock, and
only after the new text has passed every check: a broken version never replaces a working
one.

Versions only go forward: a rule set's new version must be above its active one, and one
version number never names two different texts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import semver

from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text, load_file
from probity.engine.compiler.sources import Citations
from probity.engine.errors import Code, Diagnostic, RuleFileError, RulesetConflict, UnknownRuleset
from probity.engine.evaluation.acceptance import refusals
from probity.engine.sources.library import SourceLibrary, load_library

RULE_FILE_SUFFIXES = (".yaml", ".yml")
SOURCES_FOLDER = "sources"  # the source library, inside a rules folder


@dataclass(frozen=True)
class Catalogue:
    """Every version held, and which is active, per rule set id."""

    active: Mapping[str, CompiledRuleSet] = field(default_factory=dict)
    versions: Mapping[str, Mapping[str, CompiledRuleSet]] = field(default_factory=dict)

    def get(self, ruleset_id: str, version: str = "") -> CompiledRuleSet:
        if version:
            found = self.versions.get(ruleset_id, {}).get(version)
        else:
            found = self.active.get(ruleset_id)
        if found is None:
            held = self.versions.get(ruleset_id)
            if version and held:  # the rule set is known: say which versions are held
                raise UnknownRuleset(ruleset_id, version, sorted(held, key=_key), True)
            raise UnknownRuleset(ruleset_id, version, sorted(self.active))
        return found

    def with_version(self, ruleset: CompiledRuleSet) -> Catalogue:
        active = dict(self.active)
        active[ruleset.id] = ruleset
        versions = {k: dict(v) for k, v in self.versions.items()}
        versions.setdefault(ruleset.id, {})[ruleset.version] = ruleset
        return Catalogue(MappingProxyType(active), MappingProxyType(versions))


def _key(version: str) -> semver.Version:
    return semver.Version.parse(version)


def conflict(catalogue: Catalogue, ruleset: CompiledRuleSet) -> str | None:
    """Why `ruleset` may not become the active version, or None if it may."""
    held = catalogue.versions.get(ruleset.id, {}).get(ruleset.version)
    if held is not None and held.digest != ruleset.digest:
        return (
            f"version {ruleset.version} of {ruleset.id} is already published with different "
            "content; give the changed rule set a new version number"
        )
    active = catalogue.active.get(ruleset.id)
    if active is not None and held is None and _key(ruleset.version) < _key(active.version):
        return (
            f"version {ruleset.version} is below the active version {active.version} of "
            f"{ruleset.id}; versions only go forward"
        )
    return None


# Asks durable_rules whether it takes a compiled rule set: nothing if it does, else why
# not. The service passes workers.acceptance.Acceptance().refusals, which asks in a child
# process; in-process asking is for tools and tests.
Accept = Callable[[CompiledRuleSet], list[Diagnostic]]


def check_text(
    text: str,
    file: str,
    accept: Accept = refusals,
    library: SourceLibrary | None = None,
    citations: Citations | None = None,
    folder: Path | None = None,
) -> CompiledRuleSet:
    """Compile rule-file text and ask durable_rules to accept it; RuleFileError if not.
    `library` checks its quotes; `citations` are those of a version checked before; a
    test's `file:` is looked for in `folder` (else beside `file`)."""
    return _accepted(compile_text(text, file, library, citations, folder), accept)


def _accepted(ruleset: CompiledRuleSet, accept: Accept) -> CompiledRuleSet:
    refused = accept(ruleset)
    if refused:
        raise RuleFileError(refused)
    return ruleset


def library_of(folder: Path) -> SourceLibrary:
    """The source library of a rules folder (empty when it has none)."""
    return load_library(folder / SOURCES_FOLDER)


class Registry:
    """The service's rule sets. `folder` is where they load from and are published to, and
    holds the source library their quotes are checked against (`sources/`); `accept` asks
    durable_rules whether it takes each new version."""

    def __init__(self, folder: Path | None, accept: Accept = refusals) -> None:
        self.folder = folder
        self.accept = accept
        self._catalogue = Catalogue()
        self._files: dict[str, Path] = {}  # rule set id → the file it lives in
        self._write = threading.Lock()
        # No folder (a registry held in memory, by tools and tests): quotes are not checked.
        self.library = library_of(folder) if folder is not None else None

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def get(self, ruleset_id: str, version: str = "") -> CompiledRuleSet:
        return self._catalogue.get(ruleset_id, version)

    def reload(self) -> list[Diagnostic]:
        """Re-read the folder. A file that fails keeps its rule set's working version; a rule
        set whose file is gone is no longer active (its versions stay readable)."""
        if self.folder is None:
            return []
        self.library = library_of(self.folder)
        problems: list[Diagnostic] = []
        failed: set[Path] = set()
        loaded: dict[str, tuple[CompiledRuleSet, Path]] = {}
        for path in sorted(self.folder.iterdir()):
            if path.suffix not in RULE_FILE_SUFFIXES or not path.is_file():
                continue
            try:
                ruleset = _accepted(load_file(path, self.library), self.accept)
            except RuleFileError as exc:
                problems.extend(exc.diagnostics)
                failed.add(path)
                continue
            if ruleset.id in loaded:
                first = loaded[ruleset.id][1].name
                problems.append(
                    Diagnostic(
                        str(path),
                        1,
                        1,
                        f"rule set {ruleset.id} is already in {first}",
                        Code.RULESET_CONFLICT,
                    )
                )
                continue
            loaded[ruleset.id] = (ruleset, path)
        with self._write:
            catalogue = self._catalogue
            # A rule set whose file now fails keeps serving its working version.
            active = {
                ruleset_id: ruleset
                for ruleset_id, ruleset in catalogue.active.items()
                if self._files.get(ruleset_id) in failed
            }
            for ruleset_id, (ruleset, path) in loaded.items():
                reason = conflict(catalogue, ruleset)
                if reason is not None:
                    problems.append(Diagnostic(str(path), 1, 1, reason, Code.RULESET_CONFLICT))
                    if ruleset_id in catalogue.active:
                        active[ruleset_id] = catalogue.active[ruleset_id]
                    continue
                catalogue = catalogue.with_version(ruleset)
                active[ruleset_id] = ruleset
                self._files[ruleset_id] = path
            self._catalogue = Catalogue(MappingProxyType(active), catalogue.versions)
        return sorted(problems)

    def publish(
        self,
        text: str,
        file_name: str,
        before_activate: Callable[[CompiledRuleSet], None] | None = None,
    ) -> tuple[CompiledRuleSet, str]:
        """Check `text`, make it its rule set's active version, and write it to the folder.
        Returns the rule set and the version it replaced ("" if none). `before_activate`
        runs once the version is accepted and before anyone can use it; if it raises,
        nothing changes."""
        # Named by its file name only (no server path in any message); its tests' files are
        # looked for in the rules folder.
        name = Path(file_name).name
        ruleset = check_text(text, name, self.accept, self.library, folder=self.folder)
        with self._write:
            catalogue = self._catalogue
            reason = conflict(catalogue, ruleset)
            if reason is not None:
                raise RulesetConflict(reason)
            previous = catalogue.active.get(ruleset.id)
            if previous is not None and previous.digest == ruleset.digest:
                return previous, previous.version  # already active: nothing to do
            if before_activate is not None:
                before_activate(ruleset)
            self._persist(ruleset)
            self._catalogue = catalogue.with_version(ruleset)
        return ruleset, previous.version if previous else ""

    def _persist(self, ruleset: CompiledRuleSet) -> None:
        """Write the text where reload will find it: the rule set's file, replaced atomically."""
        if self.folder is None:
            return
        path = self._files.get(ruleset.id) or self.folder / f"{ruleset.id}.yaml"
        temporary = path.with_name(f".{path.name}.publishing")
        temporary.write_text(ruleset.source_text, encoding="utf-8")
        os.replace(temporary, path)
        self._files[ruleset.id] = path
