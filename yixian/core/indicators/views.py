"""指标一览: every registered indicator with its definition, value, target and trend; one
indicator's page (trend, street ranking); the records behind a figure; the .xlsx export.

Views are thin: they read `?period=` and `?unit=` (a unit code), build the query with
`services.query_for` (a unit outside the scope is a 404) and render what services give.
"""

from __future__ import annotations

import dataclasses
import io
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.periods import PeriodError, parse_period
from yixian.framework.registry import registry
from yixian.framework.scope import get_scope

from . import base, services

VIEW_PERM = "indicators.view_dashboarditem"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {"met": "达标", "behind": "未达标"}


class BadRequest(ValueError):
    """A request the page cannot answer; the message names the field."""


def check_permission(user) -> None:
    if not user.has_perm(VIEW_PERM):
        raise PermissionDenied(_("您没有查看指标的权限。"))


def unit_choices(scope) -> list[OrgUnit]:
    kinds = (OrgUnitKind.DISTRICT, OrgUnitKind.STREET, OrgUnitKind.SERVICE_GROUP, OrgUnitKind.DEPARTMENT)
    units = OrgUnit.objects.filter(kind__in=kinds, is_active=True)
    if not scope.everything:
        units = scope.filter(units) if scope.paths else units.none()
    return list(units.order_by("path"))


def query_from_request(request) -> base.Query:
    """The query `?period=&unit=` asks for: BadRequest for a bad period, Http404 for a unit
    outside the user's scope."""
    now = timezone.now()
    scope = get_scope(request.user)
    try:
        unit = services.unit_by_code(request.GET.get("unit"), scope)
    except services.IndicatorScopeError as exc:
        raise Http404(str(exc)) from exc
    try:
        period = parse_period(request.GET.get("period"), today=timezone.localdate(now))
    except PeriodError as exc:
        raise BadRequest(_("统计期：%(e)s") % {"e": exc}) from exc
    return services.query_for(scope=scope, unit=unit, period=period, now=now)


def _indicator_or_404(code: str) -> base.Indicator:
    try:
        return services.get_indicator(code)
    except services.UnknownIndicator as exc:
        raise Http404(str(exc)) from exc


def _params(q: base.Query, **extra) -> str:
    params = {"period": q.period.code}
    if q.unit is not None:
        params["unit"] = q.unit.code
    params.update(extra)
    return urlencode(params)


def sparkline(points, width=120, height=28) -> str:
    """SVG polyline points of a trend (None values skipped); "" without two values."""
    values = [(i, float(v)) for i, (_p, v) in enumerate(points) if v is not None]
    if len(values) < 2:
        return ""
    low, high = min(v for _i, v in values), max(v for _i, v in values)
    span = (high - low) or 1.0
    step = width / max(len(points) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in values)


def change_display(indicator: base.Indicator, change) -> str:
    """Month-on-month change: "+3", "-1.92 个百分点" for a rate, "—" without last month."""
    if change is None:
        return "—"
    sign = "+" if change > 0 else ""
    if indicator.kind == "rate":
        return _("%(v)s 个百分点") % {"v": f"{sign}{base.quantize(change)}"}
    return f"{sign}{services.display(indicator, change)}"


def _status_label(status) -> str:
    return _(STATUS_LABELS[status]) if status else ""


def _form_context(request, **extra) -> dict:
    today = timezone.localdate()
    ctx = {
        "units": unit_choices(get_scope(request.user)),
        "unit_text": request.GET.get("unit", ""),
        "period_text": request.GET.get("period") or f"{today:%Y-%m}",
    }
    ctx.update(extra)
    return ctx


def rows_for(q: base.Query, *, with_trend: bool = True) -> list[dict]:
    """Every indicator's row on the page and in the export."""
    rows = []
    evaluated = services.evaluate(None, q)
    trends = services.trends([e.indicator.code for e in evaluated], q, months=12) if with_trend else {}
    for e in evaluated:
        indicator = e.indicator
        code = indicator.code
        points = trends.get(code, [])
        rows.append(
            {
                "e": e,
                "code": code,
                "name": str(indicator.name),
                "unit": "%" if indicator.kind == "rate" else str(indicator.unit),
                "definition": str(indicator.definition),
                "module": str(getattr(registry.modules.get(indicator.module), "verbose_name", indicator.module)),
                "target_display": services.display(indicator, e.target),
                "status_label": _status_label(e.status),
                "change_display": change_display(indicator, e.change),
                "den_url": services.drill_url(code, q, "den"),
                "num_url": services.drill_url(code, q, "num"),
                "detail_url": f"{reverse('indicators:detail', args=[code])}?{_params(q)}",
                "spark": sparkline(points),
                "points": points,
            }
        )
    return rows


@login_required
def indicator_list(request):
    check_permission(request.user)
    try:
        q = query_from_request(request)
    except BadRequest as exc:
        return render(request, "indicators/indicator_list.html", _form_context(request, error=str(exc)), status=400)
    ctx = _form_context(request, q=q, rows=rows_for(q), export_url=f"{reverse('indicators:export')}?{_params(q)}")
    return render(request, "indicators/indicator_list.html", ctx)


