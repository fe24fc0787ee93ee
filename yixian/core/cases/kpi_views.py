"""考核指标: the case KPIs of DOMAIN_RULES §5 per responsible unit and period, as a page
(key figures, a table whose every figure drills down to the cases behind it, two charts)
and as an .xlsx export with the same numbers and a sheet of definitions.

The figures come from `kpis.compute` over the user's scoped cases narrowed by
`kpis.for_user`; the drill-down links open the case list with `kpi`, `part`, `period` and
`responsible_unit`, which applies the same definitions to the same cases.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.core.orgs.models import OrgUnit
from yixian.framework.registry import registry
from yixian.framework.scope import get_scope

from . import kpis
from .models import Case

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TREND_CODES = ("sign_on_time", "close_on_time", "satisfaction", "resolution")
ANCHOR_WORDS = {
    "dispatched_at": gettext_lazy("派单时间"),
    "handle_due": gettext_lazy("办理期限（含延期）"),
    "followed_up_at": gettext_lazy("回访时间"),
    "at": gettext_lazy("回访时间"),
    "received_at": gettext_lazy("受理时间"),
    "replied_at": gettext_lazy("答复时间"),
}
NO_UNIT = "null"  # the case list's value for "no responsible unit yet" (not dispatched)


# ---------------------------------------------------------------- the report
@dataclass
class Row:
    unit: OrgUnit | None
    label: str
    values: dict[str, kpis.Value]
    unit_param: str | None  # responsible_unit= for the drill-down; None = no filter (the total)
    cells: list[dict] = field(default_factory=list)


@dataclass
class Report:
    period: kpis.Period
    unit: OrgUnit | None
    scope_label: str
    rows: list[Row]
    total: Row
    trend: dict
    kpis: list[kpis.Kpi]


class ReportError(ValueError):
    pass


def _now() -> dt.datetime:
    return timezone.now()


def base_queryset(user):
    """The cases whose figures the user may see: their scope, narrowed to the responsible units in it."""
    return kpis.for_user(registry.resource_for(Case).get_queryset(user), user)


def unit_choices(queryset) -> list[OrgUnit]:
    """Responsible units that have cases in the user's view, in tree order."""
    ids = queryset.exclude(responsible_unit__isnull=True).order_by().values("responsible_unit_id").distinct()
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("path"))


def scope_label(user) -> str:
    scope = get_scope(user)
    if scope.everything:
        return _("全区")
    names = OrgUnit.objects.filter(path__in=scope.paths).order_by("path").values_list("name", flat=True)
    return "、".join(names) or _("无")


def drill_url(code: str, part: str, period: kpis.Period, unit_param: str | None) -> str:
    params = {"kpi": code, "part": part, "period": period.code}
    if unit_param:
        params["responsible_unit"] = unit_param
    return f"{reverse('cases:case_list')}?{urlencode(params)}"


def _sum(values: list[dict[str, kpis.Value]], defs) -> dict[str, kpis.Value]:
    """The total of disjoint groups: numerators and denominators add up (an average's numerator is a sum)."""
    return {
        code: kpis.Value(defs[code][0], sum(v[code].numerator for v in values), sum(v[code].denominator for v in values))
        for code in kpis.KPI_CODES
    }


def _cells(row: Row, period: kpis.Period) -> list[dict]:
    cells = []
    for code in kpis.KPI_CODES:
        value = row.values[code]
        kpi = value.kpi
        den_url = drill_url(code, "den", period, row.unit_param)
        num_url = drill_url(code, "num", period, row.unit_param) if kpi.kind == "rate" else den_url
        cells.append(
            {
                "code": code,
                "kpi": kpi,
                "value": value,
                "display": display(value),
                "num_url": num_url,
                "den_url": den_url,
                "sentence": sentence(value),
            }
        )
    return cells


def display(value: kpis.Value) -> str:
    if value.value is None:
        return "—"
    if value.kpi.kind == "average":
        return _("%(v)s 个工作日") % {"v": value.value}
    return f"{value.value}%"


