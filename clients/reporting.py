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


def cmd_report_notice(args: argparse.Namespace) -> int:
    """`probity report performance-notice RESULT.json --out FILE.html|.pdf|.json`: the
    contract performance notice; refused, naming each reg 39(4) item, if one is missing."""
    from probity.reports import notices
    from probity.reports import pages as reports

    result = _contract(args)
    if result is None:
        return 2
    issued = f"{args.date or date.today().isoformat()}T00:00:00Z"
    ctx = notices.context(result, issued)
    page, ocds = reports.notice_html(ctx), notices.ocds_package(ctx)
    try:
        notices.check(ctx, page, ocds)
    except notices.Incomplete as exc:  # nothing is written: no notice is issued incomplete
        print(f"probity report performance-notice: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(ocds, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(out)
    else:
        print(reports.write_html(page, out))
    return 0


def _contract(args: argparse.Namespace) -> dict[str, Any] | None:
    """A contract check's result: from a file (`probity monitor --format json`, its first
    contract), or the decision log (--decision SEQ)."""
    if args.decision:
        from probity.clients.remote import connect
        from probity.codec.as_json import contract_result_to_dict

        with connect(args) as client:
            record = client.get_evaluation(args.decision)
        if record.kind != "monitoring":
            print(f"probity report: decision {args.decision} is not a contract's", file=sys.stderr)
            return None
        return contract_result_to_dict(record.contract_result)
    if not args.source:
        print(
            "probity report: name a contract result file, or --decision SEQ to read one from "
            "the decision log of --server",
            file=sys.stderr,
        )
        return None
    lines = Path(args.source).read_text(encoding="utf-8").strip().splitlines()
    try:  # one result (a list of them, or JSON lines: the first)
        found = json.loads("\n".join(lines))
    except json.JSONDecodeError:
        found = json.loads(lines[0]) if lines else None
    found = found[0] if isinstance(found, list) and found else found
    if not isinstance(found, dict) or "kpis" not in found:
        print("probity report: the file holds no contract result", file=sys.stderr)
        return None
    return found


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
    notice = reports.add_parser(
        "performance-notice",
        help="a contract performance notice (Procurement Act 2023 s.71, reg 39): HTML, PDF "
        "for .pdf, or an OCDS release package for .json",
    )
    notice.add_argument(
        "source", metavar="RESULT.json", nargs="?", help="a contract's result: probity monitor"
    )
    notice.add_argument("--decision", type=int, metavar="SEQ", help="read it from the log")
    add_connection_options(notice)
    notice.add_argument("--out", default="notice.html", metavar="FILE.html|.pdf|.json")
    notice.add_argument("--date", type=_date, help="the date it is issued, YYYY-MM-DD (today)")
    notice.set_defaults(run=cmd_report_notice)
