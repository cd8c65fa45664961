"""`probity panel …`: a recorded tender's evaluation panel, through PanelService.

probity panel list [--format …]                     the panels you may see (yours, if an evaluator)
probity panel open T --evaluators ann,bo,cy         the lead opens it, appointing evaluators
probity panel declare T [--conflict BID="what"]     an evaluator, for every bidder at once
                                                    (later: a conflict that has arisen)
probity panel mitigate T EVALUATOR BID "how"        the lead, for a declared conflict
probity panel bid T BID                             an evaluator reads a bid's answers
probity panel score T BID --score SEL-02=3 --why SEL-02="…"   an evaluator, every criterion
probity panel scores T BID                          everyone's scores, side by side
probity panel moderate T BID CRITERION POINTS "why" the lead records the consensus
probity panel finish T                              the lead: the final ranking, made again
probity panel show T                                where the panel stands; its checks
probity panel conflicts T [--format …]              the conflicts assessment
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from probity.clients.remote import add_connection_options, connect
from probity.clients.tables import write_table


def _pairs(given: list[str], flag: str) -> dict[str, str]:
    """KEY=VALUE arguments, each key once."""
    found: dict[str, str] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"probity panel: {flag} takes KEY=VALUE, not {item!r}")
        if key in found:
            raise SystemExit(f"probity panel: {flag} names {key} twice")
        found[key] = value
    return found


def cmd_panel(args: argparse.Namespace) -> int:
    with connect(args) as client:
        panel = client.panel
        action = args.action
        if action == "list":
            header = ["tender", "lead", "evaluators", "opened at"]
            listed = panel.list_panels()
            rows = ([p.tender_id, p.lead, ", ".join(p.evaluators), p.opened_at] for p in listed)
            write_table(rows, header, args.format, sys.stdout)
        elif action == "open":
            evaluators = [e.strip() for e in args.evaluators.split(",") if e.strip()]
            opened = panel.open(args.tender, evaluators, args.divergence)
            print(
                f"panel of {opened.tender_id} opened by {opened.lead}: "
                + ", ".join(opened.evaluators)
            )
        elif action == "declare":
            shown = panel.get(args.tender)
            conflicts = _pairs(args.conflict, "--conflict")
            bids = [b.submission_id for b in shown.bids]
            unknown = sorted(set(conflicts) - set(bids))
            if unknown:
                raise SystemExit(
                    f"probity panel: tender {args.tender} has no bid {', '.join(unknown)}"
                )
            # Every bid not yet declared, and each conflict named (one may arise later).
            declared = {r.submission_id for r in shown.records if r.kind == "declared"}
            sent = [b for b in bids if b not in declared or b in conflicts]
            left = panel.declare(args.tender, {b: conflicts.get(b) for b in sent})
            said = ", ".join(f"{b} (conflict)" if b in conflicts else b for b in sent)
            print(f"declared: {said}" + (f"; still to declare: {', '.join(left)}" if left else ""))
        elif action == "mitigate":
            record = panel.mitigate(args.tender, args.evaluator, args.bid, args.mitigation)
            print(f"mitigation recorded by {record.by} at {record.recorded_at}")
        elif action == "bid":
            _print_bid(panel.bid(args.tender, args.bid))
        elif action == "score":
            points, why = _pairs(args.score, "--score"), _pairs(args.why, "--why")
            if set(points) != set(why):
                raise SystemExit("probity panel: give --score and --why for the same criteria")
            scores = {c: (_points(p), why[c]) for c, p in points.items()}
            records = panel.score(args.tender, args.bid, scores)
            print(f"{len(records)} scores of {args.bid} recorded; they are final")
        elif action == "scores":
            _print_scores(panel.scores(args.tender, args.bid))
        elif action == "moderate":
            done = panel.moderate(
                args.tender, args.bid, args.criterion, args.points, args.rationale
            )
            print(
                f"{args.criterion} of {args.bid} moderated to {args.points}"
                + ("; every panel criterion of the bid is moderated" if done.complete else "")
            )
        elif action == "finish":
            final = panel.finish(args.tender)
            print(
                f"tender {args.tender}'s ranking was already final"
                if final
                else f"tender {args.tender} ranked again with the panel's scores: final"
            )
        elif action == "show":
            _print_panel(panel.get(args.tender))
        else:  # conflicts
            lines = panel.get(args.tender).conflicts
            header = [
                "evaluator",
                "bid",
                "declared at",
                "conflict",
                "what",
                "mitigation",
                "mitigated by",
                "handled",
                "conflict arose at",
            ]
            rows = (
                [
                    c.evaluator,
                    c.submission_id,
                    c.declared_at,
                    "yes" if c.conflict else "no",
                    c.details,
                    c.mitigation,
                    c.mitigated_by,
                    c.handled,
                    c.arose_at,
                ]
                for c in lines
            )
            write_table(rows, header, args.format, sys.stdout)
    return 0


def _points(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SystemExit(f"probity panel: a score is a whole number, not {text!r}") from None


def _print_bid(bid: Any) -> None:
    for criterion in bid.criteria:
        print(
            f"{criterion.criterion}: {criterion.title}"
            + (
                " (pass/fail: 1 passes, 0 fails)"
                if criterion.gate
                else f" (0 to {criterion.max_points})"
            )
        )
        print(f"  What a good answer shows: {criterion.guidance}")
        for points in sorted(criterion.descriptors, reverse=True):
            print(f"  {points}: {criterion.descriptors[points]}")
        for answer in (a for a in bid.answers if a.criterion == criterion.criterion):
            print(f"  Asked: {answer.question or answer.label}")
            print(f"  Answered: {answer.text or '(not given)'}")
        print()
    if bid.submitted:
        print("You have submitted your scores of this bid.")


def _print_scores(scores: Any) -> None:
    for criterion in scores.criteria:
        flag = (
            f" — spread {criterion.spread}, beyond the panel's divergence"
            if criterion.divergent
            else ""
        )
        print(f"{criterion.criterion}{flag}")
        for s in criterion.scores:
            print(f"  {s.evaluator}: {s.points} — {s.rationale}")
        if criterion.moderated:
            print(f"  consensus: {criterion.consensus} — {criterion.rationale}")


def _print_panel(panel: Any) -> None:
    print(
        f"Panel of tender {panel.tender_id} ({panel.ruleset_id} {panel.ruleset_version}), "
        f"led by {panel.lead or '(not opened)'}; evaluators: {', '.join(panel.evaluators)}"
    )
    for bid in panel.bids:
        print(
            f"  {bid.submission_id} ({bid.supplier_name}): "
            + ("moderated" if bid.complete else "awaiting the panel")
        )
    for check in panel.checks:
        print(f"check ({check.kind}): {check.said}")


def add_commands(sub: Any) -> None:
    panel = sub.add_parser(
        "panel",
        help="a recorded tender's evaluation panel: declare, score, moderate (lead, evaluator)",
    )
    actions = panel.add_subparsers(dest="action", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        command: argparse.ArgumentParser = actions.add_parser(name, help=text)
        add_connection_options(command)
        command.add_argument("tender", metavar="TENDER")
        command.set_defaults(run=cmd_panel)
        return command

    listed = actions.add_parser("list", help="the panels you may see, newest first")
    add_connection_options(listed)
    listed.add_argument("--format", choices=["tsv", "csv", "markdown"], default="tsv")
    listed.set_defaults(run=cmd_panel)
    opened = action("open", "open a recorded tender for panel scoring (lead)")
    opened.add_argument("--evaluators", required=True, help="their token names, comma-separated")
    opened.add_argument(
        "--divergence",
        type=int,
        default=0,
        help="flag scores further apart than this many points (default 1)",
    )
    declared = action(
        "declare", "declare, for every bidder, whether you have a conflict of interest"
    )
    declared.add_argument(
        "--conflict",
        action="append",
        default=[],
        metavar='BID="WHAT"',
        help="a bid you have a conflict with, and what it is (repeat); "
        "every other bid is declared free of conflict",
    )
    mitigated = action("mitigate", "record how a declared conflict is mitigated (lead)")
    for name in ("evaluator", "bid", "mitigation"):
        mitigated.add_argument(name)
    action(
        "bid", "a bid's answers to the panel criteria, with descriptors and guidance"
    ).add_argument("bid")
    scored = action("score", "your scores of every panel criterion of a bid; final once sent")
    scored.add_argument("bid")
    scored.add_argument("--score", action="append", default=[], metavar="CRITERION=POINTS")
    scored.add_argument(
        "--why",
        action="append",
        default=[],
        metavar='CRITERION="REASONS"',
        help="the reasons, referring to the bid's own text",
    )
    action("scores", "every evaluator's scores of a bid, side by side").add_argument("bid")
    moderated = action("moderate", "record the consensus score of a criterion of a bid (lead)")
    moderated.add_argument("bid")
    moderated.add_argument("criterion")
    moderated.add_argument("points", type=int)
    moderated.add_argument("rationale")
    action("finish", "make the final ranking again, if it failed after moderation (lead)")
    action("show", "where the panel stands, and its checks (lead, auditor)")
    conflicts = action("conflicts", "the conflicts assessment (lead, auditor)")
    conflicts.add_argument("--format", choices=["tsv", "csv", "markdown"], default="tsv")
