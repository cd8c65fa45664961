"""`probity audit list|show|replay`: the decision log, read through AuditService."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import grpc
from google.protobuf import json_format

from probity.clients.remote import add_connection_options, connect
from probity.clients.tables import write_table
from probity.codec.as_json import tender_to_dict

_FILTERS = ("tender_id", "contract_id", "supplier_id", "ruleset_id", "since", "until")
_HELP = {
    "since": "ISO 8601 UTC time, inclusive (e.g. 2026-11-01)",
    "until": "ISO 8601 UTC time, exclusive",
}


def _filters(args: argparse.Namespace) -> dict[str, str]:
    return {name: getattr(args, name) for name in _FILTERS if getattr(args, name)}


def recorded_tender(args: argparse.Namespace) -> dict[str, Any]:
    """A tender from the decision log (`--tender`, and `--request-id` for one call), as
    `probity tender --format json` writes it, with what the log says of it under
    "recorded": the call, when and by whom, and each bid's evaluation number."""
    with connect(args) as client:
        found = client.get_tender(args.tender, args.request_id or "")
    return as_recorded(found)


def recorded_panel(args: argparse.Namespace) -> dict[str, Any] | None:
    """The tender's evaluation panel as the decision log holds it (records, checks, the
    conflicts assessment), for the report's audit annex; None when it had none, or the
    caller may not read it (a panel is read by its lead and the auditor)."""
    with connect(args) as client:
        try:
            panel = client.panel.get(args.tender)
        except grpc.RpcError as exc:
            if exc.code() in (
                grpc.StatusCode.FAILED_PRECONDITION,
                grpc.StatusCode.PERMISSION_DENIED,
            ):
                return None
            raise
    if not panel.lead:
        return None
    shown: dict[str, Any] = json_format.MessageToDict(
        panel, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return shown


def as_recorded(found: Any) -> dict[str, Any]:
    """A GetTender answer as the reports read it (what `probity tender --format json`
    writes), with what the log says of it under "recorded"."""
    tender = tender_to_dict(found.tender)
    tender["recorded"] = {
        "request_id": found.request_id,
        "recorded_at": found.recorded_at,
        "caller_name": found.caller_name,
        "caller_role": found.caller_role,
        "request_ids": list(found.request_ids),
        "bids": {b.submission_id: {"seq": b.seq, "item": b.item} for b in found.bids},
    }
    return tender


def cmd_audit(args: argparse.Namespace) -> int:
    with connect(args) as client:
        if args.action == "list":
            rows = (
                [
                    str(r.seq),
                    r.recorded_at,
                    r.method.rsplit("/", 1)[-1],
                    r.subject_id,
                    f"{r.ruleset.id}@{r.ruleset.version}",
                    r.caller_name or "-",
                ]
                for r in client.list_evaluations(**_filters(args))
            )
            header = ["seq", "recorded at", "call", "subject", "rule set", "caller"]
            write_table(rows, header, args.format, sys.stdout)
            return 0
        if args.action == "show":
            record = client.get_evaluation(args.seq)
            shown: dict[str, Any] = json_format.MessageToDict(
                record, preserving_proto_field_name=True
            )
            print(json.dumps(shown, indent=2, ensure_ascii=False, sort_keys=True))
            return 0
        seqs = (
            [args.seq] if args.seq else [r.seq for r in client.list_evaluations(**_filters(args))]
        )
        differ = 0
        for seq in seqs:
            replayed = client.replay(seq)
            ruleset = f"{replayed.ruleset.id}@{replayed.ruleset.version}"
            if replayed.identical:
                print(f"{seq}\tidentical\t{ruleset}")
            else:
                differ += 1
                print(f"{seq}\tDIFFERS\t{ruleset}")
                if replayed.recorded_engine_version != replayed.engine_version:
                    print(
                        f"recorded by engine {replayed.recorded_engine_version}, replayed by "
                        f"{replayed.engine_version}: the difference may be the engine's, not "
                        "the rule set's"
                    )
                sys.stdout.write(replayed.diff)
        print(f"{len(seqs) - differ} of {len(seqs)} replayed byte-identical", file=sys.stderr)
        return 1 if differ else 0


def add_commands(sub: Any) -> None:
    audit = sub.add_parser(
        "audit", help="the decision log: list or show evaluations, replay them (auditor, policy)"
    )
    actions = audit.add_subparsers(dest="action", required=True)
    for action, text in (
        ("list", "recorded evaluations, newest first: seq, time, call, subject, rule set, caller"),
        ("show", "one evaluation as JSON: who asked, the submission, the result, the rule set"),
        ("replay", "re-evaluate on the recorded rule set version; exit 1 if any result differs"),
    ):
        command = actions.add_parser(action, help=text)
        add_connection_options(command)
        if action == "show":
            command.add_argument("seq", type=int, metavar="SEQ")
        else:
            if action == "replay":
                command.add_argument(
                    "seq",
                    type=int,
                    nargs="?",
                    default=0,
                    metavar="SEQ",
                    help="one evaluation; without it, every one the filters match",
                )
            if action == "list":
                command.add_argument(
                    "--format",
                    choices=["tsv", "csv", "markdown"],
                    default="tsv",
                    help="tsv: tab-separated lines; csv: with a header; markdown: a table",
                )
            for name in _FILTERS:
                flag = "--" + name.removesuffix("_id").replace("_", "-")
                command.add_argument(flag, dest=name, default="", help=_HELP.get(name))
        command.set_defaults(run=cmd_audit)
