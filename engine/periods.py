"""Monitoring periods ('2026-Q3', '2026-07') and the dates the patterns compare.

A period becomes an ordinal, so that 'the next period' is ordinal + 1 and durable_rules can
join returns of consecutive periods with plain arithmetic; dates become day numbers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_EXAMPLE = {"quarter": "a quarter like 2026-Q3", "month": "a month like 2026-07"}


@dataclass(frozen=True, slots=True, order=True)
class Period:
    ordinal: int  # consecutive periods have consecutive ordinals
    label: str
    start: date  # the period's first day
    end: date  # the period's last day


def parse_period(text: str, kind: str) -> Period:
    """A period label of the rule set's kind, or ValueError saying what was expected."""
    pattern = _QUARTER if kind == "quarter" else _MONTH
    found = pattern.match(text) if isinstance(text, str) else None
    if found is None or int(found.group(1)) < 1900:
        raise ValueError(f"expected {_EXAMPLE[kind]}")
    year, part = int(found.group(1)), int(found.group(2))
    if kind == "quarter":
        first, month, ordinal = part * 3 - 2, part * 3, year * 4 + part - 1
    else:
        first, month, ordinal = part, part, year * 12 + part - 1
    last = date(year, month, calendar.monthrange(year, month)[1])
    return Period(ordinal, text, date(year, first, 1), last)


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD), or ValueError."""
    if not isinstance(text, str) or len(text) != 10:
        raise ValueError("expected a date like 2026-10-15")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("expected a date like 2026-10-15") from None


def day_number(day: date) -> int:
    """Days since 1 January of year 1: what facts carry for a date."""
    return day.toordinal()


def months_before(day: date, months: int) -> date:
    """The same day N months earlier, clamped to the month's end (31 March - 1 month is
    28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_of(ordinal: int, kind: str) -> Period:
    """The period with this ordinal (the inverse of parse_period's)."""
    if kind == "quarter":
        year, part = divmod(ordinal, 4)
        return parse_period(f"{year}-Q{part + 1}", kind)
    year, part = divmod(ordinal, 12)
    return parse_period(f"{year}-{part + 1:02d}", kind)
