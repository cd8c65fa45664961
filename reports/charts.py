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


@_one_at_a_time
def principle_scores(tender: dict[str, Any], title: str) -> str:
    """A grouped bar chart: each principle's score for every bid, ranked bids first. An
    inline <svg> element with its title for assistive technology."""
    import matplotlib  # imported here: only reports draw charts (half a second to import)

    matplotlib.use("Agg")
    from matplotlib import pyplot

    bids = tender.get("bids", [])
    principles = bids[0]["result"]["principles"] if bids else []
    names = [p["name"] for p in principles]
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text as text
            "svg.hashsalt": "probity",  # the same ids every run
            "font.size": 9,
            "text.parse_math": False,  # a supplier's "$" is a dollar, not TeX
        }
    ):
        figure, axes = pyplot.subplots(figsize=(7.5, 3.2))
        width = 0.8 / max(1, len(bids))
        bars, labels = [], []
        for n, bid in enumerate(bids):
            scores = [p["score"] for p in bid["result"]["principles"]]
            offsets = [k + (n - (len(bids) - 1) / 2) * width for k in range(len(names))]
            bars.append(axes.bar(offsets, scores, width))
            labels.append(bid.get("supplier_name") or bid["submission_id"])
        axes.set_xticks(range(len(names)), names, rotation=20, ha="right")
        axes.set_ylabel("score")
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
        return _inline_svg(figure, title)


def _inline_svg(figure: Any, title: str) -> str:
    """A figure as an <svg> element to put inside HTML (no XML prologue), titled for
    assistive technology; the figure is closed."""
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
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" ', 1)


# The s.71 scale, best first: the chart draws better ratings higher.
RATINGS = ("inadequate", "requires_improvement", "approaching_target", "good")
RATING_WORDS = ("Inadequate", "Requires improvement", "Approaching target", "Good")


@_one_at_a_time
def rating_timeline(contract: dict[str, Any], title: str) -> str:
    """A contract's rating per period, as a step line over the s.71 scale (periods without
    a return marked). An inline <svg> element with its title for assistive technology."""
    import matplotlib  # imported here, as above

    matplotlib.use("Agg")
    from matplotlib import pyplot

    periods = contract.get("periods", [])
    labels = [p["period"] for p in periods]
    levels = [RATINGS.index(p["rating"]) for p in periods]
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "probity", "font.size": 9}  # as above
    ):
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
        return _inline_svg(figure, title)
