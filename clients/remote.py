"""The `probity` commands that talk to a server: evaluate --server, tender, rules, token."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import grpc
from google.rpc import code_pb2, error_details_pb2
from grpc_status import rpc_status
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from probity.clients.client import DEFAULT_TARGET, ProbityClient
from probity.clients.input_files import BadInput, records, series
from probity.clients.request_messages import tender_details
from probity.clients.summary import summarise
from probity.clients.tables import (
    BID_COLUMNS,
    CONTRACT_COLUMNS,
    RESULT_COLUMNS,
    bid_rows,
    contract_row,
    read_csv,
    result_rows,
    write_csv,
)
from probity.codec.as_json import (
    contract_result_to_dict,
    error_to_dict,
    result_to_dict,
    tender_to_dict,
)
from probity.engine import InputSpec, RuleFileError, Submission, compile_text
from probity.v1 import evaluation_pb2, result_pb2

_DETAILS = (
    error_details_pb2.BadRequest,
    error_details_pb2.PreconditionFailure,
    error_details_pb2.QuotaFailure,
    error_details_pb2.ResourceInfo,
    error_details_pb2.ErrorInfo,
)


def add_connection_options(
    parser: argparse.ArgumentParser, server: str | None = DEFAULT_TARGET
) -> None:
    where = f" (default {server})" if server else ""
    parser.add_argument(
        "--server", default=server, metavar="HOST:PORT", help=f"the Probity server{where}"
    )
    parser.add_argument("--token", help="bearer token (default: $PROBITY_TOKEN)")
    parser.add_argument("--tls", action="store_true", help="connect with TLS")
    parser.add_argument("--tls-ca", metavar="PEM", help="CA certificate to trust")
    parser.add_argument("--client-cert", metavar="PEM", help="client certificate (mTLS)")
    parser.add_argument("--client-key", metavar="PEM", help="client private key (mTLS)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per call")
    parser.add_argument(
        "--max-message-bytes",
        type=int,
        default=16 * 1024 * 1024,
        help="the largest message sent or received (as the server's option of that name)",
    )


def connect(args: argparse.Namespace) -> ProbityClient:
    def path(value: str | None) -> Path | None:
        return Path(value) if value else None

    return ProbityClient(
        args.server,
        token=args.token or os.environ.get("PROBITY_TOKEN"),
        tls=args.tls,
        tls_ca=path(args.tls_ca),
        client_cert=path(args.client_cert),
        client_key=path(args.client_key),
        timeout=args.timeout,
        max_message_bytes=args.max_message_bytes,
    )


def describe_error(error: grpc.RpcError) -> str:
    """A failed call's status and every rich detail, one per line."""
    call = cast(grpc.Call, error)  # errors raised by calls are calls too
    status = rpc_status.from_call(call) if hasattr(error, "trailing_metadata") else None
    if status is not None:
        return status_text(status)
    code = error.code().name if hasattr(error, "code") else "UNKNOWN"
    return f"{code}: {error.details() if hasattr(error, 'details') else error}"


def field_violations(error: grpc.RpcError) -> list[tuple[str, str]]:
    """A failed call's (field, reason) pairs, from its BadRequest detail (none without)."""
    call = cast(grpc.Call, error)
    status = rpc_status.from_call(call) if hasattr(error, "trailing_metadata") else None
    found: list[tuple[str, str]] = []
    for packed in status.details if status is not None else []:
        if packed.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            detail = error_details_pb2.BadRequest()
            packed.Unpack(detail)
            found.extend((v.field, v.description) for v in detail.field_violations)
    return found


def status_text(status: Any) -> str:
    """A google.rpc.Status (a failed call's, or a stream item's error) in words."""
    lines = [f"{code_pb2.Code.Name(status.code)}: {status.message}"]
    for packed in status.details:
        for kind in _DETAILS:
            if packed.Is(kind.DESCRIPTOR):
                detail = kind()
                packed.Unpack(detail)
                lines.extend(_detail_lines(detail))
    return "\n".join(lines)


