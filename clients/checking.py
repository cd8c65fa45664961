"""`probity check` and `probity test`: rule files compiled, put to the rules engine and
their own tests run, every problem reported at file:line:col."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import probity.rules
from probity.engine import (
    SOURCES_FOLDER,
    STAGES,
    Acceptance,
    CompiledRuleSet,
    RuleFileError,
    RuleSetSpec,
    SourceLibrary,
    StageTime,
    Timings,
    YamlSyntaxError,
    classify,
    commitment_problems,
    load_file,
    load_library,
    load_yaml,
    run_tests,
    spelled_out,
    understated,
)


def rule_files(paths: list[str]) -> list[Path]:
    """Rule files named directly, or every *.yaml / *.yml file in a named folder."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


# The documents the shipped rule sets cite: a rule file with no sources/ folder of its own (one
# copied out of rules/ to work on) has its quotes checked against these.
SHIPPED_SOURCES = Path(probity.rules.__file__).resolve().parent / SOURCES_FOLDER


class NoLibrary(Exception):
    """--sources names a folder that is not there."""


def library_for(file: Path, sources: str | None = None) -> SourceLibrary:
    """The source library a rule file's quotes are checked against: the folder --sources
    names, else the `sources/` folder beside the file, else the shipped library."""
    if sources:
        folder = Path(sources)
        if not folder.is_dir():
            raise NoLibrary(
                f"--sources {sources}: no such folder; name the folder that holds the source "
                "library's documents (one .json file each, as rules/sources does)"
            )
        return load_library(folder)
    beside = file.parent / SOURCES_FOLDER
    return load_library(beside if beside.is_dir() else SHIPPED_SOURCES)


def _load_all(
    paths: list[str], sources: str | None = None, timings: bool = False
) -> tuple[list[CompiledRuleSet], int]:
    loaded, problems = [], 0
    files = rule_files(paths)
    if not files:
        print("no rule files found", file=sys.stderr)
        return [], 1
    try:
        libraries = {file: library_for(file, sources) for file in files}
    except NoLibrary as exc:
        print(f"probity: {exc}", file=sys.stderr)
        return [], 1
    # Ask durable_rules to accept each, as the service will: in a child process, so that a
    # rule set it crashes on is a diagnostic, not the end of this command.
    with Acceptance() as acceptance:
        acceptance.start()  # its process starts while the first file compiles
        for file in files:
            spent: Timings = []
            try:
                ruleset = load_file(file, libraries[file], spent)
            except RuleFileError as exc:
                for diagnostic in exc.diagnostics:
                    print(diagnostic)
                problems += len(exc.diagnostics)
                _print_timings(file, spent, timings)
                continue
            started = time.perf_counter()
            refused = acceptance.refusals(ruleset)
            spent.append(StageTime("accept", time.perf_counter() - started))
            _print_timings(file, spent, timings)
            for diagnostic in refused:
                print(diagnostic)
            problems += len(refused)
            if not refused:
                loaded.append(ruleset)
    return loaded, problems


def _print_timings(file: Path, spent: Timings, wanted: bool) -> None:
    """`probity check --timings`: each compile stage's time, then durable_rules' check."""
    if not wanted:
        return
    titles = {**dict(STAGES), "accept": "accepted by the rules engine"}
    said = ", ".join(f"{titles[t.stage]} {t.seconds * 1000:.1f} ms" for t in spent)
    total = sum(t.seconds for t in spent) * 1000
    print(f"{file}: took {total:.1f} ms: {said}")


def cmd_check(args: argparse.Namespace) -> int:
    loaded, problems = _load_all(args.paths, args.sources, args.timings)
    previous: dict[str, tuple[RuleSetSpec, str]] = {}
    if args.against:
        try:
            previous = _previous(args.against)
        except (OSError, UnicodeDecodeError, YamlSyntaxError, ValidationError) as exc:
            print(
                f"probity check: --against {args.against} is not a rule file: {exc}",
                file=sys.stderr,
            )
            return 1
    # Commitments name the KPIs they set: of a rule file checked, or one beside the tender's.
    across = commitment_problems(loaded, _beside(loaded))
    problems += sum(d.severity == "error" for d in across)
    for ruleset in loaded:
        for warning in ruleset.warnings:
            print(warning)
        old = previous.get(ruleset.id)
        if old is not None:
            said, wrong = _against(old, ruleset)
            print(said)
            problems += wrong
            if wrong:
                continue
        print(
            f"{ruleset.file}: ok ({ruleset.id} {ruleset.version}, "
            f"{len(ruleset.criterion_ids)} criteria"
            + (f", {_count(len(ruleset.warnings), 'warning')}" if ruleset.warnings else "")
            + ")"
        )
    for found in across:
        print(found)
    if problems:
        print(f"{problems} problem{'s' if problems != 1 else ''} found")
    return 1 if problems else 0


