"""Two versions of a rule set compared in words (engine.comparison)."""

from __future__ import annotations

from probity.engine.comparison import compare
from probity.engine.compiler.pipeline import compile_text
from tests.conftest import RULES

NOLAN = (RULES / "nolan-tender.yaml").read_text()


def _compiled(text: str) -> object:
    return compile_text(text, "nolan-tender.yaml")


def test_the_same_text_has_no_changes() -> None:
    assert compare(_compiled(NOLAN), _compiled(NOLAN)) == []  # type: ignore[arg-type]


def test_each_kind_of_change_is_said_in_words() -> None:
    old = compile_text(NOLAN, "nolan-tender.yaml")
    criterion = old.criteria[3]
    gate = next(c for c in old.criteria if c.gate)
    text = (
        NOLAN.replace("weight: 20", "weight: 25", 1)
        .replace("weight: 10", "weight: 5", 1)  # the weights still add up to 100
        .replace(f'title: "{criterion.title}"', f'title: "{criterion.title}, renamed"', 1)
        .replace("quality: 60\n  price: 40", "quality: 70\n  price: 30")
    )
    new = compile_text(text, "nolan-tender.yaml")
    said = [(c.about, c.said) for c in compare(old, new)]
    principles = [s for about, s in said if about == "Principles"]
    assert "Integrity's weight: 20 → 25." in principles
    assert any(s.endswith("weight: 10 → 5.") for s in principles)
    assert (
        "Criteria",
        f"{criterion.id} retitled: ‘{criterion.title}’ → ‘{criterion.title}, renamed’.",
    ) in said
    assert (
        "Award",
        "The quality:price split: quality 60 : price 40 → quality 70 : price 30.",
    ) in said
    assert not any(gate.id in s for _, s in said)  # what did not change is not listed
    assert all("." in s and "_" not in s.split(":")[0] for _, s in said)  # sentences, no paths