@login_required
def indicator_detail(request, code: str):
    check_permission(request.user)
    indicator = _indicator_or_404(code)
    try:
        q = query_from_request(request)
    except BadRequest as exc:
        ctx = _form_context(request, error=str(exc), indicator=indicator)
        return render(request, "indicators/indicator_detail.html", ctx, status=400)
    e = services.evaluate_one(code, q)
    points = services.trend(code, q, months=12)
    ranking = [
        {
            "unit": unit,
            "display": services.display(indicator, result.value),
            "numerator": result.numerator,
            "denominator": result.denominator,
            "url": services.drill_url(code, dataclasses.replace(q, unit=unit), "den"),
        }
        for unit, result in services.ranking(code, q, kind="street")
    ]
    ctx = _form_context(
        request,
        q=q,
        indicator=indicator,
        e=e,
        unit_label="%" if indicator.kind == "rate" else str(indicator.unit),
        target_display=services.display(indicator, e.target),
        status_label=_status_label(e.status),
        change_display=change_display(indicator, e.change),
        trend=[{"period": p, "display": services.display(indicator, v)} for p, v in points],
        spark=sparkline(points, width=600, height=120),
        ranking=ranking,
        den_url=services.drill_url(code, q, "den"),
        num_url=services.drill_url(code, q, "num"),
    )
    return render(request, "indicators/indicator_detail.html", ctx)


@login_required
def indicator_records(request, code: str):
    """The records behind a figure, with the model's list columns and links, paginated, scoped."""
    check_permission(request.user)
    indicator = _indicator_or_404(code)
    try:
        q = query_from_request(request)
    except BadRequest as exc:
        ctx = _form_context(request, error=str(exc), indicator=indicator)
        return render(request, "indicators/records.html", ctx, status=400)
    part = "num" if request.GET.get("part") == "num" else "den"
    records = services.records(indicator, q, part)
    e = services.evaluate_one(code, q)
    ctx = _form_context(
        request,
        q=q,
        indicator=indicator,
        e=e,
        part=part,
        detail_url=f"{reverse('indicators:detail', args=[code])}?{_params(q)}",
        other_url=f"{reverse('indicators:records', args=[code])}?{_params(q, part='den' if part == 'num' else 'num')}",
        has_numerator_list=indicator.kind == "rate",
    )
    if records is None:
        ctx.update(total=0, table=None, rows=[])
        return render(request, "indicators/records.html", ctx)
    meta = records.model._meta
    if not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
        # the figure is for everyone with the dashboard; the rows behind it only for those
        # who may read such records at all (a permission nobody granted is refused)
        ctx.update(denied=_("您可以查看该指标，但没有查看“%(m)s”明细的权限。") % {"m": meta.verbose_name_plural})
        return render(request, "indicators/records.html", ctx, status=403)
    resource = registry.resource_for(records.model)
    if resource is not None:
        import django_tables2

        qs = resource.get_queryset(request.user).filter(pk__in=records.values("pk"))
        table = resource.table(qs, request=request)
        django_tables2.RequestConfig(request, paginate={"per_page": resource.paginate_by}).configure(table)
        ctx.update(table=table, total=table.paginator.count)
    else:
        qs = get_scope(request.user).filter(records.order_by("pk"))
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        ctx.update(table=None, page=page, rows=[str(obj) for obj in page.object_list], total=page.paginator.count)
    return render(request, "indicators/records.html", ctx)


@login_required
def indicator_export(request):
    """The indicators of the page as .xlsx: figures as numbers, with unit and definition."""
    check_permission(request.user)
    try:
        q = query_from_request(request)
    except BadRequest as exc:
        return render(request, "indicators/indicator_list.html", _form_context(request, error=str(exc)), status=400)
    content = build_workbook(q, rows_for(q, with_trend=False))
    name = _("指标一览-%(p)s.xlsx") % {"p": q.period.code}
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"indicators-{q.period.code}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


def _cell_number(value):
    return None if value is None else value


def build_workbook(q: base.Query, rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("指标一览")
    ws.append([_("指标一览")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("统计期"), q.period.code])
    ws.append([_("单位"), q.unit.name if q.unit is not None else _("全部（本人数据范围）")])
    ws.append([_("导出时间"), f"{timezone.localtime(q.now):%Y-%m-%d %H:%M}"])
    ws.append([])
    header = [
        _("指标代码"),
        _("指标名称"),
        _("计量单位"),
        _("指标值"),
        _("分子"),
        _("分母"),
        _("目标值"),
        _("状态"),
        _("上月值"),
        _("环比变化"),
        _("口径"),
        _("所属模块"),
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        e = row["e"]
        ws.append(
            [
                row["code"],
                row["name"],
                row["unit"],
                _cell_number(e.result.value),
                _cell_number(e.result.numerator),
                _cell_number(e.result.denominator),
                _cell_number(e.target),
                row["status_label"],
                _cell_number(e.previous),
                _cell_number(e.change),
                row["definition"],
                row["module"],
            ]
        )
        for cell in ws[ws.max_row][3:10]:
            if cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = "#,##0" if isinstance(cell.value, int) else "#,##0.00"
        ws.cell(ws.max_row, 11).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJKL", (28, 22, 10, 12, 12, 12, 12, 10, 12, 12, 60, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "C7"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
