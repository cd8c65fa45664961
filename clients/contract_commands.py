"""`probity contract from-award`: a recorded tender's winning bid as the contract that
monitoring checks, its commitments the targets of the contract's KPIs (DeriveContract).

probity contract from-award --tender T [--contract-id C] [--start D --end D]
    [--first-return-due 2027-Q1] [--target satisfaction.user_pct=85 …]
    --server … --token …   > contract.json
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from google.protobuf import json_format

from probity.clients.remote import add_connection_options, connect


def cmd_from_award(args: argparse.Namespace) -> int:
    targets = {}
    for given in args.target:
        measure, sep, value = given.partition("=")
        try:
            targets[measure] = float(value)
        except ValueError:
            sep = ""
        if not sep or not measure:
            raise SystemExit(f"probity contract: --target takes MEASURE=NUMBER, not {given!r}")
    with connect(args) as client:
        derived = client.derive_contract(args.tender, args.request_id, args.contract_id)
    contract: dict[str, Any] = json_format.MessageToDict(
        derived.contract, preserving_proto_field_name=True
    )
    for name in ("start", "end", "first_return_due"):
        if getattr(args, name):
            contract[name] = getattr(args, name)
    if targets:
        contract["targets"] = targets
    print(json.dumps(contract, indent=2, ensure_ascii=False))
    for note in derived.notes:
        print(f"probity contract: {note}", file=sys.stderr)
    if derived.monitoring_ruleset_id:
        print(
            "probity contract: monitor it with --ruleset "
            f"{derived.monitoring_ruleset_id} (the returns' contract, or --contracts)",
            file=sys.stderr,
        )
    return 0


def add_commands(sub: Any) -> None:
    contract = sub.add_parser("contract", help="contracts from awards (policy, lead, auditor)")
    actions = contract.add_subparsers(dest="action", required=True)
    award = actions.add_parser(
        "from-award",
        help="the winning bid of a recorded tender as a contract, its commitments the KPI targets",
    )
    add_connection_options(award)
    award.add_argument("--tender", required=True, help="the tender's id")
    award.add_argument("--request-id", default="", help="the call that ranked it (newest)")
    award.add_argument("--contract-id", default="", help="default: the tender's id + /contract")
    award.add_argument("--start", default="", help="the contract's start, YYYY-MM-DD")
    award.add_argument("--end", default="", help="its end, YYYY-MM-DD")
    award.add_argument("--first-return-due", default="", help="e.g. 2027-Q1")
    award.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="MEASURE=NUMBER",
        help="the contract's own target for a measure no commitment sets (repeat)",
    )
    award.set_defaults(run=cmd_from_award)
