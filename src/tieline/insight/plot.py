"""The health picture: the monthly trend and the layer rings, as PNG or SVG.

One code path for the CLI (``tieline health --plot``) and the web app: :func:`chart_data` gathers plain
data, :func:`render` draws it into a file or a binary stream. matplotlib's object API (``Figure``, no
``pyplot``) renders with its Agg canvas: no display, no global state, safe in a web worker's thread.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from tieline.errors import TielineError
from tieline.insight import headline as hl
from tieline.insight.ties import picture
from tieline.store.db import Store

FORMATS = ("png", "svg")
STATE_COLOURS = {
    "strong": "#1b7f5b",
    "stable": "#3b75af",
    "new": "#8e5fc4",
    "fading": "#e0892b",
    "dormant": "#a3a3a3",
}
INK, MUTED, GRID = "#222222", "#6b6b6b", "#e6e6e6"
CALL = "#1b7f5b"
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
# The most dots a ring shows (its strongest ties); its label still counts them all. Beyond the 150 a ring
# of thousands is a grey blur that costs minutes to draw as SVG (30,000 ties: 327 s, 6.4 MB).
DOTS_PER_RING = 200


def chart_data(store: Store, as_of: datetime | None = None) -> dict[str, Any]:
    """What the chart shows, as plain data (the web app serves the same as JSON)."""
    pic = picture(store, as_of)
    points = hl.trend(store, pic.as_of, hl.first_data(store, pic.as_of))
    now = hl.headline(pic)
    known = [
        (int(layer), str(state), float(strength))
        for layer, state, strength in zip(
            pic.layer.tolist(), pic.state.tolist(), pic.strength.tolist(), strict=True
        )
        if layer and strength == strength  # known (NaN is not equal to itself)
    ]
    known.sort(key=lambda tie: (tie[0], -tie[2]))
    counts: dict[int, int] = {}
    shown: list[dict[str, Any]] = []
    for layer, state, strength in known:
        counts[layer] = counts.get(layer, 0) + 1
        if counts[layer] <= DOTS_PER_RING:
            shown.append({"layer": layer, "state": state, "strength": strength})
    return {
        "as_of": pic.as_of.isoformat(),
        "trend": [*points, now],
        "ties": shown,  # at most DOTS_PER_RING a ring, the strongest of each
        "layer_counts": {str(layer): n for layer, n in sorted(counts.items())},
        "unknown": now["layers"]["unknown"],
    }


def check_format(out: Path | IO[bytes], fmt: str | None = None) -> str:
    """The format to write: the one given, else the file's suffix; an error before any work otherwise."""
    fmt = (fmt or (out.suffix.lstrip(".") if isinstance(out, Path) else "png")).lower()
    if fmt not in FORMATS:
        raise TielineError(f"the plot is written as .png or .svg, not {fmt or 'a file without a suffix'!r}")
    return fmt


def render(data: dict[str, Any], out: Path | IO[bytes], fmt: str | None = None) -> None:
    """Draw ``data`` (from :func:`chart_data`) as PNG or SVG into a path or a binary stream."""
    fmt = check_format(out, fmt)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 5.6), dpi=110, facecolor="white")
    grid = fig.add_gridspec(
        1, 2, width_ratios=(1.55, 1), wspace=0.08, left=0.06, right=0.98, top=0.80, bottom=0.12
    )
    _trend(fig.add_subplot(grid[0, 0]), data["trend"])
    _rings(fig.add_subplot(grid[0, 1]), data["ties"], data.get("unknown", 0), data.get("layer_counts"))
    last = data["trend"][-1] if data["trend"] else None
    if last is not None:
        fig.suptitle(
            f"{last['connections']} connections — about {last['would_take_call']:.0f} would take your call",
            x=0.06,
            ha="left",
            fontsize=16,
            color=INK,
            fontweight="bold",
        )
        fig.text(0.06, 0.885, f"as of {data['as_of'][:10]}", fontsize=10, color=MUTED)
    from matplotlib import rc_context

    try:
        # SVG keeps its words as text (readable by a screen reader, found by a search, a third the size).
        with rc_context({"svg.fonttype": "none"}):
            fig.savefig(out, format=fmt, facecolor="white")
    except OSError as exc:
        raise TielineError(f"cannot write the plot to {out}: {exc.strerror or exc}") from None


