"""The rule sets a service holds: loaded from a folder or a shared store, published,
reloaded, swapped atomically.

With a store (engine.ruleset_store: the decision log's database), the store is the source
of truth: the folder only seeds rule sets the store has never held, a publish is written to
the store (never to the folder), every replica follows the store's activations (`sync`), and
any version the store holds is served by number, compiled from its stored text when first
asked for. Without one (`--db off`), the folder is read as it is and a publish lasts until
the service stops.

Readers take the current catalogue, an immutable snapshot, and keep it for the whole of
their work: an evaluation that started on one version finishes on it whatever is published
meanwhile. Writers build a new catalogue and swap it in one assignment, under a lock, and
only after the new text has passed every check: a broken version never replaces a working
one.

Versions only go forward: a rule set's new version must be above its active one, and one
version number never names two different texts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import semver

from probity.engine.compiler.citations import Citations, citations_from_json
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.pipeline import compile_text, load_file
from probity.engine.errors import Code, Diagnostic, RuleFileError, RulesetConflict, UnknownRuleset
from probity.engine.ruleset_store import Activation, ReplicaState, RulesetStore, StoredVersion
from probity.engine.sources.library import SourceLibrary, load_library
from probity.engine.versioning import classify, understated

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


def conflict(
    catalogue: Catalogue, ruleset: CompiledRuleSet, stored: StoredVersion | None = None
) -> str | None:
    """Why `ruleset` may not become the active version, or None if it may (`stored`: the
    version of that number a shared store holds, if any)."""
    held = catalogue.versions.get(ruleset.id, {}).get(ruleset.version)
    same_number = held.digest if held is not None else stored.digest if stored else None
    if same_number is not None and same_number != ruleset.digest:
        return (
            f"version {ruleset.version} of {ruleset.id} is already published with different "
            "content; give the changed rule set a new version number"
        )
    active = catalogue.active.get(ruleset.id)
    if active is not None and same_number is None and _key(ruleset.version) < _key(active.version):
        return (
            f"version {ruleset.version} is below the active version {active.version} of "
            f"{ruleset.id}; versions only go forward"
        )
    if active is not None and same_number is None:
        change = classify(active.spec, ruleset.spec, active.source_text, ruleset.source_text)
        return understated(active.version, ruleset.version, change)
    return None


# Asks durable_rules whether it takes a compiled rule set: nothing if it does, else why
# not. The service passes workers.acceptance.Acceptance().refusals, which asks in a child
# process; in-process asking is for tools and tests.
Accept = Callable[[CompiledRuleSet], list[Diagnostic]]


def refusals(ruleset: CompiledRuleSet) -> list[Diagnostic]:
    """Asked in this process (tools and tests): durable_rules is loaded on first use only,
    so a process given another `Accept` (the service) never loads it."""
    from probity.engine.evaluation.refusals import refusals as asked

    return asked(ruleset)


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


def _none() -> Future[list[Diagnostic]]:
    done: Future[list[Diagnostic]] = Future()
    done.set_result([])
    return done


def library_of(folder: Path) -> SourceLibrary:
    """The source library of a rules folder (empty when it has none)."""
    return load_library(folder / SOURCES_FOLDER)


class Registry:
    """The service's rule sets. `folder` is where they load from (with a store: what seeds
    it), and holds the source library their quotes are checked against (`sources/`);
    `accept` asks durable_rules whether it takes each new version; `store`, when given, is
    where rule sets live (see the module's account)."""

    def __init__(
        self, folder: Path | None, accept: Accept = refusals, store: RulesetStore | None = None
    ) -> None:
        self.folder = folder
        self.accept = accept
        self.store = store
        self._catalogue = Catalogue()
        self._held: dict[str, list[str]] = {}  # with a store: the versions it holds
        self._files: dict[str, Path] = {}  # without one: rule set id → the file it is in
        self._write = threading.Lock()
        # At start with a store: the folder's versions, compiled and accepted as it was
        # seeded, by digest, so that taking the store's active versions does not compile and
        # check the same text a second time (a version's digest is its text's).
        self._read: dict[str, CompiledRuleSet] = {}
        # No folder (a registry held in memory, by tools and tests): quotes are not checked.
        self.library = library_of(folder) if folder is not None else None

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def held(self, ruleset_id: str) -> list[str]:
        """The version numbers held of a rule set, oldest first."""
        versions = set(self._catalogue.versions.get(ruleset_id, {})) | set(
            self._held.get(ruleset_id, [])
        )
        return sorted(versions, key=_key)

    def get(self, ruleset_id: str, version: str = "") -> CompiledRuleSet:
        try:
            return self._catalogue.get(ruleset_id, version)
        except UnknownRuleset:
            if self.store is None or not version:
                raise
            stored = self.store.stored(ruleset_id=ruleset_id, version=version)
            if stored is None:
                raise
        ruleset = self._compiled(stored)  # a version held by the store, first asked for
        with self._write:
            versions = {k: dict(v) for k, v in self._catalogue.versions.items()}
            versions.setdefault(ruleset.id, {})[ruleset.version] = ruleset
            self._catalogue = Catalogue(self._catalogue.active, MappingProxyType(versions))
        return ruleset

    def load(self) -> list[Diagnostic]:
        """At start: read the folder, or, with a store, seed it from the folder (rule sets it
        has never held) and take its active versions."""
        if self.store is None:
            return self.reload()
        problems = self._seed()
        try:
            self.sync()
        finally:
            self._read.clear()
        return problems

    def sync(self) -> list[CompiledRuleSet]:
        """Take the store's active versions (a publish on another replica); the versions
        newly made active here. A version that cannot be compiled keeps the one before
        serving (RuleFileError is raised after the others are taken)."""
        if self.store is None:
            return []
        wanted = self.store.active()
        self._held = self.store.versions()
        current = self._catalogue.active
        changed = [
            (ruleset_id, digest)
            for ruleset_id, digest in sorted(wanted.items())
            if ruleset_id not in current or current[ruleset_id].digest != digest
        ]
        taken, failed = [], []
        for _ruleset_id, digest in changed:
            stored = self.store.stored(digest=digest)
            if stored is None:
                continue  # an activation names only versions kept in the same transaction
            try:
                taken.append(self._read.get(digest) or self._compiled(stored))
            except RuleFileError as exc:
                failed.extend(exc.diagnostics)
        if taken:
            with self._write:
                catalogue = self._catalogue
                for ruleset in taken:
                    catalogue = catalogue.with_version(ruleset)
                self._catalogue = catalogue
        if failed:
            raise RuleFileError(failed)
        return taken

    def heartbeat(self, replica: str, host: str) -> None:
        """Say in the store which versions this replica serves (nothing without a store)."""
        if self.store is not None:
            serving = {k: (v.version, v.digest) for k, v in self._catalogue.active.items()}
            self.store.heartbeat(replica, host, serving)

    def replicas(self, within_seconds: float) -> list[ReplicaState]:
        """The replicas on the store that said what they serve lately (none without one)."""
        return self.store.replicas(within_seconds) if self.store is not None else []

    def history(self, ruleset_id: str) -> list[Activation]:
        """Who made which version active, and when, newest first (none without a store)."""
        return self.store.history(ruleset_id) if self.store is not None else []

    def _compiled(self, stored: StoredVersion) -> CompiledRuleSet:
        """A stored version compiled from its text and the citations it was checked with."""
        cited = citations_from_json(stored.citations) if stored.citations else None
        return check_text(stored.source_text, stored.file, self.accept, citations=cited)

    def _seed(self) -> list[Diagnostic]:
        """Put the folder's rule sets the store has never held into it, active."""
        assert self.store is not None
        if self.folder is None:
            return []
        known = self.store.versions()
        active = self.store.active()
        found, problems, _failed = self._read_folder()
        self._read = {ruleset.digest: ruleset for ruleset, _ in found.values()}
        for ruleset_id, (ruleset, path) in found.items():
            if ruleset_id in known:
                if active.get(ruleset_id) not in (None, ruleset.digest):
                    said = (f"the store holds rule set {ruleset_id} (active version "
                            f"{self._active_version(ruleset_id)}), so this file is not read; "
                            "publish a change to make it active")  # fmt: skip
                    problems.append(
                        Diagnostic(str(path), 1, 1, said, Code.RULESET_CONFLICT, "warning")
                    )
                continue
            how = Activation(ruleset.id, ruleset.version, ruleset.digest, "seeded", "server", "",
                             f"from the rules folder ({path.name})")  # fmt: skip
            self.store.activate(ruleset, how)
        return problems

    def _active_version(self, ruleset_id: str) -> str:
        active = self._catalogue.active.get(ruleset_id)
        if active is not None:
            return active.version
        assert self.store is not None
        stored = self.store.stored(digest=self.store.active().get(ruleset_id, ""))
        return stored.version if stored else "unknown"

    def _read_folder(
        self,
    ) -> tuple[dict[str, tuple[CompiledRuleSet, Path]], list[Diagnostic], set[Path]]:
        """Every rule file of the folder compiled and accepted, by rule set id; the problems
        of those that are not, and their files."""
        assert self.folder is not None
        self.library = library_of(self.folder)
        problems: list[Diagnostic] = []
        loaded: dict[str, tuple[CompiledRuleSet, Path]] = {}
        failed: set[Path] = set()
        for path, ruleset, refused in self._compiled_and_asked():
            if isinstance(ruleset, RuleFileError) or refused:
                problems.extend(
                    ruleset.diagnostics if isinstance(ruleset, RuleFileError) else refused
                )
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
        return loaded, problems, failed

    def _compiled_and_asked(
        self,
    ) -> list[tuple[Path, CompiledRuleSet | RuleFileError, list[Diagnostic]]]:
        """Each rule file of the folder compiled here, and whether durable_rules accepts it.
        The asking waits on another process (the service's) on a thread of its own, so that
        while one file is checked there the next compiles here: at start, on two cores,
        that overlap is most of a second."""
        assert self.folder is not None
        files = sorted(
            p for p in self.folder.iterdir() if p.suffix in RULE_FILE_SUFFIXES and p.is_file()
        )
        compiled: list[tuple[Path, CompiledRuleSet | RuleFileError, Future[list[Diagnostic]]]] = []
        with ThreadPoolExecutor(1, thread_name_prefix="probity-accept") as asking:
            for path in files:
                try:
                    ruleset = load_file(path, self.library)
                except RuleFileError as exc:
                    compiled.append((path, exc, _none()))
                    continue
                compiled.append((path, ruleset, asking.submit(self.accept, ruleset)))
            return [(path, made, refused.result()) for path, made, refused in compiled]

    def reload(self) -> list[Diagnostic]:
        """Re-read: with a store, seed rule sets new to it from the folder and follow its
        activations; else the folder, where a file that fails keeps its rule set's working
        version and a rule set whose file is gone is no longer active (its versions stay
        readable)."""
        if self.store is not None:
            problems = self._seed()
            self.sync()
            return sorted(problems)
        if self.folder is None:
            return []
        loaded, problems, failed = self._read_folder()
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
        by: tuple[str, str] = ("", ""),
        note: str = "",
    ) -> tuple[CompiledRuleSet, str]:
        """Check `text` and make it its rule set's active version: in the store, when there
        is one (every replica follows), else here until the service stops. Returns the rule
        set and the version it replaced ("" if none). `before_activate` runs once the version
        is accepted and before anyone can use it; if it raises, nothing changes. `by` is the
        publisher's (name, role); `note` says why."""
        # Named by its file name only (no server path in any message); its tests' files are
        # looked for in the rules folder.
        name = Path(file_name).name
        ruleset = check_text(text, name, self.accept, self.library, folder=self.folder)
        with self._write:
            catalogue = self._catalogue
            stored = None
            if self.store is not None:
                stored = self.store.stored(ruleset_id=ruleset.id, version=ruleset.version)
            reason = conflict(catalogue, ruleset, stored)
            if reason is not None:
                raise RulesetConflict(reason)
            previous = catalogue.active.get(ruleset.id)
            if previous is not None and previous.digest == ruleset.digest:
                return previous, previous.version  # already active: nothing to do
            if before_activate is not None:
                before_activate(ruleset)
            if self.store is not None:
                activation = Activation(ruleset.id, ruleset.version, ruleset.digest,
                                        "published", by[0], by[1], note)  # fmt: skip
                self.store.activate(ruleset, activation)
            self._catalogue = catalogue.with_version(ruleset)
        return ruleset, previous.version if previous else ""
