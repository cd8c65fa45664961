"""An evaluation panel run to its end over gRPC, for tests that need a tender's final ranking:
a lead, three evaluators who declare no conflict and score every bid alike, and the lead's
moderation of each panel criterion to the scores given."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from probity.clients.client import ProbityClient
from probity.server.auth import digest

PEOPLE = {
    "lead": "lead",
    "ann": "evaluator",
    "bo": "evaluator",
    "cy": "evaluator",
    "portal": "portal",
    "auditor": "auditor",
}
EVALUATORS = ("ann", "bo", "cy")


def token_file(folder: Path) -> Path:
    """A token file with one token per person: `prb_` and their name."""
    path = folder / "tokens.toml"
    path.write_text(
        "".join(
            f'[[token]]\nname = "{name}"\nrole = "{role}"\nsha256 = "{digest("prb_" + name)}"\n\n'
            for name, role in PEOPLE.items()
        )
    )
    return path


def signed_in(port: int, name: str) -> ProbityClient:
    return ProbityClient(f"127.0.0.1:{port}", token="prb_" + name, timeout=60)


Scores = Mapping[str, Mapping[str, tuple[int, str]]]  # bid → criterion → (points, reasons)


def run_panel(
    port: int,
    tender_id: str,
    scores: Scores,
    lead: tuple[str, str] = ("lead", "prb_lead"),
    evaluators: Mapping[str, str] | None = None,
) -> None:
    """Open the panel, declare, score (every evaluator gives each bid `scores[bid]`:
    criterion → (points, reasons citing the bid)) and moderate to those scores. `lead`: its
    token name and token; `evaluators`: token name → token (else ann, bo and cy)."""
    appointed = evaluators or {name: "prb_" + name for name in EVALUATORS}
    target = f"127.0.0.1:{port}"
    chair = ProbityClient(target, token=lead[1], timeout=60)
    scorers = {n: ProbityClient(target, token=t, timeout=60) for n, t in appointed.items()}
    try:
        panel = chair.panel.open(tender_id, list(appointed))
        bids = [b.submission_id for b in panel.bids]
        for scorer in scorers.values():
            scorer.panel.declare(tender_id, dict.fromkeys(bids))
            for bid in bids:
                scorer.panel.score(tender_id, bid, scores[bid])
        for bid in bids:
            for criterion, (points, why) in scores[bid].items():
                chair.panel.moderate(tender_id, bid, criterion, points, why + " (moderated)")
    finally:
        for client in (chair, *scorers.values()):
            client.close()