def sentence(value: kpis.Value) -> str:
    """The figure with its numerator and denominator in words: 按时办结率 92.31%（120/130，办理期限在本期的工单）."""
    kpi = value.kpi
    if kpi.kind == "average":
        return _("%(name)s %(value)s（%(num)s/%(den)s，%(num_words)s ÷ %(den_words)s）") % {
            "name": kpi.name,
            "value": display(value),
            "num": value.numerator,
            "den": value.denominator,
            "num_words": kpi.numerator,
            "den_words": kpi.denominator,
        }
    return _("%(name)s %(value)s（%(num)s/%(den)s，%(den_words)s）") % {
        "name": kpi.name,
        "value": display(value),
        "num": value.numerator,
        "den": value.denominator,
        "den_words": kpi.denominator,
    }


def trend_period(period: kpis.Period, today: dt.date) -> kpis.Period:
    """The 12 months up to the period's last month (or up to this month, if the period runs on)."""
    last = period.end - dt.timedelta(days=1)
    if last > today:
        last = today
    end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    year, month = last.year, last.month - 11
    while month < 1:
        year, month = year - 1, month + 12
    start = dt.date(year, month, 1)
    return kpis.Period(f"{start:%Y-%m}..{last:%Y-%m}", start, end)


def build_report(request) -> Report:
    """The KPIs the request asks for; raises ReportError with a message for the user."""
    user = request.user
    now = _now()
    today = timezone.localdate(now)
    base = base_queryset(user)
    try:
        period = kpis.parse_period(request.GET.get("period"), today=today)
    except kpis.PeriodError as exc:
        raise ReportError(str(exc)) from exc
    unit = None
    unit_text = (request.GET.get("unit") or "").strip()
    if unit_text:
        unit = next((u for u in unit_choices(base) if str(u.pk) == unit_text), None)
        if unit is None:
            raise ReportError(_("所选责任单位不存在或不在您的数据范围内。"))
    queryset = base.filter(responsible_unit=unit) if unit else base
    defs = kpis.definitions(now)

    values = kpis.compute(queryset, period, now=now, by_unit=True)
    names = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[k[0] for k in values if k[0]])}
    rows = []
    for (unit_id, _month), bucket in values.items():
        org = names.get(unit_id)
        label = org.name if org else _("无责任单位（尚未派单）")
        rows.append(Row(org, label, bucket, str(unit_id) if unit_id else NO_UNIT))
    rows.sort(key=lambda r: (r.unit is None, r.unit.path if r.unit else ""))
    total = Row(unit, unit.name if unit else _("合计"), _sum([r.values for r in rows], defs), str(unit.pk) if unit else None)
    for row in [*rows, total]:
        row.cells = _cells(row, period)

    months = trend_period(period, today)
    by_month = kpis.compute(queryset, months, now=now, by_unit=False, by_month=True, codes=TREND_CODES)
    trend = {
        "months": [m.code for m in months.months()],
        "series": [
            {
                "code": code,
                "name": str(defs[code][0].name),
                "values": [_float(by_month.get((None, m.code), {}).get(code)) for m in months.months()],
            }
            for code in TREND_CODES
        ],
        "unit": "%",
    }
    return Report(period, unit, scope_label(user), rows, total, trend, [defs[c][0] for c in kpis.KPI_CODES])


def _float(value: kpis.Value | None) -> float | None:
    if value is None or value.value is None:
        return None
    return float(value.value)


def _check(request) -> None:
    if not request.user.has_perm("cases.view_case"):
        raise PermissionDenied(_("您没有查看工单的权限。"))


# ---------------------------------------------------------------- the page
def _form_context(request, error: str = "") -> dict:
    """The controls of the page: period, unit choices, shortcuts, and the message if any."""
    today = timezone.localdate(_now())
    return {
        "period_text": request.GET.get("period", "") or f"{today:%Y-%m}",
        "unit_text": request.GET.get("unit", ""),
        "units": unit_choices(base_queryset(request.user)),
        "shortcuts": _shortcuts(today),
        "error": error,
    }


@login_required
def kpis_page(request):
    _check(request)
    try:
        report = build_report(request)
    except ReportError as exc:
        return render(request, "cases/kpis.html", _form_context(request, str(exc)), status=400)
    ctx = _form_context(request)
    key = report.total.cells
    close = next(c for c in key if c["code"] == "close_on_time")
    bar = [
        {
            "name": row.label,
            "value": _float(row.values["close_on_time"]),
            "num": row.values["close_on_time"].numerator,
            "den": row.values["close_on_time"].denominator,
            "url": next(c["num_url"] for c in row.cells if c["code"] == "close_on_time"),
        }
        for row in report.rows
        if row.values["close_on_time"].denominator
    ]
    query = {"period": report.period.code}
    if report.unit:
        query["unit"] = report.unit.pk
    ctx.update(
        report=report,
        key_figures=key,
        export_url=f"{reverse('cases:kpis_export')}?{urlencode(query)}",
        chart_data={
            "bar": {"title": str(close["kpi"].name), "rows": bar, "unit": "%"},
            "trend": report.trend,
        },
    )
    return render(request, "cases/kpis.html", ctx)


