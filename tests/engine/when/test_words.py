"""Conditions in plain words: labels for answers, words for operators; never a dotted path,
an operator or a quote mark of the rule language."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.when.expression import parse
from probity.engine.when.words import term_for, words

TERMS = {
    "staff.ethics_training_pct": term_for("staff.ethics_training_pct", None, "number"),
    "coi.declared": term_for("coi.declared", "Interests declared", "boolean"),
    "policies": term_for("policies", "Policies adopted", "list"),
    "project.resource_plan": term_for("project.resource_plan", None, "string"),
    "a.b.register_review_months": term_for("a.b.register_review_months", None, "integer"),
}
RAW = re.compile(r"[a-z_]+\.[a-z_]+|>=|<=|==|!=|[<>\"]|\band\b\s*$")


@pytest.mark.parametrize(
    ("condition", "said", "beside_its_answer"),
    [
        ("staff.ethics_training_pct >= 60", "ethics training at least 60%", "at least 60%"),
        ("60 <= staff.ethics_training_pct", "ethics training at least 60%", "at least 60%"),
        ("coi.declared", "Interests declared: yes", "Interests declared: yes"),
        ("not coi.declared", "Interests declared: no", "Interests declared: no"),
        ("coi.declared == false", "Interests declared: no", "Interests declared: no"),
        ('policies contains "whistleblowing"', "Policies adopted includes whistleblowing",
         "Policies adopted includes whistleblowing"),
        ('project.resource_plan == "costed_plan"', "resource plan: costed plan",
         "resource plan: costed plan"),
        ('project.resource_plan in ["a_b", "c"]', "resource plan is one of a b or c",
         "resource plan is one of a b or c"),
        ("a.b.register_review_months <= 12", "b register review months at most 12",
         "b register review months at most 12"),
    ],
)  # fmt: skip
def test_conditions_read_as_words(condition: str, said: str, beside_its_answer: str) -> None:
    node = parse(condition)
    assert words(node, TERMS) == said
    assert words(node, TERMS, subject="staff.ethics_training_pct") == beside_its_answer


def test_a_label_replaces_the_path_and_a_percent_label_keeps_one_sign() -> None:
    terms = {"x.trained_pct": term_for("x.trained_pct", "Staff trained (%)", "number")}
    assert words(parse("x.trained_pct > 50"), terms) == "Staff trained more than 50%"


ATOMS = st.sampled_from(
    [
        "staff.ethics_training_pct >= 60",
        "staff.ethics_training_pct < 5",
        "coi.declared",
        "coi.declared != true",
        'policies contains "whistleblowing"',
        'project.resource_plan == "costed_plan"',
        'project.resource_plan not in ["estimate"]',
        "staff.ethics_training_pct + 10 > a.b.register_review_months * 2",
        "a.b.register_review_months != 3",
    ]
)


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(ATOMS)
    op = draw(st.sampled_from(["and", "or"]))
    parts = [draw(conditions(depth + 1)) for _ in range(draw(st.integers(2, 3)))]
    text = f" {op} ".join(f"({p})" for p in parts)
    return f"not ({text})" if draw(st.booleans()) else text


@settings(max_examples=200, deadline=None)
@given(conditions())
def test_no_path_operator_or_quote_survives(condition: str) -> None:
    said = words(parse(condition), TERMS)
    assert not RAW.search(said), said
