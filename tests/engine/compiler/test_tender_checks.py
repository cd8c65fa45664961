"""The procurement mechanics a tender rule set is checked for: its scale and social value."""

from __future__ import annotations

import pytest

from probity.engine.compiler.pipeline import compile_text
from probity.engine.errors import Code
from tests.conftest import FIXTURES
from tests.engine.compiler.test_ruleset import coded, line_of, problems

MINI = (FIXTURES / "mini.yaml").read_text()
SCALE = """scale:
  max_points: 4
  descriptors:
    4: Excellent
    2: Satisfactory
    0: Unacceptable
"""


def with_scale(scale: str, text: str = MINI) -> str:
    return text.replace("inputs:\n", scale + "inputs:\n", 1)


def test_a_scale_with_a_descriptor_for_every_score_used_compiles() -> None:
    compiled = compile_text(with_scale(SCALE), "mini.yaml")
    assert compiled.spec.scale is not None and compiled.spec.scale.descriptors[2] == "Satisfactory"


def test_a_score_without_a_descriptor_is_reported_at_its_points() -> None:
    text = with_scale(SCALE.replace("    2: Satisfactory\n", ""))
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.endswith("points: 2")]
    assert len(lines) == 2  # a plain criterion's points and a level's
    assert coded(text) == {(line, Code.SCALE) for line in lines}


def test_points_above_the_scale_and_descriptors_off_it_are_reported() -> None:
    text = with_scale(
        SCALE.replace("max_points: 4", "max_points: 3").replace("4: Excellent", "5: Top")
    )
    assert {code for _, code in coded(text)} == {Code.SCALE}
    assert (line_of(text, "      - points: 4"), Code.SCALE) in coded(text)
    found = problems(text)
    assert any("a descriptor for 5 is off it" in p for p in found), found
    assert any("descriptor for each end" in p and "score of 3" in p for p in found), found


def test_monitoring_rule_sets_refuse_a_scale_and_social_value() -> None:
    text = (FIXTURES / "patterns-monitoring.yaml").read_text()
    text = with_scale(SCALE, text)
    text = text.replace("{id: accountability,", "{social_value: true, id: accountability,")
    assert coded(text) == {
        (line_of(text, "scale:"), Code.WRONG_KIND),
        (line_of(text, "social_value"), Code.WRONG_KIND),
    }


@pytest.mark.parametrize(
    ("leadership", "award", "message"),
    [
        (40, "", None),
        (9, "", "social value carries 9% of the combined score; UK PPN 002 asks for at least 10%"),
        (
            15,
            "award:\n  quality: 60\n  price: 40\n",
            "social value carries 9% of the combined score (15% of quality × 60% quality)",
        ),
        (20, "award:\n  quality: 50\n  price: 50\n", None),
    ],
)
def test_social_value_carries_at_least_ten_percent_of_the_combined_score(
    leadership: int, award: str, message: str | None
) -> None:
    text = (
        MINI.replace("weight: 60", f"weight: {100 - leadership}")
        .replace("weight: 40", f"weight: {leadership}\n    social_value: true")
        .replace("bands:\n", award + "bands:\n", 1)
    )
    if message is None:
        assert compile_text(text, "mini.yaml").spec.principles[1].social_value
    else:
        assert coded(text) == {(line_of(text, "social_value") - 1, Code.SOCIAL_VALUE)}
        assert any(message in p for p in problems(text))


@pytest.mark.parametrize(
    ("quote", "ok"),
    [
        ("They must declare and resolve any interests and relationships.", True),
        ("Suppliers should not subcontract unless the commissioner agrees.", True),
        ("They should be willing to withdraw from a discussion.", False),
        ("Mustard is not a duty.", False),
    ],
)
def test_a_gate_quotes_a_sentence_that_makes_the_duty_mandatory(quote: str, ok: bool) -> None:
    text = MINI.replace(
        "      quote: They must declare and resolve any interests and relationships.",
        f"      quote: {quote}",
        1,
    )
    if ok:
        assert compile_text(text, "mini.yaml").criteria[0].gate
    else:
        assert coded(text) == {(line_of(text, "gate: true"), Code.GATE)}
