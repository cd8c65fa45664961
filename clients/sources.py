"""`probity sources`: register the documents rule sets cite, list them, check a quote."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from probity.clients.documents import READABLE, UnreadableDocument, read_document
from probity.engine import ID_PATTERN, Verified, load_library, register, save

DEFAULT_LIBRARY = Path("rules") / "sources"


def cmd_add(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        blocks = read_document(path)
    except (OSError, UnreadableDocument) as exc:
        print(f"probity sources add: {exc}", file=sys.stderr)
        return 1
    details = {
        "id": args.id,
        "title": args.title,
        "author": args.author,
        "publisher": args.publisher,
        "published_in": args.published_in,
        "year": args.year,
        "url": args.url,
        "registered_from": path.name,
    }
    library = Path(args.library)
    if (library / f"{args.id}.json").exists() and not args.replace:
        print(
            f"probity sources add: '{args.id}' is already registered (--replace)", file=sys.stderr
        )
        return 1
    try:
        entry = register(blocks, details)
    except ValidationError as exc:
        problem = exc.errors()[0]
        print(f"probity sources add: --{problem['loc'][0]}: {problem['msg']}", file=sys.stderr)
        return 2
    saved = save(entry, library)
    places = sorted({location for location, _ in blocks if location})
    where = f", in {len(places)} {'part' if len(places) == 1 else 'parts'}" if places else ""
    print(f"registered {entry.id} in {saved}{where}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    library = load_library(Path(args.library))
    for source in library.sources.values():
        print(f"{source.id}\t{source.citation}")
    for name, why in library.broken.items():
        print(f"{name}\tcannot be read: {why}", file=sys.stderr)
    return 1 if library.broken else 0


def cmd_quote(args: argparse.Namespace) -> int:
    checked = load_library(Path(args.library)).check(args.document, args.quote)
    if isinstance(checked, Verified):
        where = f", {checked.location}" if checked.location else ""
        print(f"found in {checked.source.citation}{where}")
        return 0
    print(checked)
    return 1


def add_commands(sub: Any) -> None:
    sources = sub.add_parser("sources", help="the source library: documents rule sets cite")
    verbs = sources.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser(
        "add", help=f"register a document you hold ({', '.join(READABLE)}): its fingerprint"
    )
    add.add_argument("file", metavar="FILE")
    add.add_argument("--id", required=True, help=f"how rule files name it ({ID_PATTERN})")
    add.add_argument("--title", required=True)
    add.add_argument("--author")
    add.add_argument("--publisher")
    add.add_argument("--published-in", help="the book, journal or report it appears in")
    add.add_argument("--year")
    add.add_argument("--url")
    add.add_argument("--replace", action="store_true", help="replace a registered document")
    add.set_defaults(run=cmd_add)
    listing = verbs.add_parser("list", help="the registered documents")
    listing.set_defaults(run=cmd_list)
    quote = verbs.add_parser("quote", help="is this quote in that document, and where?")
    quote.add_argument("document", metavar="ID")
    quote.add_argument("quote", metavar="QUOTE")
    quote.set_defaults(run=cmd_quote)
    for verb in (add, listing, quote):
        verb.add_argument(
            "--library", default=str(DEFAULT_LIBRARY), help="the library folder (rules/sources)"
        )