def _shortcuts(today: dt.date) -> list[dict]:
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    return [
        {"label": _("本月"), "period": f"{today:%Y-%m}"},
        {"label": _("上月"), "period": f"{last_month:%Y-%m}"},
        {"label": _("本年"), "period": f"{today:%Y}"},
        {"label": _("去年"), "period": f"{today.year - 1}"},
    ]


# ---------------------------------------------------------------- the export
@login_required
def kpis_export(request):
    _check(request)
    try:
        report = build_report(request)
    except ReportError as exc:
        return render(request, "cases/kpis.html", _form_context(request, str(exc)), status=400)
    content = build_workbook(report)
    name = _("考核指标-%(p)s.xlsx") % {"p": report.period.code}
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=\"kpis-{report.period.code}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


def build_workbook(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("考核指标")
    ws.append([_("诉求工单考核指标")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("统计期"), _("%(label)s（%(code)s）") % {"label": report.period.label, "code": report.period.code}])
    scope = report.scope_label
    if report.unit:
        scope = _("%(scope)s；责任单位：%(unit)s") % {"scope": scope, "unit": report.unit.name}
    ws.append([_("数据范围"), scope])
    ws.append([_("导出时间"), f"{timezone.localtime(_now()):%Y-%m-%d %H:%M}"])
    header_row = 6  # row 5 stays empty
    ws.cell(header_row, 1, _("责任单位"))
    for i, kpi in enumerate(report.kpis):
        ws.cell(header_row, 2 + i * 3, str(kpi.name))
        for j, label in enumerate((_("指标值"), _("分子"), _("分母"))):
            ws.cell(header_row + 1, 2 + i * 3 + j, label)
    ws.merge_cells(start_row=header_row, start_column=1, end_row=header_row + 1, end_column=1)
    for i in range(len(report.kpis)):
        col = 2 + i * 3
        ws.merge_cells(start_row=header_row, start_column=col, end_row=header_row, end_column=col + 2)
    for row in ws.iter_rows(min_row=header_row, max_row=header_row + 1):
        for cell in row:
            cell.font, cell.fill, cell.alignment = bold, fill, center
    for row in [*report.rows, report.total]:
        line = [row.label]
        for code in kpis.KPI_CODES:
            value = row.values[code]
            number = None
            if value.value is not None:
                number = float(value.value / 100) if value.kpi.kind == "rate" else float(value.value)
            line += [number, value.numerator, value.denominator]
        ws.append(line)
        current = ws.max_row
        for i, code in enumerate(kpis.KPI_CODES):
            ws.cell(current, 2 + i * 3).number_format = "0.00%" if row.values[code].kpi.kind == "rate" else "0.00"
        if row is report.total:
            for cell in ws[current]:
                cell.font = bold
    ws.column_dimensions["A"].width = 24
    for col in range(2, 2 + len(report.kpis) * 3):
        ws.column_dimensions[get_column_letter(col)].width = 10
    ws.freeze_panes = ws.cell(header_row + 2, 2)

    sheet = wb.create_sheet(_("指标说明"))
    sheet.append([_("指标"), _("分子"), _("分母"), _("计算方法"), _("按何时间计入统计期"), _("方向")])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for kpi in report.kpis:
        method = _("分子 ÷ 分母 × 100%") if kpi.kind == "rate" else _("分子 ÷ 分母（工作日，保留两位小数）")
        sheet.append(
            [
                str(kpi.name),
                str(kpi.numerator),
                str(kpi.denominator),
                method,
                str(ANCHOR_WORDS.get(kpi.anchor, kpi.anchor)),
                _("越高越好") if kpi.higher_is_better else _("越低越好"),
            ]
        )
    for letter, width in zip("ABCDEF", (16, 36, 28, 30, 20, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
