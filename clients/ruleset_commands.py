"""`probity rules`: the rule sets a server holds, listed, read, validated, published,
reloaded, their history told and their texts exported."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from probity.clients.client import ProbityClient
from probity.clients.remote import add_connection_options, connect
from probity.clients.tables import write_table


def _list(client: ProbityClient, args: argparse.Namespace) -> int:
    rows = (
        [
            info.id,
            info.version,
            info.kind,
            info.digest[:12],
            info.title
            + (f" (also held: {', '.join(info.other_versions)})" if info.other_versions else ""),
        ]
        for info in client.list_rulesets()
    )
    header = ["rule set", "version", "kind", "digest", "title"]
    write_table(rows, header, args.format, sys.stdout)
    return 0


def _get(client: ProbityClient, args: argparse.Namespace) -> int:
    got = client.get_ruleset(args.target, args.version)
    sys.stdout.write(got.source_text)
    print(f"# {got.ruleset.id} {got.ruleset.version} sha256:{got.ruleset.digest}", file=sys.stderr)
    return 0


def _history(client: ProbityClient, args: argparse.Namespace) -> int:
    for made in client.get_ruleset(args.target).activations:
        name = made.by_name or "a caller without a token"
        by = f"{name} ({made.by_role})" if made.by_role else name
        note = f"\t{made.note}" if made.note else ""
        print(f"{made.activated_at}\t{made.version}\t{made.how} by {by}{note}")
    return 0


def _reload(client: ProbityClient, args: argparse.Namespace) -> int:
    reloaded = client.reload_rulesets()
    for diagnostic in reloaded.diagnostics:
        kind = "warning: " if diagnostic.severity == "warning" else ""
        where = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}"
        print(f"{where}: {kind}{diagnostic.message}")
    for info in reloaded.rulesets:
        print(f"active: {info.id} {info.version}")
    return 1 if any(d.severity != "warning" for d in reloaded.diagnostics) else 0


def _validate(client: ProbityClient, args: argparse.Namespace) -> int:
    path = Path(args.target)
    checked = client.validate_ruleset(path.read_text(encoding="utf-8"), path.name)
    for diagnostic in checked.diagnostics:
        # The server names the file as sent; say it as the user gave it.
        shown = str(path) if diagnostic.file == path.name else diagnostic.file
        kind = "warning: " if diagnostic.severity == "warning" else ""
        print(f"{shown}:{diagnostic.line}:{diagnostic.column}: {kind}{diagnostic.message}")
    if checked.valid:
        print(f"{path}: ok ({checked.ruleset.id} {checked.ruleset.version})")
    return 0 if checked.valid else 1


def _publish(client: ProbityClient, args: argparse.Namespace) -> int:
    path = Path(args.target)
    text = path.read_text(encoding="utf-8")
    published = client.publish_ruleset(text, path.name, note=args.note)
    before = f" (was {published.previous_version})" if published.previous_version else " (new)"
    print(f"published {published.ruleset.id} {published.ruleset.version}{before}")
    return 0


def _export(client: ProbityClient, args: argparse.Namespace) -> int:
    """Each rule set's active version written to --out as <id>.yaml, exactly as the store
    holds it: a copy for review in version control (the server never reads it back)."""
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for info in client.list_rulesets():
        got = client.get_ruleset(info.id)
        path = folder / f"{info.id}.yaml"
        path.write_text(got.source_text, encoding="utf-8")
        print(f"{path}\t{info.version}\tsha256:{info.digest}")
    return 0


def _on_server(action: Callable[[ProbityClient, argparse.Namespace], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        with connect(args) as client:
            return action(client, args)

    return run


_ACTIONS = {
    name: _on_server(action)
    for name, action in (
        ("list", _list),
        ("get", _get),
        ("validate", _validate),
        ("publish", _publish),
        ("reload", _reload),
        ("history", _history),
        ("export", _export),
    )
}


def add_commands(sub: Any) -> None:
    rules = sub.add_parser("rules", help="list, get, validate, publish or reload rule sets")
    actions = rules.add_subparsers(dest="action", required=True)
    for action, target, text in (
        ("list", None, "the active version of every rule set"),
        ("get", "ID", "print a rule set's source text"),
        ("validate", "FILE", "check a rule file on the server"),
        ("publish", "FILE", "validate a rule file and make it the active version"),
        (
            "reload",
            None,
            "take rule sets new to the store from the server's rules folder, "
            "and the store's active versions",
        ),
        ("history", "ID", "who made which version of a rule set active, when, and why"),
        ("export", None, "write each active version's text to --out, for version control"),
    ):
        command = actions.add_parser(action, help=text)
        add_connection_options(command)
        if target:
            command.add_argument("target", metavar=target)
        else:
            command.set_defaults(target="")
        if action == "get":
            command.add_argument("--version", default="", help="a held version")
        if action == "publish":
            command.add_argument("--note", default="", help="why: kept with the version")
        if action == "export":
            command.add_argument("--out", required=True, metavar="DIR")
        if action == "list":
            command.add_argument(
                "--format",
                choices=["tsv", "csv", "markdown"],
                default="tsv",
                help="tsv: tab-separated lines; csv: with a header; markdown: a table",
            )
        command.set_defaults(run=_ACTIONS[action])
