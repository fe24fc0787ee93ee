"""驾驶舱: the dashboard of the district, a street or a service group, and the data it shows.

`build_dashboard` gathers what a dashboard (and the monthly briefing, which reuses it) shows:
the figures an administrator configured as `DashboardItem`s (value, target, status,
month-on-month change), their trends and rankings, the red list of projects with reasons and
the overdue cases — every number from `services.evaluate`/`trend`/`ranking`, each linking to
the records behind it. The view is thin: it parses the unit and period and renders.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.periods import Period, PeriodError, parse_period
from yixian.framework.scope import Scope, get_scope

from . import base, services

DASHBOARD_KINDS = {
    OrgUnitKind.STREET: "street",
    OrgUnitKind.SERVICE_GROUP: "group",
}
RANKING_KINDS = (("street", gettext_lazy("街道")), ("department", gettext_lazy("部门")))
OVERDUE_SHOWN = 10
# Indicators that count the organisation itself (streets, communities): there every month, not data of the month.
STRUCTURE_MODULES = ("orgs",)
VIEW_PERM = "indicators.view_dashboarditem"


class DashboardError(ValueError):
    """A request the dashboard cannot answer (bad period); the message names the field."""


# ---------------------------------------------------------------- data
@dataclass
class Figure:
    """One indicator's value for the dashboard's unit and period, as a card or a table row."""

    code: str
    name: str
    unit: str
    kind: str
    definition: str
    value: Decimal | int | None
    display: str
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    target: Decimal | None
    target_display: str
    status: str | None  # "met" | "behind" | None
    status_label: str
    previous: Decimal | int | None
    change: Decimal | int | None
    change_display: str
    url: str  # the records behind the figure
    num_url: str = ""
    chart: str = "figure"
    module: str = ""
    numerator_display: str = "—"
    denominator_display: str = "—"
    change_good: bool | None = None  # whether the change went the good way (colours the card)


@dataclass
class RankRow:
    unit_code: str
    unit_name: str
    value: Decimal | int | None
    display: str
    numerator: str
    denominator: str
    url: str


@dataclass
class Ranking:
    code: str
    title: str
    unit: str
    by: str  # "street" | "department"
    by_label: str
    rows: list[RankRow]


@dataclass
class Trend:
    code: str
    title: str
    unit: str
    points: list[tuple[str, Decimal | int | None]]


@dataclass
class RedProject:
    code: str
    name: str
    street: str
    reason: str
    url: str


@dataclass
class OverdueCase:
    number: str
    title: str
    unit: str
    due: dt.datetime
    overdue_by: str
    url: str


@dataclass
class Dashboard:
    kind: str  # "district" | "street" | "group"
    period: Period
    unit: OrgUnit | None
    unit_label: str
    now: dt.datetime
    query: base.Query
    figures: list[Figure] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    rankings: list[Ranking] = field(default_factory=list)
    red_list: list[RedProject] = field(default_factory=list)
    red_list_url: str = ""
    overdue: list[OverdueCase] = field(default_factory=list)
    overdue_count: int = 0
    overdue_url: str = ""
    table: list[Figure] = field(default_factory=list)  # every indicator (the briefing's table)

    @property
    def has_data(self) -> bool:
        """Whether anything at all was counted: a figure other than zero/none, a red project or an overdue case."""
        rows = [f for f in self.table or self.figures if f.module not in STRUCTURE_MODULES]
        counted = any(f.value not in (None, 0) or f.denominator for f in rows)
        return counted or bool(self.red_list) or bool(self.overdue_count)


def dashboard_kind(unit: OrgUnit | None) -> str:
    return DASHBOARD_KINDS.get(getattr(unit, "kind", None), "district")


def unit_label(unit: OrgUnit | None, scope: Scope) -> str:
    if unit is not None:
        return unit.name
    if scope.everything:
        root = OrgUnit.objects.filter(depth=1, kind=OrgUnitKind.DISTRICT).order_by("path").first()
        return root.name if root else _("全区")
    names = OrgUnit.objects.filter(path__in=scope.paths).order_by("path").values_list("name", flat=True)
    return "、".join(names) or _("无")


def unit_choices(scope: Scope) -> list[OrgUnit]:
    """The units a user may open a dashboard of: streets, service groups and departments in scope."""
    kinds = (OrgUnitKind.DISTRICT, OrgUnitKind.STREET, OrgUnitKind.SERVICE_GROUP, OrgUnitKind.DEPARTMENT)
    units = OrgUnit.objects.filter(kind__in=kinds, is_active=True)
    if not scope.everything:
        units = scope.filter(units) if scope.paths else units.none()
    return list(units.order_by("path"))


def home_unit(scope: Scope) -> OrgUnit | None:
    """Where a user lands: the district for district-wide scope, else their one unit (their street)."""
    if scope.everything or len(scope.paths) != 1:
        return None
    return OrgUnit.objects.filter(path=scope.paths[0]).first()


def plain(value) -> str:
    """A numerator or denominator as shown: whole numbers as they are, amounts to two places."""
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return str(base.quantize(value))
    if isinstance(value, Decimal):
        return str(int(value))
    return str(value)


def _with_unit(value, indicator) -> str:
    """A value as `services.display` shows it, with the indicator's unit ("143 个", "97.16%")."""
    text = services.display(indicator, value)
    if value is None or indicator.kind == "rate":
        return text
    return f"{text} {indicator.unit}".strip()


