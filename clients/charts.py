"""Charts for reports, drawn as SVG without a browser (matplotlib): text stays text, so a
reader can select it and a screen reader can read it, and the same bytes come out every run.
"""

from __future__ import annotations

import io
import re
from typing import Any

_SVG_START = re.compile(r"<svg\b")


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
            "svg.fonttype": "none",
            "svg.hashsalt": "probity",
            "font.size": 9,
            "text.parse_math": False,
        }
    ):
        figure, axes = pyplot.subplots(figsize=(7.5, 3.2))
        width = 0.8 / max(1, len(bids))
        for n, bid in enumerate(bids):
            scores = [p["score"] for p in bid["result"]["principles"]]
            offsets = [k + (n - (len(bids) - 1) / 2) * width for k in range(len(names))]
            label = bid.get("supplier_name") or bid["submission_id"]
            axes.bar(offsets, scores, width, label=label)
        axes.set_xticks(range(len(names)), names, rotation=20, ha="right")
        axes.set_ylabel("score")
        axes.legend(
            fontsize=7,
            ncols=min(3, max(1, len(bids))),
            loc="upper center",
            bbox_to_anchor=(0.5, -0.3),
            frameon=False,
        )
        axes.spines[["top", "right"]].set_visible(False)
        out = io.StringIO()
        figure.savefig(
            out,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.3,  # room for a browser's own text metrics
            metadata={"Date": None, "Creator": None},
        )
        pyplot.close(figure)
    svg = out.getvalue()
    svg = svg[_SVG_START.search(svg).start() :]  # type: ignore[union-attr]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attribute(title)}" ', 1)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
