"""`probity`: a thin command line over the engine (check, test, evaluate, schema, sources)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import grpc
import structlog
from pydantic import ValidationError

import probity.rules
from probity import DISTRIBUTION_VERSION
from probity.clients import audit, remote, sources
from probity.clients.client import ProbityClient
from probity.clients.inputs import BadInput
from probity.clients.inputs import read as read_inputs
from probity.clients.inputs import series as read_series
from probity.clients.remote import (
    add_commands,
    add_connection_options,
    cmd_evaluate_remote,
    cmd_monitor_remote,
    describe_error,
)
from probity.clients.summary import summarise
from probity.clients.tables import (
    CONTRACT_COLUMNS,
    RESULT_COLUMNS,
    contract_row,
    result_rows,
    write_csv,
)
from probity.engine import ENGINE_VERSION
from probity.engine.compiler.compiled import CompiledRuleSet
from probity.engine.compiler.model import RuleSetSpec
from probity.engine.compiler.pipeline import STAGES, StageTime, Timings, load_file
from probity.engine.compiler.yamlsource import YamlSyntaxError
from probity.engine.compiler.yamlsource import load as load_yaml
from probity.engine.errors import RuleFileError, SubmissionError
from probity.engine.evaluation.items import Submission
from probity.engine.evaluation.submission import input_schema
from probity.engine.evaluations import Encoded, prepare
from probity.engine.registry import SOURCES_FOLDER
from probity.engine.sources.library import SourceLibrary, load_library
from probity.engine.versioning import classify, understated
from probity.engine.workers.acceptance import Acceptance
from probity.engine.workers.pool import JsonCodec, WorkerPool, default_workers
from probity.reports import summaries as assessment


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
    if problems:
        print(f"{problems} problem{'s' if problems != 1 else ''} found")
    return 1 if problems else 0


def _previous(path: str) -> dict[str, tuple[RuleSetSpec, str]]:
    """The rule sets of an earlier version, by id: each one's model and text (read, not
    compiled: its tests' files and the source library need not be at hand)."""
    out = {}
    for file in rule_files([path]):
        text = file.read_text(encoding="utf-8")
        spec = RuleSetSpec.model_validate(load_yaml(text, str(file))[0])
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
    # Imported here: it loads durable_rules, which `probity serve` (started from this module)
    # must not hold in the service's process.
    from probity.engine.testing import run_tests

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


def _error_record(
    entry: Submission | BadInput, outcome: object, id_key: str = "submission_id"
) -> dict[str, Any]:
    """The JSON line written in place of a result that could not be produced."""
    if isinstance(outcome, BadInput):
        return {
            id_key: None,
            "error": {"code": "invalid_input", "where": outcome.where, "message": outcome.message},
        }
    assert isinstance(entry, Submission)
    if isinstance(outcome, SubmissionError):
        violations = [{"field": v.field, "reason": v.reason} for v in outcome.violations]
        return {id_key: entry.id, "error": {"code": "invalid_submission", "violations": violations}}
    return {id_key: entry.id, "error": {"code": "engine_crashed", "message": str(outcome)}}


@dataclass(frozen=True)
class _Command:
    """What differs between `probity evaluate` (tender) and `probity monitor`."""

    name: str
    kind: str  # the kind of rule set it needs
    read: Callable[[argparse.Namespace], Iterable[Submission | BadInput]]
    remote: Callable[[argparse.Namespace], int]
    id_key: str  # what names an item in the output


_EVALUATE = _Command(
    "evaluate",
    "tender",
    lambda args: read_inputs(args.inputs),
    cmd_evaluate_remote,
    "submission_id",
)
_MONITOR = _Command(
    "monitor",
    "monitoring",
    lambda args: read_series(args.inputs, args.contracts or []),
    cmd_monitor_remote,
    "contract_id",
)


def cmd_evaluate(args: argparse.Namespace) -> int:
    return _run_command(_EVALUATE, args)


def cmd_monitor(args: argparse.Namespace) -> int:
    return _run_command(_MONITOR, args)