def _change_display(change, indicator) -> str:
    if change is None:
        return "—"
    sign = "+" if change > 0 else ""
    if indicator.kind == "rate":
        return _("%(v)s 个百分点") % {"v": f"{sign}{change}"}
    return f"{sign}{services.display(indicator, change)}"


def _status_label(status) -> str:
    if status == "met":
        return _("达标")
    if status == "behind":
        return _("未达标")
    return _("未设目标")


def figure_of(evaluated, q: base.Query, chart: str = "figure", title: str = "") -> Figure:
    indicator, result = evaluated.indicator, evaluated.result
    url = services.drill_url(indicator.code, q, part="den")
    num_url = services.drill_url(indicator.code, q, part="num") if indicator.kind == "rate" else url
    return Figure(
        code=indicator.code,
        name=title or str(indicator.name),
        unit="%" if indicator.kind == "rate" else str(indicator.unit),
        kind=indicator.kind,
        definition=str(indicator.definition),
        value=result.value,
        display=evaluated.display,
        numerator=result.numerator,
        denominator=result.denominator,
        target=evaluated.target,
        target_display=_with_unit(evaluated.target, indicator),
        status=evaluated.status,
        status_label=_status_label(evaluated.status),
        previous=evaluated.previous,
        change=evaluated.change,
        change_display=_change_display(evaluated.change, indicator),
        url=url,
        num_url=num_url,
        chart=chart,
        module=indicator.module,
        numerator_display=plain(result.numerator),
        denominator_display=plain(result.denominator),
        change_good=None if not evaluated.change else (evaluated.change > 0) == indicator.higher_is_better,
    )


def dashboard_items(kind: str) -> list:
    """The enabled items of dashboard `kind`, in order (the administrator's configuration)."""
    from .models import DashboardItem

    services.ensure_defaults()
    items = list(DashboardItem.objects.filter(dashboard=kind, enabled=True).order_by("order", "pk"))
    if not items and kind != "district":
        items = list(DashboardItem.objects.filter(dashboard="district", enabled=True).order_by("order", "pk"))
    known = {i.code for i in base.all_indicators()}
    return [i for i in items if i.code in known]


def _ranking_rows(code: str, q: base.Query, by: str) -> list[RankRow]:
    indicator = base.get(code)
    rows = []
    for unit, result in services.ranking(code, q, kind=by):
        if result.value is None and not result.denominator:
            continue
        rows.append(
            RankRow(
                unit_code=unit.code,
                unit_name=unit.short_name or unit.name,
                value=result.value,
                display=_with_unit(result.value, indicator),
                numerator=plain(result.numerator),
                denominator=plain(result.denominator),
                url=services.drill_url(code, dataclasses.replace(q, unit=unit), part="den"),
            )
        )
    return rows


