"""`probity evaluate` and `probity monitor`: submissions or contracts' returns evaluated
here (`--rules`, the engine in worker processes) or on a server (`--server`), results
written as JSON lines, CSV or a summary for people."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probity.clients.checking import library_for
from probity.clients.input_files import BadInput
from probity.clients.input_files import read as read_inputs
from probity.clients.input_files import series as read_series
from probity.clients.remote import (
    add_connection_options,
    cmd_evaluate_remote,
    cmd_monitor_remote,
)
from probity.clients.summary import summarise
from probity.clients.tables import (
    CONTRACT_COLUMNS,
    RESULT_COLUMNS,
    contract_row,
    result_rows,
    write_csv,
)
from probity.engine import (
    CompiledRuleSet,
    Encoded,
    JsonCodec,
    RuleFileError,
    Submission,
    SubmissionError,
    WorkerPool,
    default_workers,
    load_file,
    prepare,
)


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


def add_commands(sub: Any) -> None:
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
