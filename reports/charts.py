"""Charts for reports, drawn as SVG without a browser (matplotlib): text stays text, so a
reader can select it and a screen reader can read it, and the same bytes come out every run.
"""

from __future__ import annotations

import functools
import html
import io
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from probity.reports.wording import share_of_points

_SVG_START = re.compile(r"<svg\b")
_Chart = TypeVar("_Chart", bound=Callable[..., str])
# pyplot's figures and rc_context's settings are process-wide state: the service draws
# charts on several threads (assessment summaries), so one chart is drawn at a time.
_DRAWING = threading.Lock()


def _one_at_a_time(draw: _Chart) -> _Chart:
    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> str:
        with _DRAWING:
            return draw(*args, **kwargs)

    return drawn  # type: ignore[return-value]


# Shared by every chart: text as text, the same ids every run, and a "$" in a supplier's name
# is a dollar, not TeX.
_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "probity",
    "font.size": 9,
    "text.parse_math": False,
}
# Colours told apart with the commonest colour blindness (ColorBrewer's Dark2, darker blue).
_COLOURS = ("#1f4e79", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")


def standing(bid: dict[str, Any]) -> str:
    """Why a bid is not ranked, as a chart's legend and its text equivalent say it: "" for a
    ranked bid."""
    if bid.get("rejected"):
        return "rejected"
    if bid.get("not_awardable"):
        return "may not be awarded"
    return ""


def bid_name(bid: dict[str, Any]) -> str:
    return str(bid.get("supplier_name") or bid.get("supplier_id") or bid["submission_id"])


def principle_percentages(bids: list[dict[str, Any]]) -> list[tuple[str, list[float | None]]]:
    """The figures the principle chart draws, for its text equivalent: per bid, each
    principle's share of what it could score, in percent."""
    return [(bid_name(b), [share_of_points(p) for p in b["result"]["principles"]]) for b in bids]


@_one_at_a_time
def principle_scores(tender: dict[str, Any], title: str, described_by: str = "") -> str:
    """A grouped bar chart: each principle as a percentage of what it could score, for every
    bid (weights differ, so points would make a heavy principle tower over a light one
    whatever the bids did). Every bar is labelled with its value; a zero is drawn as a mark
    on the axis, not as nothing; a rejected bid or one that may not be awarded is hatched and
    named so in the legend. An inline <svg> element with its title for assistive technology."""
    import matplotlib  # imported here: only reports draw charts (half a second to import)

    matplotlib.use("Agg")
    from matplotlib import pyplot

    bids = tender.get("bids", [])
    principles = bids[0]["result"]["principles"] if bids else []
    names = [p["name"] for p in principles]
    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        figure, axes = pyplot.subplots(figsize=(7.5, 3.0))
        width = 0.8 / max(1, len(bids))
        bars, labels = [], []
        for n, (bid, (name, shares)) in enumerate(
            zip(bids, principle_percentages(bids), strict=True)
        ):
            heights = [s or 0.0 for s in shares]
            offsets = [k + (n - (len(bids) - 1) / 2) * width for k in range(len(names))]
            colour, marked = _COLOURS[n % len(_COLOURS)], standing(bid)
            drawn = axes.bar(
                offsets,
                heights,
                width,
                color=colour,
                alpha=0.45 if marked else 1.0,
                hatch="///" if marked else None,
                edgecolor=colour,
            )
            zeros = [o for o, s in zip(offsets, shares, strict=True) if s == 0]
            if zeros:  # a zero is a score, not a missing bar
                axes.scatter(
                    zeros,
                    [0] * len(zeros),
                    marker="_",
                    s=120,
                    color=colour,
                    zorder=3,
                    clip_on=False,
                )
            axes.bar_label(
                drawn,
                labels=[f"{s:.0f}" if s is not None else "n/a" for s in shares],
                fontsize=6,
                padding=1,
            )
            bars.append(drawn)
            labels.append(f"{name} ({marked})" if marked else name)
        axes.set_xticks(range(len(names)), names, rotation=20, ha="right")
        axes.set_ylim(0, 110)
        axes.set_yticks([0, 25, 50, 75, 100])
        axes.set_ylabel("% of the principle's points")
        axes.legend(
            bars,
            labels,  # given, not collected: matplotlib leaves out a label starting with "_"
            fontsize=7,
            ncols=min(3, max(1, len(bids))),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.3),
            frameon=False,
        )
        axes.spines[["top", "right"]].set_visible(False)
        return _inline_svg(figure, title, described_by)


