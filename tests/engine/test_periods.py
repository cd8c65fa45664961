"""Period labels and month arithmetic (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probity.engine.periods import months_before, parse_date, parse_period


@given(st.integers(1900, 9998), st.integers(1, 4))
def test_quarters_follow_each_other(year: int, quarter: int) -> None:
    this = parse_period(f"{year}-Q{quarter}", "quarter")
    following = f"{year + quarter // 4}-Q{quarter % 4 + 1}"
    nxt = parse_period(following, "quarter")
    assert nxt.ordinal == this.ordinal + 1
    assert nxt.start == this.end + timedelta(days=1)
    assert this.label == f"{year}-Q{quarter}" and this.start.month == quarter * 3 - 2


@given(st.integers(1900, 9998), st.integers(1, 12))
def test_months_follow_each_other(year: int, month: int) -> None:
    this = parse_period(f"{year}-{month:02d}", "month")
    nxt = parse_period(f"{year + month // 12}-{month % 12 + 1:02d}", "month")
    assert nxt.ordinal == this.ordinal + 1 and nxt.start == this.end + timedelta(days=1)


@given(st.text(max_size=12), st.sampled_from(["quarter", "month"]))
def test_any_text_is_a_period_or_says_what_was_expected(text: str, kind: str) -> None:
    try:
        period = parse_period(text, kind)
    except ValueError as exc:
        assert str(exc) in ("expected a quarter like 2026-Q3", "expected a month like 2026-07")
    else:
        assert period.label == text and period.start <= period.end


def test_a_month_label_is_not_a_quarter() -> None:
    with pytest.raises(ValueError, match="quarter like 2026-Q3"):
        parse_period("2026-07", "quarter")


@given(st.dates(date(1901, 1, 1), date(9999, 12, 31)), st.integers(0, 120))
def test_months_before_keeps_the_day_or_the_month_end(day: date, months: int) -> None:
    back = months_before(day, months)
    assert (day.year * 12 + day.month) - (back.year * 12 + back.month) == months
    assert back.day == day.day or (back.day < day.day and (back + timedelta(days=1)).day == 1)


@given(st.text(max_size=12))
def test_dates_are_iso_days_or_an_error(text: str) -> None:
    try:
        parsed = parse_date(text)
    except ValueError as exc:
        assert str(exc) == "expected a date like 2026-10-15"
    else:
        assert parsed.isoformat() == text