def _red_list(q: base.Query) -> tuple[list[RedProject], str]:
    """The projects on red in the query's scope, unit and period, each with its reason: the same
    projects the indicator `projects.red` counts (for a past month, its month-end light)."""
    try:
        from yixian.modules.projects import selectors as project_selectors
        from yixian.modules.projects.models import Light, LightRecord, Project
    except ImportError:  # the projects module is not installed
        return [], ""
    try:
        projects = base.get("projects.red")(q).records
    except KeyError:
        projects = q.narrow(Project.objects.filter(light=Light.RED))
    month = q.as_of.replace(day=1)
    live = month >= timezone.localdate(q.now).replace(day=1)
    if live:
        projects = project_selectors.red_list(projects)
        reasons = {}
    else:
        projects = projects.select_related("org_unit").order_by("org_unit__path", "code")
        records = LightRecord.objects.filter(month=month, project__in=projects.values("pk"))
        reasons = dict(records.values_list("project_id", "reason"))
    rows = [
        RedProject(
            code=p.code,
            name=p.name,
            street=p.org_unit.name,
            reason=reasons.get(p.pk) or p.light_reason,
            url=_safe_reverse("projects:project_detail", p.pk),
        )
        for p in projects[:100]
    ]
    return rows, _safe_reverse("projects:project_list", query={"light": Light.RED.value})


