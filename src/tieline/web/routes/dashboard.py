"""The dashboard: the health headline, the chart (the same drawing as ``tieline health --plot``) and
who is due this week, with done / snooze."""

from __future__ import annotations

import io

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tieline.web.derived import derived
from tieline.web.pages import as_of, render, store_of

router = APIRouter(include_in_schema=False)
DUE_SHOWN = 10
# The chart is an image: matplotlib writes its styles inline, which an image may use (it runs no script).
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


@router.get("/")
def dashboard(request: Request) -> Response:
    from tieline.insight.due import due
    from tieline.insight.health import health
    from tieline.services import backup

    store = store_of(request)
    return render(
        request,
        "dashboard.html",
        title="Your network",
        h=derived(request, "health", lambda: health(store, as_of(request))),
        due=derived(request, "due", lambda: due(store, as_of(request), DUE_SHOWN)),
        backup_warning=backup.backup_warning(store),
    )


@router.get("/chart.svg")
def chart(request: Request) -> Response:
    """The trend and the layer rings as SVG, from insight/plot.py (drawn again when the data change)."""
    from tieline.insight import plot

    store = store_of(request)

    def draw() -> bytes:
        out = io.BytesIO()
        plot.render(plot.chart_data(store, as_of(request)), out, "svg")
        return out.getvalue()

    svg = derived(request, "chart", draw)
    return Response(svg, media_type="image/svg+xml", headers={"content-security-policy": CHART_CSP})
