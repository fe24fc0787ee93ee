"""The briefing as PDF: an HTML template laid out by WeasyPrint in Noto Sans CJK SC."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import timezone

from .briefing import Briefing


def html(briefing: Briefing) -> str:
    """The HTML the PDF is printed from (charts inline as PNG data URIs: no file, no URL)."""
    charts = [
        {"title": c.title, "src": "data:image/png;base64," + base64.b64encode(c.png).decode("ascii")} for c in briefing.charts
    ]
    return render_to_string(
        "reports/briefing_pdf.html",
        {
            "b": briefing,
            "charts": charts,
            "sections": briefing.sections(),
            "generated": f"{timezone.localtime(briefing.generated_at):%Y-%m-%d %H:%M}",
        },
    )


def render(briefing: Briefing) -> bytes:
    """The PDF file of `briefing`."""
    from weasyprint import HTML

    return HTML(string=html(briefing), base_url=None).write_pdf()