def _safe_reverse(name: str, *args, query: dict | None = None) -> str:
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def _overdue(q: base.Query) -> tuple[list[OverdueCase], int, str]:
    """Open cases past their current deadline, in the query's scope and unit, most overdue first."""
    from yixian.core.cases.models import Case
    from yixian.core.cases.selectors import DUE_STATES

    cases = q.narrow(Case.objects.filter(state__in=DUE_STATES, current_due__lt=q.now))
    count = cases.count()
    rows = []
    for case in cases.select_related("handling_unit").order_by("current_due")[:OVERDUE_SHOWN]:
        late = q.now - case.current_due
        days = late.days
        rows.append(
            OverdueCase(
                number=case.number or case.tracking_code,
                title=case.title,
                unit=case.handling_unit.name if case.handling_unit_id else "",
                due=case.current_due,
                overdue_by=_("%(n)s 天") % {"n": days} if days else _("%(n)s 小时") % {"n": max(late.seconds // 3600, 1)},
                url=_safe_reverse("cases:case_detail", case.pk),
            )
        )
    query = {"queue": "overdue"}
    if q.unit is not None:
        by_handler = q.unit.kind in (OrgUnitKind.DEPARTMENT, OrgUnitKind.SERVICE_GROUP)
        query["handling_unit" if by_handler else "org_unit"] = q.unit.pk
    return rows, count, _safe_reverse("cases:case_list", query=query)


def build_dashboard(*, user=None, scope: Scope | None = None, unit: OrgUnit | None = None, period: Period,
                    now: dt.datetime | None = None, table: bool = False) -> Dashboard:  # fmt: skip
    """What the dashboard of `unit` (None: all of the scope) shows for `period`.

    Refuses a unit outside the scope (`services.IndicatorScopeError`). With `table`, also
    every registered indicator's figure (the briefing's table).
    """
    now = now or timezone.now()
    q = services.query_for(user=user, scope=scope, unit=unit, period=period, now=now)
    kind = dashboard_kind(unit)
    dash = Dashboard(kind=kind, period=period, unit=unit, unit_label=unit_label(unit, q.scope), now=now, query=q)
    items = dashboard_items(kind)
    codes = list(dict.fromkeys(i.code for i in items))
    everything = services.evaluate(None, q) if table else []
    evaluated = {e.indicator.code: e for e in everything or (services.evaluate(codes, q) if codes else [])}
    for item in items:
        title = item.title_override or ""
        if item.chart in ("figure", "gauge"):
            dash.figures.append(figure_of(evaluated[item.code], q, chart=item.chart, title=title))
        elif item.chart == "trend":
            indicator = base.get(item.code)
            points = services.trend(item.code, q, months=12)
            dash.trends.append(Trend(item.code, title or str(indicator.name), figure_of(evaluated[item.code], q).unit, points))
        elif item.chart == "ranking":
            indicator = base.get(item.code)
            unit_text = "%" if indicator.kind == "rate" else str(indicator.unit)
            for by, by_label in RANKING_KINDS:
                rows = _ranking_rows(item.code, q, by)
                # a ranking needs two units at least (a street's own dashboard has no street ranking)
                if len(rows) > 1 and any(row.value or row.denominator for row in rows):
                    dash.rankings.append(Ranking(item.code, title or str(indicator.name), unit_text, by, str(by_label), rows))
    dash.red_list, dash.red_list_url = _red_list(q)
    dash.overdue, dash.overdue_count, dash.overdue_url = _overdue(q)
    dash.table = [figure_of(e, q) for e in everything]
    return dash


# ---------------------------------------------------------------- the page
def check_permission(user) -> None:
    """The dashboard and the briefing are for users who may view indicators."""
    if not user.has_perm(VIEW_PERM):
        raise PermissionDenied(_("您没有查看驾驶舱的权限。"))


def resolve_unit(user, code: str | None) -> OrgUnit | None:
    """The unit `?unit=<code>` names (404 unless it exists and lies in the user's scope),
    or, without a code, where the user lands."""
    scope = get_scope(user)
    code = (code or "").strip()
    if not code:
        return home_unit(scope)
    unit = OrgUnit.objects.filter(code=code, is_active=True).first()
    if unit is None or not scope.contains_unit(unit):
        raise Http404(_("单位不存在或不在您的数据范围内。"))
    return unit


def resolve_period(text: str | None, now: dt.datetime) -> Period:
    try:
        period = parse_period(text, today=timezone.localdate(now))
    except PeriodError as exc:
        raise DashboardError(str(exc)) from exc  # the message names 统计期
    if len(period.code) != 7:
        raise DashboardError(_("统计期：驾驶舱和简报按月统计，请选择月份，如 2026-10。"))
    return period


def chart_data(dash: Dashboard) -> dict:
    """What dashboard.js draws: plain numbers and the URL behind every bar and point."""

    def num(value):
        return None if value is None else float(value)

    return {
        "trends": [
            {
                "id": f"trend-{i}",
                "title": t.title,
                "unit": t.unit,
                "months": [p for p, _v in t.points],
                "values": [num(v) for _p, v in t.points],
            }
            for i, t in enumerate(dash.trends)
        ],
        "rankings": [
            {
                "id": f"ranking-{i}",
                "title": r.title,
                "unit": r.unit,
                "rows": [
                    {"name": row.unit_name, "value": num(row.value), "display": row.display, "url": row.url} for row in r.rows
                ],
            }
            for i, r in enumerate(dash.rankings)
        ],
        "gauges": [
            {"id": f"gauge-{f.code}", "value": num(f.value), "target": num(f.target), "unit": f.unit, "url": f.url}
            for f in dash.figures
            if f.chart == "gauge"
        ],
    }


def _query_string(unit: OrgUnit | None, period: Period, **extra) -> str:
    params = {"period": period.code}
    if unit is not None:
        params["unit"] = unit.code
    params.update(extra)
    return urlencode(params)


@login_required
def dashboard_page(request):
    """驾驶舱 of `?unit=<code>` (default: where the user lands) for `?period=2026-10` (default: this month)."""
    check_permission(request.user)
    now = timezone.now()
    scope = get_scope(request.user)
    unit = resolve_unit(request.user, request.GET.get("unit"))
    ctx = {
        "units": unit_choices(scope),
        "unit": unit,
        "period_text": request.GET.get("period") or f"{timezone.localdate(now):%Y-%m}",
        "max_period": f"{timezone.localdate(now):%Y-%m}",
    }
    try:
        period = resolve_period(request.GET.get("period"), now)
    except DashboardError as exc:
        ctx["error"] = str(exc)
        return render(request, "indicators/dashboard.html", ctx, status=400)
    try:
        dash = build_dashboard(user=request.user, unit=unit, period=period, now=now)
    except services.IndicatorScopeError as exc:
        raise Http404(str(exc)) from exc
    reports_url = _safe_reverse("reports:briefing")
    if request.user.has_perm("indicators.change_dashboarditem"):
        ctx["configure_url"] = _safe_reverse("indicators:dashboarditem_list", query={"dashboard": dash.kind})
    ctx.update(
        dash=dash,
        chart_data=chart_data(dash),
        briefing_docx=f"{reports_url}?{_query_string(unit, period, format='docx')}" if reports_url else "",
        briefing_pdf=f"{reports_url}?{_query_string(unit, period, format='pdf')}" if reports_url else "",
    )
    return render(request, "indicators/dashboard.html", ctx)