def _beside(loaded: list[CompiledRuleSet]) -> dict[str, set[str]]:
    """The KPIs of each monitoring rule set a tender names, read from its file beside the
    tender's (`<id>.yaml`), when it was not among the files checked."""
    held = {r.id for r in loaded}
    found: dict[str, set[str]] = {}
    for ruleset in loaded:
        named = ruleset.spec.monitored_by
        if not named or named in held or named in found:
            continue
        path = Path(ruleset.file).parent / f"{named}.yaml"
        try:
            text = path.read_text(encoding="utf-8")
            spec = RuleSetSpec.model_validate(load_yaml(text, str(path))[0])
        except (OSError, UnicodeDecodeError, YamlSyntaxError, ValidationError):
            continue  # not there, or broken: the warning says it was not checked
        found[named] = {k.id for k in spec.kpis}
    return found


def _previous(path: str) -> dict[str, tuple[RuleSetSpec, str]]:
    """The rule sets of an earlier version, by id: each one's model and text (read, not
    compiled: its tests' files and the source library need not be at hand)."""
    out = {}
    for file in rule_files([path]):
        text = file.read_text(encoding="utf-8")
        spec = spelled_out(RuleSetSpec.model_validate(load_yaml(text, str(file))[0]))
        out[spec.id] = (spec, text)
    return out


def _against(old: tuple[RuleSetSpec, str], new: CompiledRuleSet) -> tuple[str, int]:
    """What kind of change `new` is from `old`, at its version line; 1 if its number
    understates it."""
    spec, text = old
    change = classify(spec, new.spec, text, new.source_text)
    wrong = understated(spec.version, new.version, change)
    line = next(
        (n for n, row in enumerate(new.source_text.splitlines(), 1) if row.startswith("version:")),
        1,
    )
    if wrong:
        return f"{new.file}:{line}:10: {wrong}", 1
    if change.kind == "none":
        return f"{new.file}: the same as {spec.version}", 0
    return f"{new.file}: a {change.kind} change from {spec.version}: {'; '.join(change.reasons)}", 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cmd_test(args: argparse.Namespace) -> int:
    loaded, problems = _load_all(args.paths, args.sources)
    failed = problems
    covered = total = 0
    for ruleset in loaded:
        report = run_tests(ruleset)
        print(f"{ruleset.file} ({ruleset.id} {ruleset.version})")
        for case in report.cases:
            print(f"  {'PASS' if case.passed else 'FAIL'}  {case.name}")
            for failure in case.failures:
                print(f"        {failure}")
        failed += sum(not case.passed for case in report.cases)
        share = 100 * len(report.covered) // max(1, len(ruleset.criterion_ids))
        print(f"  criteria coverage: {share}%")
        if report.uncovered and args.verbose:
            print(f"  not yet tested both met and not met: {', '.join(report.uncovered)}")
        covered += len(report.covered)
        total += len(ruleset.criterion_ids)
    passed = sum(len(run.spec.tests) for run in loaded) - (failed - problems)
    print(f"{passed} passed, {failed} failed")
    print(f"criteria coverage: {100 * covered // max(1, total)}%")
    return 1 if failed else 0


SOURCES_HELP = (
    "the source library quotes are checked against (default: the sources/ folder beside "
    "each rule file, else the shipped one)"
)


def add_commands(sub: Any) -> None:
    check = sub.add_parser("check", help="check rule files and report every problem")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--sources", metavar="DIR", help=SOURCES_HELP)
    check.add_argument(
        "--timings", action="store_true", help="show how long each compile stage took"
    )
    check.add_argument(
        "--against",
        metavar="OLD",
        help="the previous version (a rule file, or a folder of them): say what kind of "
        "change each rule set is and refuse a version number that understates it",
    )
    check.set_defaults(run=cmd_check)
    test = sub.add_parser("test", help="run the tests written in rule files")
    test.add_argument("paths", nargs="+", metavar="PATH")
    test.add_argument("--sources", metavar="DIR", help=SOURCES_HELP)
    test.add_argument("-v", "--verbose", action="store_true", help="name untested criteria")
    test.set_defaults(run=cmd_test)