def _run_command(command: _Command, args: argparse.Namespace) -> int:
    """On a server (--server, --ruleset) or here (--rules): one outcome line per item."""
    if args.server:
        if not args.ruleset:
            print(f"probity {command.name}: --server needs --ruleset ID", file=sys.stderr)
            return 2
        return command.remote(args)
    ruleset = _local_rules(args, command.name, command.kind)
    if isinstance(ruleset, int):
        return ruleset
    entries = list(command.read(args))
    outcomes = _run_locally(ruleset, entries, args.workers)
    return _write_outcomes(entries, outcomes, args.format, command.id_key)


def _local_rules(args: argparse.Namespace, command: str, kind: str) -> CompiledRuleSet | int:
    """The --rules file compiled, or the exit code after saying what is wrong."""
    if not args.rules:
        print(f"probity {command}: give --rules FILE, or --server and --ruleset", file=sys.stderr)
        return 2
    try:
        ruleset = load_file(args.rules, library_for(Path(args.rules)))
    except RuleFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    if ruleset.kind != kind:
        print(f"probity {command}: {ruleset.id} is a {ruleset.kind} rule set", file=sys.stderr)
        return 2
    return ruleset


def _run_locally(
    ruleset: CompiledRuleSet, entries: list[Submission | BadInput], workers: int
) -> Iterator[Any]:
    """An outcome (JSON bytes or an error) per submission or contract among `entries`."""
    items = [e for e in entries if isinstance(e, Submission)]
    if workers == 0:
        codec = JsonCodec()
        return iter(
            o if isinstance(o, SubmissionError) else codec.encode(o)
            for o in prepare(ruleset).evaluate_here(items)
        )
    with WorkerPool(workers) as pool:
        return iter(prepare(ruleset, pool).submit(items).result())


def _write_outcomes(
    entries: list[Submission | BadInput], results: Iterator[Any], form: str, id_key: str
) -> int:
    """Each outcome in input order: a JSON line, a summary, or a CSV row (under one header,
    written at the end)."""
    bad = 0
    out = sys.stdout.buffer
    contracts = id_key == "contract_id"
    to_row = contract_row if contracts else result_rows
    rows: list[dict[str, Any]] = []
    for entry in entries:
        outcome = next(results) if isinstance(entry, Submission) else entry
        if isinstance(outcome, Encoded):  # a result
            if form == "csv":
                result = json.loads(bytes(outcome))
                rows.append(to_row(result, result[id_key]))
            elif form == "summary":
                out.write(summarise(json.loads(bytes(outcome))).encode() + b"\n\n")
            else:
                out.write(outcome)
                out.write(b"\n")
            continue
        bad += 1
        record = _error_record(entry, outcome, id_key)
        if form == "csv":
            error = record["error"]
            said = error.get("message") or "; ".join(
                f"{v['field']}: {v['reason']}" for v in error.get("violations", [])
            )
            rows.append(to_row(None, record[id_key] or error.get("where", ""), said))
        else:
            out.write(json.dumps(record, sort_keys=True).encode() + b"\n")
    if form == "csv":
        out.flush()
        write_csv(rows, CONTRACT_COLUMNS if contracts else RESULT_COLUMNS, sys.stdout)
    out.flush()
    sys.stdout.flush()
    return 1 if bad else 0


def _tender(args: argparse.Namespace) -> dict[str, Any] | None:
    """The tender a report is made from: a result file, or the decision log (--tender)."""
    if args.tender:
        return audit.recorded_tender(args)
    if not args.source:
        print(
            "probity report: name a tender result file, or --tender ID to read one from the "
            "decision log of --server",
            file=sys.stderr,
        )
        return None
    tender: dict[str, Any] = json.loads(Path(args.source).read_text(encoding="utf-8"))
    return tender


def cmd_report_summaries(args: argparse.Namespace) -> int:
    """`probity report summaries TENDER.json --out DIR`: a file per bidder."""
    tender = _tender(args)
    if tender is None:
        return 2
    for path in assessment.write(tender, Path(args.out), args.format):
        print(path)
    return 0


def cmd_report_tender(args: argparse.Namespace) -> int:
    """`probity report tender TENDER.json --out FILE`: the tender evaluation report."""
    # imported here: matplotlib and WeasyPrint are large
    from probity.reports import pages as reports

    tender = _tender(args)
    if tender is None:
        return 2
    print(reports.write_tender(tender, Path(args.out)))
    return 0


