"""Reading a contract and its returns: every bad field named, nothing else raised (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probity.engine.compiler.model import InputSpec
from probity.engine.errors import SubmissionError
from probity.engine.evaluation.submission import SubmissionValidator
from probity.engine.monitoring.series import MAX_RETURNS, SeriesReader

INPUTS = [
    InputSpec(path="m.x", type="number", description="x"),
    InputSpec(path="m.on", type="date", required=False, description="done on"),
]
READER = SeriesReader("quarter", SubmissionValidator(INPUTS), ["m.x"])


def good() -> dict[str, Any]:
    return {
        "contract": {"contract_id": "C-1", "targets": {"m.x": 3}},
        "returns": [
            {
                "period": "2026-Q1",
                "due": "2026-04-15",
                "received": "2026-04-20",
                "measures": {"m": {"x": 1}},
            }
        ],
    }


def violations(raw: Any) -> list[str]:
    with pytest.raises(SubmissionError) as caught:
        READER.read(raw)
    return [str(v) for v in caught.value.violations]


def test_a_good_series_reads_with_days_late() -> None:
    read = READER.read(good())
    assert read.contract.targets == {"m.x": 3.0}
    assert [(r.period.label, r.days_late, dict(r.values)) for r in read.returns] == [
        ("2026-Q1", 5, {"m.x": 1.0})
    ]


def test_each_bad_field_is_named() -> None:
    raw = good()
    raw["returns"][0].update(period="2026-3", due="15/04/2026", extra=1)
    raw["returns"].append(
        {
            **good()["returns"][0],
            "contract_id": "C-2",
            "measures": {"m": {"x": 1, "on": "2026-02-31"}},
        }
    )
    assert violations(raw) == [
        "returns[0].due: expected a date like 2026-10-15",
        "returns[0].extra: unknown field",
        "returns[1].contract_id: is not this contract (C-1)",
        "returns[1].measures.m.on: expected a date like 2026-10-15",
    ]
    raw = good()
    raw["contract"].update(value=-1, start="2026-01-01", end="2025-01-01")
    assert violations(raw) == ["contract.value: Input should be greater than or equal to 0"]
    not_a_series = "series: Input should be a valid dictionary or instance of SeriesIn"
    assert violations(None) == [not_a_series]


def test_limits() -> None:
    raw = good()
    raw["returns"] = raw["returns"] * (MAX_RETURNS + 1)
    assert violations(raw) == [
        f"returns: List should have at most {MAX_RETURNS} items after validation, "
        f"not {MAX_RETURNS + 1}"
    ]
    raw["returns"] = []
    assert violations(raw) == ["returns: List should have at least 1 item after validation, not 0"]


def test_a_large_contract_with_few_targets_is_noted() -> None:
    raw = good()
    raw["contract"]["value"] = 6_000_000
    notices = READER.read(raw).notices
    assert notices == (
        "the contract is worth more than £5,000,000 but sets 1 key performance indicator(s); "
        "the Procurement Act 2023 s.52 asks for at least 3",
    )


def test_a_period_outside_the_term_is_noted() -> None:
    raw = good()
    raw["contract"].update(start="2026-04-01", end="2027-03-31")
    assert READER.read(raw).notices == ("2026-Q1: the period is outside the contract's term",)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    ["contract_id", "period", "due", "received", "measures", "targets", "value", "start", "x"]
)


@st.composite
def near_series(draw: st.DrawFn) -> Any:
    raw = good()
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.sampled_from(["contract", "returns"]))
        target = raw[where] if where == "contract" else draw(st.sampled_from(raw["returns"]))
        target[draw(_keys)] = draw(_json)
    return raw


@settings(max_examples=300, deadline=None)
@given(st.one_of(near_series(), _json))
def test_anything_is_read_or_refused_with_field_paths(raw: Any) -> None:
    try:
        READER.read(raw)
    except SubmissionError as error:
        assert error.violations and all(v.field and v.reason for v in error.violations)