def _detail_lines(detail: Any) -> list[str]:
    if isinstance(detail, error_details_pb2.BadRequest):
        return [f"  {v.field}: {v.description}" for v in detail.field_violations]
    if isinstance(detail, error_details_pb2.PreconditionFailure | error_details_pb2.QuotaFailure):
        return [f"  {v.subject}: {v.description}" for v in detail.violations]
    return []


# -- reading inputs ----------------------------------------------------------------------
def _inputs_of(client: ProbityClient, ruleset_id: str, version: str) -> list[InputSpec]:
    got = client.get_ruleset(ruleset_id, version)
    try:
        return list(compile_text(got.source_text, got.ruleset.file).spec.inputs)
    except RuleFileError:  # cannot happen for a served rule set; read every cell as text
        return []


def _read_for(
    client: ProbityClient, args: argparse.Namespace, paths: list[str]
) -> tuple[list[dict[str, Any]], list[BadInput]]:
    """The submission records in `paths` (CSV cells read by the rule set's input types)."""
    has_csv = any(p.endswith(".csv") for p in paths)
    inputs = _inputs_of(client, args.ruleset, args.version) if has_csv else None
    records = list(read_records(paths, inputs))
    good = [r for r in records if isinstance(r, dict)]
    return good, [r for r in records if isinstance(r, BadInput)]


def read_records(
    paths: list[str], inputs: list[InputSpec] | None
) -> Iterator[dict[str, Any] | BadInput]:
    """Submission records from .json, .jsonl and .csv files, in order; bad ones as BadInput."""
    for name in paths:
        if not name.endswith(".csv"):
            yield from records([name])
            continue
        for row in read_csv(Path(name).read_text(encoding="utf-8"), inputs or [], name):
            if isinstance(row, str):
                where, _, message = row.partition(": ")
                yield BadInput(where, message)
            else:
                yield row


def cmd_inputs_schema(args: argparse.Namespace) -> int:
    """`probity schema --inputs ID --server …`: the input schema the server holds."""
    try:
        with connect(args) as client:
            got = client.get_ruleset(args.inputs, args.version)
    except grpc.RpcError as error:
        print(f"probity schema: {describe_error(error)}", file=sys.stderr)
        return 1
    print(json.dumps(json.loads(got.inputs_schema), indent=2, sort_keys=True))
    return 0


# -- evaluate --server and monitor --server -------------------------------------------------
def cmd_evaluate_remote(args: argparse.Namespace) -> int:
    with connect(args) as client:
        good, bad = _read_for(client, args, args.inputs)
        responses = client.evaluate_batches(args.ruleset, good, version=args.version)
        order = [str(g.get("id", "")) for g in good]
        writer = _Writer(args.format, "submission_id", result_to_dict, order)
        return _write_responses(responses, bad, len(good), writer, "evaluating")


def cmd_monitor_remote(args: argparse.Namespace) -> int:
    entries = list(series(args.inputs, args.contracts or []))
    bad = [e for e in entries if isinstance(e, BadInput)]
    contracts = [
        (e.answers["contract"], e.answers["returns"]) for e in entries if isinstance(e, Submission)
    ]
    with connect(args) as client:
        responses = client.check_portfolio(args.ruleset, contracts, version=args.version)
        order = [str(contract.get("contract_id", "")) for contract, _ in contracts]
        writer = _Writer(args.format, "contract_id", contract_result_to_dict, order)
        return _write_responses(responses, bad, len(contracts), writer, "checking")


def _write_responses(
    responses: Iterable[Any], bad: list[BadInput], total: int, writer: _Writer, verb: str
) -> int:
    """Writes unreadable inputs, then each answer as it arrives; 1 when any item failed."""
    for entry in bad:
        unreadable = {"code": "invalid_input", "where": entry.where, "message": entry.message}
        writer.error(None, unreadable, f"{entry.where}: {entry.message}")
    failed = len(bad)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn(verb),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        redirect_stdout=False,  # results go to stdout, never into the progress display
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task(verb, total=total)
        for response in responses:
            if response.HasField("result"):
                writer.result(response.result)
            else:
                failed += 1
                item_id = getattr(response, writer.id_key)
                writer.error(item_id, error_to_dict(response.error), status_text(response.error))
            progress.advance(task)
    writer.close()
    return 1 if failed else 0