@_one_at_a_time
def quality_and_price(tender: dict[str, Any], title: str, described_by: str = "") -> str:
    """The ranking as a chart: each bid's quality score and price score stacked to its
    combined score, in the tender's order; a bid that is not ranked has no price score and is
    drawn hatched with the reason beside it. An inline <svg> element, as above."""
    import matplotlib  # imported here, as above

    matplotlib.use("Agg")
    from matplotlib import pyplot

    bids = tender.get("bids", [])
    weighting = tender.get("weighting") or {}
    most = (weighting.get("quality") or 0) + (weighting.get("price") or 0) or 100
    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        figure, axes = pyplot.subplots(figsize=(7.5, 0.35 * len(bids) + 0.8))
        rows = list(range(len(bids)))[::-1]  # the first bid on top
        for row, bid in zip(rows, bids, strict=True):
            quality, price, marked = (
                bid.get("quality_score") or 0.0,
                bid.get("price_score"),
                standing(bid),
            )
            axes.barh(
                row,
                quality,
                color=_COLOURS[0],
                alpha=0.45 if marked else 1.0,
                hatch="///" if marked else None,
                edgecolor=_COLOURS[0],
            )
            if price is not None and not marked:
                axes.barh(row, price, left=quality, color=_COLOURS[1], edgecolor=_COLOURS[1])
                said = f"{quality:.2f} + {price:.2f} = {quality + price:.2f}"
            else:
                said = f"quality {quality:.2f}; not ranked: {marked or 'no price score'}"
            axes.text(quality + (price or 0) + most * 0.01, row, said, va="center", fontsize=7)
        axes.set_yticks(rows, [bid_name(b) for b in bids])
        axes.set_xlim(0, most * 1.45)  # room for the figures beside the bars
        axes.set_xlabel("points of the combined score")
        from matplotlib.patches import Patch

        axes.legend(
            [Patch(color=_COLOURS[0]), Patch(color=_COLOURS[1])],
            [
                f"quality score (up to {weighting.get('quality', 0):g})",
                f"price score (up to {weighting.get('price', 0):g})",
            ],
            fontsize=7,
            loc="lower right",
            frameon=False,
        )
        axes.spines[["top", "right"]].set_visible(False)
        return _inline_svg(figure, title, described_by)


def _inline_svg(figure: Any, title: str, described_by: str = "") -> str:
    """A figure as an <svg> element to put inside HTML (no XML prologue), titled for
    assistive technology and pointing at its text equivalent (`described_by`, an element's
    id) when it has one; the figure is closed."""
    from matplotlib import pyplot

    out = io.StringIO()
    figure.savefig(
        out,
        format="svg",
        bbox_inches="tight",
        pad_inches=0.3,  # room for a browser's own text metrics
        metadata={"Date": None, "Creator": None},  # the same bytes every run
    )
    pyplot.close(figure)
    svg = out.getvalue()
    svg = svg[_SVG_START.search(svg).start() :]  # type: ignore[union-attr]
    described = f' aria-describedby="{html.escape(described_by)}"' if described_by else ""
    label = f'<svg role="img" aria-label="{html.escape(title)}"{described} '
    return svg.replace("<svg ", label, 1)


# The s.71 scale, best first: the chart draws better ratings higher.
RATINGS = ("inadequate", "requires_improvement", "approaching_target", "good")
RATING_WORDS = ("Inadequate", "Requires improvement", "Approaching target", "Good")


@_one_at_a_time
def rating_timeline(contract: dict[str, Any], title: str, described_by: str = "") -> str:
    """A contract's rating per period, as a step line over the s.71 scale (periods without
    a return marked). An inline <svg> element with its title for assistive technology."""
    import matplotlib  # imported here, as above

    matplotlib.use("Agg")
    from matplotlib import pyplot

    periods = contract.get("periods", [])
    labels = [p["period"] for p in periods]
    levels = [RATINGS.index(p["rating"]) for p in periods]
    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        figure, axes = pyplot.subplots(figsize=(7.5, 2.4))
        axes.step(range(len(levels)), levels, where="mid", color="#1f4e79", linewidth=2)
        axes.scatter(range(len(levels)), levels, color="#1f4e79", zorder=3)
        missing = [n for n, p in enumerate(periods) if not p.get("returned", True)]
        if missing:
            axes.scatter(
                missing,
                [levels[n] for n in missing],
                marker="x",
                s=80,
                color="#b00020",
                zorder=4,
                label="no return",
            )
            axes.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3), frameon=False)
        axes.set_yticks(range(len(RATINGS)), RATING_WORDS)
        axes.set_ylim(-0.5, len(RATINGS) - 0.5)
        axes.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
        axes.spines[["top", "right"]].set_visible(False)
        return _inline_svg(figure, title, described_by)
