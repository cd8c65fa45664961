"""Every quote supports its criterion: a screen, not a proof. A criterion whose quote shares
no word with what it says to people (title, explanations, advice, and the questions of the
answers it reads) is either re-grounded or listed below with the reading that ties them.
The screen caught OPN-07 citing a sector representative's duty for a supplier's complaints
report, and an edit that moved OPN-02's quote by mistake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import RULES

# Words that carry no subject; a word is compared by its first five letters, which is
# enough to match "declare" with "declared" and "transparent" with "transparency".
_STOP_TEXT = """
also been both does each either every from have into more most must only other over same
should some such than that their them then there these they this those under very were what
when where which while will with within without would your holders office public providers
representatives
"""
_STOP = set(_STOP_TEXT.split())

# Reviewed: the quote is the principle the criterion carries out, in other words.
READ = {
    ("ethical-standards-monitoring", "RETURNS-LATE"): "returns on time are the scrutiny",
    ("ethical-standards-monitoring", "RETURN-VERY-LATE"): "returns on time are the scrutiny",
    ("ethical-standards-monitoring", "GIFTS-UNREGISTERED"): "gifts are the obligations",
    ("ethical-standards-monitoring", "TRAINING-BELOW-TARGET"): "training promotes them",
    ("ethical-standards-monitoring", "TRAINING-FALLING"): "training promotes them",
    ("ethical-standards-monitoring", "WHISTLEBLOWING-SLOW"): "answering challenge",
    ("ethical-standards-monitoring", "FIGURES-RESTATED"): "restated figures were untrue",
    ("ethical-standards-monitoring", "COMPLAINT-RESPONSE-SLOW"): "held to account by users",
    ("ethical-standards-monitoring", "SCRUTINY-REFUSED"): "refusing reviewers is refusing it",
    ("nolan-tender", "ACC-06"): "monitoring is the scrutiny necessary",
    ("nolan-tender", "HON-03"): "correcting errors is being truthful",
    ("nolan-tender", "HON-04"): "an unevidenced claim is not truthful",
    ("nolan-tender", "OPN-03"): "publishing performance is acting openly",
    ("nolan-tender", "LEA-05"): "answering whistleblowers supports challenge",
    ("nolan-tender", "LEA-08"): "a board review promotes and supports the principles",
    ("partnership-protocol", "ETH-OPEN-DIALOGUE"): "published minutes are open dialogue",
    ("partnership-protocol", "ALIGN-TIME"): "papers' notice is the time to understand",
    ("provider-representatives", "HON-01"): "a statement of truth",
    ("provider-representatives", "HON-02"): "untrue statements",
}


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in _STOP}


def _said(criterion: dict, questions: dict[str, str]) -> str:
    explain = criterion.get("explain") or {}
    read = [text for path, text in questions.items() if path in yaml.safe_dump(criterion)]
    parts = [criterion["title"], *map(str, explain.values()), *read]
    return " ".join([*parts, criterion.get("remedy") or criterion.get("action") or ""])


def _unsupported(path: Path) -> set[tuple[str, str]]:
    spec = yaml.safe_load(path.read_text())
    questions = {
        i["path"]: f"{i.get('description', '')} {i.get('question', '')}" for i in spec["inputs"]
    }
    return {
        (spec["id"], c["id"])
        for c in spec["criteria"]
        if not _words(c["source"]["quote"]) & _words(_said(c, questions))
    }


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_quote_shares_its_subject_or_its_reading_is_recorded(path: Path) -> None:
    reviewed = {key for key in READ if key[0] == path.stem}
    assert _unsupported(path) == reviewed


def test_the_screen_flags_a_quote_about_something_else() -> None:
    criterion = {
        "title": "Complaints reported publicly",
        "explain": {"met": "The supplier publishes a complaints report."},
        "remedy": "Publish a yearly complaints report.",
        "source": {"quote": "Holders of public office should be truthful."},
    }
    assert not _words(criterion["source"]["quote"]) & _words(_said(criterion, {}))
