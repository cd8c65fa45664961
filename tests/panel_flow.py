"""An evaluation panel run to its end over gRPC, for tests that need a tender's final ranking:
a lead, three evaluators who declare no conflict and score every bid alike, and the lead's
moderation of each panel criterion to the scores given."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    with ProbityClient(target, token=lead[1], timeout=60) as chair:
        chair.panel.open(tender_id, list(appointed))
    _score_and_moderate(target, tender_id, scores, lead[1], appointed, declared=())


def finish_panel(
    port: int,
    tender_id: str,
    lead: tuple[str, str],
    evaluators: Mapping[str, str],
) -> None:
    """Take a recorded tender through its panel: each evaluator reads each bid and scores
    every panel criterion 4 for an answer that names things at length (over 200
    characters) and 0 for one that does not, quoting the answer as the reason; the lead
    moderates to that score."""
    target = f"127.0.0.1:{port}"
    with ProbityClient(target, token=next(iter(evaluators.values())), timeout=60) as reader:
        with ProbityClient(target, token=lead[1], timeout=60) as chair:
            bids = [b.submission_id for b in chair.panel.open(tender_id, list(evaluators)).bids]
        reader.panel.declare(tender_id, dict.fromkeys(bids))
        scores: dict[str, dict[str, tuple[int, str]]] = {}
        for bid in bids:
            shown = reader.panel.bid(tender_id, bid)
            scores[bid] = {
                a.criterion: (4 if len(a.text) > 200 else 0, f"The answer says: “{a.text[:80]}”.")
                for a in shown.answers
            }
    _score_and_moderate(
        target, tender_id, scores, lead[1], evaluators, declared=list(evaluators)[:1]
    )


def _score_and_moderate(
    target: str,
    tender_id: str,
    scores: Scores,
    lead: str,
    evaluators: Mapping[str, str],
    declared: Iterable[str],
) -> None:
    """Each evaluator declares no conflict (unless `declared` already) and scores every bid
    as `scores` says; the lead moderates each criterion to that score."""
    chair = ProbityClient(target, token=lead, timeout=60)
    done = set(declared)
    scorers = {n: ProbityClient(target, token=t, timeout=60) for n, t in evaluators.items()}
    try:
        for name, scorer in scorers.items():
            if name not in done:
                scorer.panel.declare(tender_id, dict.fromkeys(scores))
            for bid, given in scores.items():
                scorer.panel.score(tender_id, bid, given)
        for bid, given in scores.items():
            for criterion, (points, why) in given.items():
                chair.panel.moderate(tender_id, bid, criterion, points, why + " (moderated)")
    finally:
        for client in (chair, *scorers.values()):
            client.close()