def cmd_report_contracts(args: argparse.Namespace) -> int:
    """`probity report contracts RESULTS.jsonl --out FILE`: the monitoring report."""
    from probity.reports import pages as reports  # imported here, as above

    lines = Path(args.source).read_text(encoding="utf-8").splitlines()
    found = [json.loads(line) for line in lines if line.strip()]
    contracts = [r for r in found if "rating" in r]  # lines that are errors are left out
    if not contracts:
        print("probity report: no contract results in the file", file=sys.stderr)
        return 1
    print(reports.write_html(reports.contracts_html(contracts), Path(args.out)))
    return 0


def cmd_workbench(args: argparse.Namespace) -> int:
    """`probity workbench`: the rule-set workbench in the browser, over --server."""
    from probity.clients.workbench.app import Config, serve  # imported here: Starlette

    tls = {
        "tls": args.tls,
        "tls_ca": Path(args.tls_ca) if args.tls_ca else None,
        "client_cert": Path(args.client_cert) if args.client_cert else None,
        "client_key": Path(args.client_key) if args.client_key else None,
    }
    config = Config(args.server, Path(args.drafts), args.secure_cookies, tls)
    if args.host not in ("127.0.0.1", "::1", "localhost") and _server_is_open(args):
        print(
            f"probity workbench: the server at {args.server} has no token file, so anyone who "
            f"reaches the workbench on {args.host} could publish rule sets: listen on "
            "127.0.0.1, or start the server with --tokens",
            file=sys.stderr,
        )
        return 2
    print(f"the workbench: http://{args.host}:{args.port}/ (server {args.server})", file=sys.stderr)
    serve(config, args.host, args.port)
    return 0


def _server_is_open(args: argparse.Namespace) -> bool:
    """Does the server answer a caller with no token (it runs without a token file)? Not
    known when it cannot be reached: then the workbench starts, and each user signs in."""
    tls_ca = Path(args.tls_ca) if args.tls_ca else None
    try:
        with ProbityClient(args.server, tls=args.tls, tls_ca=tls_ca, timeout=10) as client:
            return not client.caller().role
    except grpc.RpcError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    # Imported here: only this command runs the server, through its one entry point.
    from probity.server.main import run

    return run(vars(args))


def cmd_token(args: argparse.Namespace) -> int:
    # Imported here: the token file's hashing is the server's, through its one entry point.
    from probity.server.main import token

    return token(args.name, args.role)


def cmd_schema(args: argparse.Namespace) -> int:
    """The JSON Schema of rule files; with --inputs, of a rule set's answers (a rule file
    here, or a rule set id on --server)."""
    if not args.inputs:
        print(json.dumps(RuleSetSpec.model_json_schema(), indent=2, sort_keys=True))
        return 0
    if args.server:
        return remote.cmd_inputs_schema(args)
    try:
        ruleset = load_file(args.inputs, library_for(Path(args.inputs)))
    except RuleFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(input_schema(ruleset), indent=2, sort_keys=True))
    return 0


def version_text() -> str:
    """What `probity --version` prints: the distribution, the engine results name, and the
    durable_rules underneath (a result can only be replayed on the same three)."""
    try:
        durable = metadata.version("durable-rules")
    except metadata.PackageNotFoundError:  # pragma: no cover - a broken install
        durable = "not installed"
    return f"probity {DISTRIBUTION_VERSION} (engine {ENGINE_VERSION}, durable_rules {durable})"