def _trend(ax: Any, points: list[dict[str, Any]]) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    when = [datetime.fromisoformat(p["as_of"]) for p in points]
    connections = [p["connections"] for p in points]
    expected = [p["would_take_call"] for p in points]
    likely = [p["likely"] for p in points]
    ax.plot(when, connections, color=MUTED, linewidth=1.6, label="connections")
    ax.fill_between(when, expected, color=CALL, alpha=0.22, linewidth=0)
    ax.plot(when, expected, color=CALL, linewidth=2.4, label="would take your call (expected)")
    ax.plot(
        when, likely, color=CALL, linewidth=1.2, linestyle=(0, (4, 3)), label="likely (more than one in two)"
    )
    if when:
        for values, colour in ((connections, MUTED), (expected, CALL)):
            ax.annotate(
                f"{values[-1]:.0f}",
                (when[-1], values[-1]),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=10,
                color=colour,
                fontweight="bold",
            )
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.set_ylim(bottom=0)
    ax.set_title("Month by month", loc="left", fontsize=11, color=MUTED)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=MUTED, length=0)
    ax.legend(loc="upper left", frameon=False, fontsize=9, labelcolor=INK)


def _rings(ax: Any, ties: list[dict[str, Any]], unknown: int, counts: dict[str, int] | None = None) -> None:
    """Dunbar's layers as concentric rings, each tie a dot in its ring, coloured by its state (one scatter
    a ring: a call per dot is what made large networks slow to draw)."""
    from tieline.strength.layers import LAYER_NAMES

    ax.set_aspect("equal")
    ax.axis("off")
    for layer in range(5, 0, -1):  # the outer rings first, so the inner ones are drawn over them
        ax.add_patch(_circle(layer, fill=layer % 2 == 1))
    by_layer: dict[int, list[dict[str, Any]]] = {}
    for tie in ties:
        by_layer.setdefault(int(tie["layer"]), []).append(tie)
    for layer, members in by_layer.items():
        members.sort(key=lambda m: -m["strength"])
        inner, outer = layer - 1, layer
        xs, ys, colours = [], [], []
        for k, member in enumerate(members):
            # Spread evenly by the golden angle; stronger ties sit nearer the centre of their ring.
            angle = k * GOLDEN_ANGLE
            radius = inner + 0.2 + 0.6 * (k + 0.5) / len(members)
            radius = min(max(radius, inner + 0.15), outer - 0.15)
            xs.append(radius * math.cos(angle))
            ys.append(radius * math.sin(angle))
            colours.append(STATE_COLOURS.get(member["state"], MUTED))
        ax.scatter(
            xs,
            ys,
            s=28 if layer <= 2 else 14 if layer <= 4 else 8,
            c=colours,
            edgecolors="white",
            linewidths=0.4,
            zorder=3,
        )
    for layer in range(1, 6):
        n = int((counts or {}).get(str(layer), len(by_layer.get(layer, []))))
        ax.text(
            0,
            layer - 0.16,
            f"{LAYER_NAMES[layer]} {n}",
            ha="center",
            va="center",
            fontsize=8.5,
            color=INK,
            zorder=4,
            bbox={"boxstyle": "round,pad=0.18", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    ax.set_xlim(-5.3, 5.3)
    ax.set_ylim(-5.6, 5.3)
    ax.set_title("Your layers today", loc="left", fontsize=11, color=MUTED)
    handles = [ax.scatter([], [], s=30, color=colour, label=state) for state, colour in STATE_COLOURS.items()]
    ax.legend(
        handles=handles, loc="lower center", ncol=5, frameon=False, fontsize=8.5, bbox_to_anchor=(0.5, -0.06)
    )
    if unknown:
        ax.text(0, -5.55, f"+ {unknown} with no evidence yet", ha="center", fontsize=8.5, color=MUTED)


def _circle(radius: float, fill: bool) -> Any:
    from matplotlib.patches import Circle

    return Circle(
        (0, 0), radius, facecolor="#f4f7f5" if fill else "white", edgecolor=GRID, linewidth=1.0, zorder=1
    )