class _Writer:
    """Answers to stdout as JSON lines or summaries in the order they arrive, or CSV rows
    in the items' input order (`order`: their ids), for spreadsheets."""

    def __init__(
        self,
        form: str,
        id_key: str,
        to_dict: Callable[[Any], dict[str, Any]],
        order: list[str] | None = None,
    ) -> None:
        self.form = form
        self.id_key = id_key  # what names an item: submission_id or contract_id
        self.to_dict = to_dict
        self.rows: list[dict[str, Any]] = []
        self.order = {item: n for n, item in enumerate(order or [])}
        contracts = id_key == "contract_id"
        self.to_row = contract_row if contracts else result_rows
        self.columns = CONTRACT_COLUMNS if contracts else RESULT_COLUMNS

    def result(self, message: Any) -> None:
        result = self.to_dict(message)
        if self.form == "csv":
            self.rows.append(self.to_row(result, result[self.id_key]))
        elif self.form == "summary":
            print(summarise(result) + "\n", flush=False)
        else:
            _print_json(result)

    def error(self, item_id: str | None, record: dict[str, Any], text: str) -> None:
        """An item that failed: as the local command writes it (JSON), or in words (CSV)."""
        if self.form == "csv":
            self.rows.append(self.to_row(None, item_id or "", text))
        else:
            _print_json({"error": record, self.id_key: item_id or None})

    def close(self) -> None:
        if self.form == "csv":  # unreadable lines (no id) first, as they were written
            self.rows.sort(key=lambda row: self.order.get(row[self.id_key], -1))
            write_csv(self.rows, self.columns, sys.stdout)
        sys.stdout.flush()