SOURCES_HELP = (
    "the source library quotes are checked against (default: the sources/ folder beside "
    "each rule file, else the shipped one)"
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="probity", description=__doc__)
    top.add_argument("--version", action="version", version=version_text())
    sub = top.add_subparsers(dest="command", required=True)
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
    evaluate = sub.add_parser(
        "evaluate", help="evaluate submissions, locally (--rules) or on a server (--server)"
    )
    evaluate.add_argument("--rules", metavar="FILE", help="evaluate locally with this rule file")
    add_connection_options(evaluate, server=None)
    evaluate.add_argument("--ruleset", metavar="ID", help="with --server: the rule set to use")
    evaluate.add_argument("--version", default="", help="with --server: a held version")
    evaluate.add_argument(
        "--workers", type=int, default=default_workers(), help="worker processes (0: in-process)"
    )
    evaluate.add_argument(
        "--format",
        choices=["json", "summary", "csv"],
        default="json",
        help="json: one result per line (default); summary: a short account for people; "
        "csv: one row per submission in input order, a column per criterion",
    )
    evaluate.add_argument("inputs", nargs="+", metavar="INPUT.json|.jsonl|.csv")
    evaluate.set_defaults(run=cmd_evaluate)
    monitor = sub.add_parser(
        "monitor",
        help="check contracts' monitoring returns, locally (--rules) or on a server (--server)",
    )
    monitor.add_argument("--rules", metavar="FILE", help="check locally with this rule file")
    add_connection_options(monitor, server=None)
    monitor.add_argument("--ruleset", metavar="ID", help="with --server: the rule set to use")
    monitor.add_argument("--version", default="", help="with --server: a held version")
    monitor.add_argument(
        "--contracts",
        action="append",
        metavar="FILE",
        help="contracts (.json/.jsonl: contract_id, supplier, start, end, value, targets)",
    )
    monitor.add_argument(
        "--workers", type=int, default=default_workers(), help="worker processes (0: in-process)"
    )
    monitor.add_argument(
        "--format",
        choices=["json", "summary", "csv"],
        default="json",
        help="json: one result per contract per line (default); summary: for people; "
        "csv: one row per contract in input order, a column per check",
    )
    monitor.add_argument("inputs", nargs="+", metavar="RETURNS.json|.jsonl")
    monitor.set_defaults(run=cmd_monitor)
    report = sub.add_parser("report", help="documents for people, from results")
    reports = report.add_subparsers(dest="report", required=True, metavar="KIND")
    _report(reports, "tender", cmd_report_tender, "report.html", "FILE.html|.pdf")
    summaries = _report(reports, "summaries", cmd_report_summaries, "summaries", "DIR")
    summaries.add_argument("--format", choices=["markdown", "html", "pdf"], default="markdown")
    _report(reports, "contracts", cmd_report_contracts, "contracts.html", "FILE.html|.pdf")
    serve = sub.add_parser(
        "serve",
        help="run the gRPC service probity.v1",
        description="Each option not given comes from its PROBITY_* environment variable "
        "(PROBITY_PORT, PROBITY_DB, PROBITY_LIMITS__MAX_BIDS, ...), else from --config, else "
        "from its default.",
        argument_default=argparse.SUPPRESS,  # so that an option left out does not override
    )
    serve.add_argument("--config", metavar="FILE.toml", help="settings file (deploy/probity.toml)")
    serve.add_argument(
        "--print-config", action="store_true", help="print the settings in effect, as TOML"
    )
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="default 50051; 0 picks a free port")
    serve.add_argument(
        "--rules", metavar="DIR", help="rule set folder (default: the shipped rule sets)"
    )
    serve.add_argument(
        "--workers", type=int, help=f"engine processes (default {default_workers()})"
    )
    serve.add_argument("--tokens", metavar="FILE", help="token file (TOML); none: open")
    serve.add_argument(
        "--db",
        metavar="URL",
        help="decision log and rule set store: a SQLite file (default probity.db), "
        "postgresql://…, or off",
    )
    serve.add_argument(
        "--sync-seconds",
        type=float,
        help="how often to read the store for versions published elsewhere (default 2)",
    )
    serve.add_argument("--tls-cert", metavar="PEM", help="server certificate chain")
    serve.add_argument("--tls-key", metavar="PEM", help="server private key")
    serve.add_argument("--client-ca", metavar="PEM", help="require client certificates (mTLS)")
    serve.add_argument("--max-message-bytes", type=int, help="default 16 MiB")
    serve.add_argument(
        "--max-bids",
        type=int,
        help="bids per EvaluateTender call (default: what fits --max-message-bytes)",
    )
    serve.add_argument(
        "--max-submissions", type=int, help="submissions per stream (default 1,000,000)"
    )
    serve.add_argument("--stream-rate", type=float, help="submissions/s per stream (0: no limit)")
    serve.add_argument(
        "--metrics-port", type=int, help="serve Prometheus metrics on this port (/metrics)"
    )
    serve.add_argument(
        "--otlp-endpoint", metavar="HOST:PORT", help="send OpenTelemetry traces of each call here"
    )
    serve.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--log-format", choices=["auto", "json", "console"], help="auto: console on a terminal"
    )
    serve.set_defaults(run=cmd_serve)
    token = sub.add_parser("token", help="make a bearer token and its token-file entry")
    token.add_argument("action", choices=["new"])
    token.add_argument("--name", required=True)
    token.add_argument("--role", required=True, choices=("portal", "policy", "auditor"))
    token.set_defaults(run=cmd_token)
    workbench = sub.add_parser(
        "workbench", help="edit, check and publish rule sets in the browser (127.0.0.1:8080)"
    )
    add_connection_options(workbench)
    workbench.add_argument("--host", default="127.0.0.1", help="address to listen on")
    workbench.add_argument("--port", type=int, default=8080)
    workbench.add_argument(
        "--drafts", default="workbench.db", metavar="FILE", help="where drafts are kept"
    )
    workbench.add_argument(
        "--secure-cookies", action="store_true", help="when the workbench is reached by HTTPS"
    )
    workbench.set_defaults(run=cmd_workbench)
    schema = sub.add_parser(
        "schema", help="print the JSON Schema of rule files, or (--inputs) of a rule set's answers"
    )
    schema.add_argument(
        "--inputs",
        metavar="RULES",
        help="a rule file (or, with --server, a rule set id): the answers it reads",
    )
    schema.add_argument("--version", default="", help="with --server: a held version")
    add_connection_options(schema, server=None)
    schema.set_defaults(run=cmd_schema)
    add_commands(sub)
    audit.add_commands(sub)
    sources.add_commands(sub)
    return top


