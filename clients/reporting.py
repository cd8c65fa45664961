"""`probity report`: documents for people (the tender evaluation report, assessment
summaries, the contract monitoring report) from result files or the decision log."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from probity.clients import audit_commands
from probity.clients.remote import (
    add_connection_options,
)


def _tender(args: argparse.Namespace) -> dict[str, Any] | None:
    """The tender a report is made from: a result file, or the decision log (--tender)."""
    if args.tender:
        return audit_commands.recorded_tender(args)
    if not args.source:
        print(
            "probity report: name a tender result file, or --tender ID to read one from the "
            "decision log of --server",
            file=sys.stderr,
        )
        return None
    tender: dict[str, Any] = json.loads(Path(args.source).read_text(encoding="utf-8"))
    return tender


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: YYYY-MM-DD") from None


def cmd_report_summaries(args: argparse.Namespace) -> int:
    """`probity report summaries TENDER.json --out DIR`: a file per bidder."""
    from probity.reports import summaries as assessment  # imported here: templates, charts

    tender = _tender(args)
    if tender is None:
        return 2
    from probity.reports.reg31 import Incomplete

    try:
        written = assessment.write(tender, Path(args.out), args.format, args.date)
    except Incomplete as exc:  # nothing is written: no summary is issued incomplete
        print(f"probity report summaries: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def cmd_report_tender(args: argparse.Namespace) -> int:
    """`probity report tender TENDER.json --out FILE`: the tender evaluation report."""
    # imported here: matplotlib and WeasyPrint are large
    from probity.reports import pages as reports

    tender = _tender(args)
    if tender is None:
        return 2
    if args.tender:  # from the decision log: with its panel's records, for the audit annex
        panel = audit_commands.recorded_panel(args)
        if panel is not None:
            tender["panel"] = panel
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


def add_commands(sub: Any) -> None:
    report = sub.add_parser("report", help="documents for people, from results")
    reports = report.add_subparsers(dest="report", required=True, metavar="KIND")
    _report(reports, "tender", cmd_report_tender, "report.html", "FILE.html|.pdf")
    summaries = _report(reports, "summaries", cmd_report_summaries, "summaries", "DIR")
    summaries.add_argument("--format", choices=["markdown", "html", "pdf"], default="markdown")
    summaries.add_argument(
        "--date", type=_date, help="the date the summaries are issued on, YYYY-MM-DD (today)"
    )
    _report(reports, "contracts", cmd_report_contracts, "contracts.html", "FILE.html|.pdf")
