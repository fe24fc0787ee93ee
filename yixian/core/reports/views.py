"""Download of the monthly briefing: /reports/briefing/?period=2026-10&unit=<code>&format=docx|pdf."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.indicators import dashboard
from yixian.core.indicators.services import IndicatorScopeError

from . import charts, services


@login_required
def briefing(request):
    """The briefing file, scoped like the dashboard: a unit outside the scope is 404, a bad period 400."""
    dashboard.check_permission(request.user)
    now = timezone.now()
    fmt = (request.GET.get("format") or "docx").strip().lower()
    if fmt not in services.FORMATS:
        return _bad(_("格式：只能是 docx（Word）或 pdf。"))
    unit = dashboard.resolve_unit(request.user, request.GET.get("unit"))
    try:
        period = dashboard.resolve_period(request.GET.get("period"), now)
    except dashboard.DashboardError as exc:
        return _bad(str(exc))
    try:
        generated = services.briefing_generate(actor=request.user, unit=unit, period=period, fmt=fmt, now=now)
    except IndicatorScopeError as exc:
        raise Http404(str(exc)) from exc
    except charts.ChartFontMissing as exc:
        return HttpResponse(str(exc), status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(generated.content, content_type=generated.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{generated.ascii_filename}\"; filename*=UTF-8''{quote(generated.filename)}"
    )
    return response


def _bad(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
