"""Paired rounds, and the headline ratios `make bench` prints and writes into the README.

These machines are shared and their speed drifts by a tenth or more over minutes, so a
ratio is never two best passes taken minutes apart: each round runs both sides back to back
(the order reversed every other round), each round gives one ratio, and a headline is the
median of the rounds with their spread (lowest to highest).
"""

from __future__ import annotations

import os
import platform
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Headline:
    ratios: tuple[float, ...]
    target: float | None = None  # the goal, if it sets one
    at_most: bool = False  # the goal is a ceiling (a latency ratio), not a floor
    unit: str = "×"

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    def spread(self) -> str:
        low, high = min(self.ratios), max(self.ratios)
        return f"{self.median:.2f}{self.unit} [{low:.2f}-{high:.2f}]"

    def verdict(self) -> str:
        if self.target is None:
            return ""
        met = self.median <= self.target if self.at_most else self.median >= self.target
        goal = f"{'≤' if self.at_most else '≥'} {self.target:g}{self.unit}"
        return f"{goal}: {'met' if met else 'not met'}"


HEADLINES: dict[str, Headline] = {}


def alternate(rounds: int, sides: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """What each side's callable returns, round by round: every side once a round, back to
    back, in the given order on even rounds and reversed on odd ones."""
    got: dict[str, list[float]] = {name: [] for name in sides}
    for round_ in range(rounds):
        names = list(sides) if round_ % 2 == 0 else list(reversed(sides))
        for name in names:
            got[name].append(sides[name]())
    return got


def headline(
    name: str,
    ratios: list[float],
    target: float | None = None,
    at_most: bool = False,
    unit: str = "×",
) -> Headline:
    found = HEADLINES[name] = Headline(tuple(ratios), target, at_most, unit)
    print(f"\n{name}: {found.spread()} {found.verdict()}")
    return found


def ratios(top: list[float], bottom: list[float]) -> list[float]:
    return [a / b for a, b in zip(top, bottom, strict=True)]


def machine() -> str:
    """This machine in one line, as the table names it."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else ""
    return (
        f"{model or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def table() -> str:
    lines = [
        f"Measured by `make bench` on {date.today().isoformat()}: {machine()}. Each ratio is "
        "the median of paired rounds, lowest to highest in brackets.",
        "",
        "| Comparison | Ratio [spread] | Goal |",
        "| --- | --- | --- |",
    ]
    for name, found in HEADLINES.items():
        lines.append(f"| {name} | {found.spread()} | {found.verdict() or '—'} |")
    return "\n".join(lines)


def write_table(readme: Path) -> None:
    """Replace the README's table (between its markers) with this run's."""
    text = readme.read_text()
    begin, end = text.find(START), text.find(END)
    if begin < 0 or end < begin:
        raise SystemExit(f"{readme.name} has no {START} … {END} section for the table")
    readme.write_text(text[: begin + len(START)] + "\n" + table() + "\n" + text[end:])