def _print_json(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


# -- tender --------------------------------------------------------------------------------
def cmd_tender(args: argparse.Namespace) -> int:
    with connect(args) as client:
        bids, bad = _read_for(client, args, args.bids)
        if bad:
            for entry in bad:
                print(f"{entry.where}: {entry.message}", file=sys.stderr)
            return 1
        missing = [str(b.get("id")) for b in bids if b.get("price") is None]
        if missing:
            print(f"probity: no price for {', '.join(missing)}", file=sys.stderr)
            return 1
        tender_id = args.tender_id or next(
            (str(b["tender_id"]) for b in bids if b.get("tender_id")), ""
        )
        details = _details(args.details)
        if isinstance(details, str):
            print(f"probity tender: {details}", file=sys.stderr)
            return 2
        response, failed = _tender(client, args.ruleset, tender_id, bids, args.version, details)
    for submission_id, status in failed:
        print(f"{submission_id or 'a bid'}: {status_text(status)}", file=sys.stderr)
    if failed:
        print(f"probity tender: {len(failed)} bid(s) not evaluated, left out", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(tender_to_dict(response), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        order = [str(b.get("id", "")) for b in bids]
        write_csv(bid_rows(tender_to_dict(response), order), BID_COLUMNS, sys.stdout)
    else:
        _print_ranking(response, args.format == "markdown")
    return 1 if failed else 0


def _details(path: str | None) -> dict[str, Any] | str:
    """The tender's details from a JSON file (TenderDetails' fields), or why they cannot be
    read."""
    if not path:
        return {}
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        tender_details(record)  # its fields named as TenderDetails names them
    except (OSError, ValueError) as exc:
        return f"{path}: {exc}"
    if not isinstance(record, dict):
        return f"{path}: the tender's details are a JSON object"
    return record


def _tender(
    client: ProbityClient,
    ruleset: str,
    tender_id: str,
    bids: list[Any],
    version: str,
    details: Mapping[str, Any],
) -> tuple[evaluation_pb2.EvaluateTenderResponse, list[tuple[str, Any]]]:
    """A tender of any size, through the streaming call: the ranking with each bid's
    result put back in, and the bids that failed (id, status)."""
    results: dict[str, result_pb2.Result] = {}
    failed: list[tuple[str, Any]] = []
    ranking = evaluation_pb2.EvaluateTenderResponse()
    answers = client.evaluate_tender_stream(
        ruleset, tender_id, bids, version=version, details=details
    )
    for answer in answers:
        if answer.WhichOneof("item") == "ranking":
            ranking = answer.ranking
        elif answer.bid.HasField("result"):
            results[answer.bid.submission_id] = answer.bid.result
        else:
            failed.append((answer.bid.submission_id, answer.bid.error))
    for bid in ranking.bids:
        bid.result.CopyFrom(results[bid.submission_id])
    return ranking, failed


def _note(bid: Any) -> str:
    """Why a bid is not ranked, if it is not."""
    if bid.rejected:
        return "rejected: " + " ".join(r.explanation for r in bid.result.rejections)
    if bid.not_awardable:
        return f"not ranked: {bid.not_awardable_reason}"
    if bid.result.awaiting_panel:
        return "awaiting the evaluation panel: " + ", ".join(bid.result.awaiting_panel)
    return ""


AWAITING = (
    "Awaiting the evaluation panel: criteria it scores count 0 until it has moderated them, "
    "so this ranking is provisional."
)


def _print_ranking(response: Any, markdown: bool = False) -> None:
    """The ranking as a table: boxed on a terminal, plain columns when piped (no box
    drawing for other programs to read), or a Markdown table."""
    console = Console(width=160)
    boxed = console.is_terminal and not markdown
    if not boxed:  # one line per bid, however long its note: other programs read it
        console = Console(width=100_000)
    basis = "whole-life cost" if response.cost_basis == "whole_life_cost" else "price"
    title = (
        f"Tender {response.tender_id} — {response.ruleset.id} {response.ruleset.version}, "
        f"quality:price {response.weighting.quality:g}:{response.weighting.price:g}, "
        f"price scored on {basis}"
    )
    table = Table(
        title=title if boxed else None,
        box=box.MARKDOWN if markdown else box.HEAVY_HEAD if boxed else None,
        show_edge=boxed or markdown,
    )
    for column in ("rank", "bid", "supplier", "band", "quality", "price", "combined", "cost"):
        table.add_column(
            column,
            justify="right"
            if column in ("rank", "quality", "price", "combined", "cost")
            else "left",
        )
    table.add_column("note")
    for bid in response.bids:
        table.add_row(
            str(bid.rank) if bid.rank else "—",
            bid.submission_id,
            bid.supplier_name or bid.supplier_id,
            bid.result.band_label,
            f"{bid.quality_score:.2f}",
            f"{bid.price_score:.2f}" if bid.HasField("price_score") else "—",
            f"{bid.combined_score:.2f}" if bid.HasField("combined_score") else "—",
            f"{bid.compared_cost:,.2f}",
            _note(bid),
        )
    if not boxed:
        print(f"**{title}**\n" if markdown else title)
        sys.stdout.flush()
    console.print(table)
    if response.awaiting_panel:
        print(f"\n{AWAITING}")


def add_commands(sub: Any) -> None:
    tender = sub.add_parser("tender", help="evaluate and rank all bids of a tender on a server")
    add_connection_options(tender)
    tender.add_argument("--ruleset", required=True, metavar="ID")
    tender.add_argument("--version", default="", help="a held version (default: active)")
    tender.add_argument("--tender-id", default="", help="default: the bids' tender_id")
    tender.add_argument(
        "--details",
        metavar="TENDER.json",
        help="the procurement, for its assessment summaries: contracting_authority, title, "
        "procurement_id, criteria_published_at, currency, standstill_ends",
    )
    tender.add_argument(
        "--format",
        choices=["table", "markdown", "csv", "json"],
        default="table",
        help="table: ranked (boxed on a terminal, plain columns when piped); markdown: a "
        "Markdown table; csv: a row per bid in input order, a column per criterion; json",
    )
    tender.add_argument("bids", nargs="+", metavar="BIDS.jsonl|.csv")
    tender.set_defaults(run=cmd_tender)