# What a shell expects of a writer whose reader stopped reading (`probity … | head`): no
# message, and the status SIGPIPE gives (128 + 13), as `yes | head` has.
_PIPE_CLOSED = 141


def _reader_went_away() -> int:
    """Quietly stop: stdout goes nowhere from here, so that flushing it at exit cannot
    raise again (Python's documented way, in the signal module's notes on SIGPIPE)."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return _PIPE_CLOSED


_TENDER_JSON = ("TENDER.json", "a tender's result: probity tender --format json")
_MONITOR_JSONL = ("RESULTS.jsonl", "contracts' results: probity monitor's output")
# Each report: what it is, and what it is made from (metavar, help).
_REPORTS = {
    "tender": ("the tender evaluation report: HTML, or PDF when --out ends in .pdf", _TENDER_JSON),
    "summaries": ("an assessment summary per bidder (Procurement Act 2023, s.50)", _TENDER_JSON),
    "contracts": ("the contract monitoring report: HTML, or PDF for .pdf", _MONITOR_JSONL),
}


def _report(
    reports: Any, name: str, run: Callable[..., int], out: str, shape: str
) -> argparse.ArgumentParser:
    """One `probity report KIND SOURCE --out …` command."""
    said, (metavar, source) = _REPORTS[name]
    command: argparse.ArgumentParser = reports.add_parser(name, help=said)
    if metavar != _TENDER_JSON[0]:
        command.add_argument("source", metavar=metavar, help=source)
    else:  # a tender: from its result file, or from the decision log
        command.add_argument("source", metavar=metavar, nargs="?", help=source)
        command.add_argument(
            "--tender", metavar="ID", help="read the tender from the decision log of --server"
        )
        command.add_argument(
            "--request-id", metavar="ID", help="the call that ranked it (default: the newest)"
        )
        add_connection_options(command)
    command.add_argument("--out", default=out, metavar=shape)
    command.set_defaults(run=run)
    return command


def main(argv: list[str] | None = None) -> int:
    # Logs go to stderr: stdout carries results (JSON lines) that other programs read.
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except BrokenPipeError:
        return _reader_went_away()
    except (OSError, json.JSONDecodeError) as exc:
        print(f"probity: {exc}", file=sys.stderr)
        return 1
    except grpc.RpcError as exc:
        print(f"probity: {describe_error(exc)}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
