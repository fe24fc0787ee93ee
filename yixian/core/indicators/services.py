"""Indicator values: live for a user's scope, unit and period; monthly snapshots; targets.

Every figure is an indicator's `compute(q)` (see `base`), counted in the database. Around
it this module adds what a page, a dashboard or the API needs: the target and status, the
previous month (from snapshots), trends (snapshots, live where none), rankings and the
records behind a figure. Snapshots are stored by `tasks.snapshot_month` (and
`manage.py snapshot_indicators`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.periods import Period
from yixian.framework.scope import Scope, get_scope

from . import base
from .models import DashboardItem, Snapshot, Target

RANKING_KINDS = {
    "street": OrgUnitKind.STREET,
    "department": OrgUnitKind.DEPARTMENT,
    "service_group": OrgUnitKind.SERVICE_GROUP,
}


class IndicatorScopeError(Exception):
    """A unit outside the user's data scope (shown as 404)."""

    def __init__(self, message=None):
        self.message = message or _("单位不存在或不在您的数据范围内。")
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class UnknownIndicator(KeyError):
    """No indicator has this code (shown as 404)."""

    def __init__(self, code: str):
        self.code = code
        self.message = _("指标“%(code)s”不存在。") % {"code": code}
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class Evaluated:
    indicator: base.Indicator
    result: base.Result
    target: Decimal | None
    status: str | None  # "met" | "behind" | None (no target or no value)
    previous: Decimal | int | None  # the previous month's snapshot value
    change: Decimal | int | None
    display: str  # "97.16%", "143", "—"


# ---------------------------------------------------------------- helpers
def get_indicator(code: str) -> base.Indicator:
    try:
        return base.get(code)
    except KeyError:
        raise UnknownIndicator(code) from None


def query_for(*, user=None, scope: Scope | None = None, unit=None, period: Period, now: dt.datetime | None = None) -> base.Query:
    """The query of `user` (or `scope`) for `unit` (None: all of the scope) in `period`.

    Refuses a unit outside the scope with IndicatorScopeError."""
    scope = scope if scope is not None else get_scope(user)
    if unit is not None and not scope.contains_unit(unit):
        raise IndicatorScopeError()
    return base.Query(scope=scope, period=period, unit=unit, now=now or timezone.now())


def unit_by_code(code: str | None, scope: Scope) -> OrgUnit | None:
    """The active unit with `code` inside `scope` (None for no code); IndicatorScopeError otherwise."""
    code = (code or "").strip()
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code, is_active=True).first()
    if unit is None or not scope.contains_unit(unit):
        raise IndicatorScopeError()
    return unit


def as_number(value):
    """A stored Decimal back to what the indicator gives: int for whole counts."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def display(indicator: base.Indicator, value) -> str:
    """The value as shown: "97.16%" for a rate, "1,234" for a count, "—" for no data."""
    if value is None:
        return "—"
    if indicator.kind == "rate":
        return f"{base.quantize(value)}%"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal) and value == value.to_integral_value() and indicator.kind == "count":
        return f"{int(value):,}"
    return f"{base.quantize(value):,}"


def status_of(indicator: base.Indicator, value, target) -> str | None:
    if value is None or target is None:
        return None
    better = Decimal(value) >= target if indicator.higher_is_better else Decimal(value) <= target
    return "met" if better else "behind"


def previous_month(period: Period) -> Period | None:
    """The month before a monthly period (None for a year)."""
    if len(period.code) != 7:
        return None
    end = period.start
    start = (end - dt.timedelta(days=1)).replace(day=1)
    return Period(f"{start:%Y-%m}", start, end)


def last_months(period: Period, months: int, today: dt.date) -> list[Period]:
    """The `months` months up to the period's last month (this month if the period runs on)."""
    last = min(period.end - dt.timedelta(days=1), today)
    result = []
    start = last.replace(day=1)
    for _i in range(months):
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        result.append(Period(f"{start:%Y-%m}", start, end))
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(result))


def targets_for(codes, unit, year: int) -> dict[str, Decimal]:
    """code → target for `unit` (None: the district) in `year`; a rate with no target of its
    own for the unit is held to the district's (a percentage applies to every unit, a count does not)."""
    rows = Target.objects.filter(code__in=list(codes), year=year)
    rows = rows.filter(Q(org_unit__isnull=True) | Q(org_unit=unit)) if unit is not None else rows.filter(org_unit__isnull=True)
    own, district = {}, {}
    for code, unit_id, value in rows.values_list("code", "org_unit_id", "value"):
        (district if unit_id is None else own)[code] = value
    result = {}
    for code in codes:
        if code in own:
            result[code] = own[code]
        elif code in district and (unit is None or base.get(code).kind == "rate"):
            result[code] = district[code]
    return result


def _snapshot_values(codes, unit, periods: list[str]) -> dict[tuple[str, str], Snapshot]:
    rows = Snapshot.objects.filter(code__in=list(codes), period__in=periods)
    rows = rows.filter(org_unit=unit) if unit is not None else rows.filter(org_unit__isnull=True)
    return {(s.code, s.period): s for s in rows}


# ---------------------------------------------------------------- values
def evaluate(codes: list[str] | None, q: base.Query) -> list[Evaluated]:
    """The indicators `codes` (None: all registered) for `q`, with target, status and change.

    One compute per indicator (indicators sharing an aggregate share it: the case KPIs are
    counted together), one query for the targets and one for last month's snapshots."""
    indicators = base.all_indicators() if codes is None else [get_indicator(c) for c in codes]
    if not indicators:
        return []
    all_codes = [i.code for i in indicators]
    targets = targets_for(all_codes, q.unit, q.period.start.year)
    previous_period = previous_month(q.period)
    previous = {}
    if previous_period is not None and uses_snapshots(q):
        previous = {key: as_number(s.value) for key, s in _snapshot_values(all_codes, q.unit, [previous_period.code]).items()}
    elif previous_period is not None:  # a partial scope has no snapshots of its own: count last month too
        with base.shared_computation(all_codes):
            last = dataclasses.replace(q, period=previous_period)
            previous = {(i.code, previous_period.code): i.compute(last).value for i in indicators}
    result = []
    with base.shared_computation(all_codes):
        for indicator in indicators:
            value = indicator.compute(q)
            target = targets.get(indicator.code)
            prev = previous.get((indicator.code, previous_period.code)) if previous_period else None
            change = None
            if prev is not None and value.value is not None:
                change = value.value - prev
                if isinstance(change, Decimal):
                    change = base.quantize(change)
            result.append(
                Evaluated(
                    indicator=indicator,
                    result=value,
                    target=target,
                    status=status_of(indicator, value.value, target),
                    previous=prev,
                    change=change,
                    display=display(indicator, value.value),
                )
            )
    return result


def evaluate_one(code: str, q: base.Query) -> Evaluated:
    return evaluate([code], q)[0]


def uses_snapshots(q: base.Query) -> bool:
    """Whether stored snapshots are the query's figures: the district's (district-wide scope,
    no unit) or a unit's. A partial scope without a unit (a user in two streets) has none."""
    return q.unit is not None or q.scope.everything


def trends(codes: list[str], q: base.Query, months: int = 12) -> dict[str, list[tuple[str, Decimal | int | None]]]:
    """code → [(month, value)] for the `months` months up to the query's period: stored
    snapshots (one query for all codes), computed live (not stored) for months without one."""
    indicators = [get_indicator(c) for c in codes]
    periods = last_months(q.period, months, timezone.localdate(q.now))
    stored = _snapshot_values(codes, q.unit, [p.code for p in periods]) if uses_snapshots(q) else {}
    result = {}
    with base.shared_computation(codes):
        for indicator in indicators:
            points = []
            for period in periods:
                snap = stored.get((indicator.code, period.code))
                if snap is not None:
                    points.append((period.code, as_number(snap.value)))
                else:
                    points.append((period.code, indicator.compute(dataclasses.replace(q, period=period)).value))
            result[indicator.code] = points
    return result


def trend(code: str, q: base.Query, months: int = 12) -> list[tuple[str, Decimal | int | None]]:
    """(month, value) for the `months` months up to the query's period: stored snapshots, and
    computed live (not stored) for the months without one."""
    return trends([code], q, months)[code]


def ranking(code: str, q: base.Query, kind: str = "street") -> list[tuple[OrgUnit, base.Result]]:
    """The indicator for each unit of `kind` within the scope (and under `q.unit`), best first
    (units without a value last)."""
    indicator = get_indicator(code)
    if kind not in RANKING_KINDS:
        raise ValueError(kind)
    units = OrgUnit.objects.filter(kind=RANKING_KINDS[kind], is_active=True)
    if not q.scope.everything:
        units = q.scope.filter(units)
    if q.unit is not None:
        units = units.filter(path__startswith=q.unit.path)
    units = list(units.order_by("path"))
    with base.shared_computation([code]):
        if indicator.rank is not None:
            figures = indicator.rank(q, units)
            rows = [(unit, figures[unit.pk]) for unit in units]
        else:
            rows = [(unit, indicator.compute(dataclasses.replace(q, unit=unit))) for unit in units]
    sign = -1 if indicator.higher_is_better else 1
    rows.sort(key=lambda r: (r[1].value is None, sign * (r[1].value or 0), r[0].path))
    return rows


def records(indicator: base.Indicator | str, q: base.Query, part: str = "den") -> QuerySet | None:
    """The records behind a figure: the numerator's (`part="num"`) or the denominator's."""
    if isinstance(indicator, str):
        indicator = get_indicator(indicator)
    result = indicator.compute(q)
    if part == "num" and result.numerator_records is not None:
        return result.numerator_records
    return result.records


def drill_url(code: str, q: base.Query, part: str = "den") -> str:
    """The page listing the records behind a figure."""
    indicator = get_indicator(code)
    if indicator.drill_url is not None:
        url = indicator.drill_url(indicator, q, part)
        if url:
            return url
    params = {"period": q.period.code, "part": part}
    if q.unit is not None:
        params["unit"] = q.unit.code
    return f"{reverse('indicators:records', args=[code])}?{urlencode(params)}"


# ---------------------------------------------------------------- snapshots
def snapshot_units() -> list[OrgUnit | None]:
    """The district (None), each street and each service group."""
    units = OrgUnit.objects.filter(kind__in=[OrgUnitKind.STREET, OrgUnitKind.SERVICE_GROUP], is_active=True)
    return [None, *units.order_by("path")]


def _stored(value):
    if value is None:
        return None
    return base.quantize(value)


def snapshot(period: Period, *, codes=None, units=None, now: dt.datetime | None = None) -> int:
    """Compute and store (insert or replace) the indicators' values for `period` for the
    district, each street and each service group; returns how many were stored."""
    now = now or timezone.now()
    indicators = base.all_indicators() if codes is None else [get_indicator(c) for c in codes]
    units = snapshot_units() if units is None else list(units)
    everything = Scope(everything=True)
    stored = 0
    for unit in units:
        q = base.Query(scope=everything, period=period, unit=unit, now=now)
        with transaction.atomic(), base.shared_computation([i.code for i in indicators]):
            for indicator in indicators:
                result = indicator.compute(q)
                Snapshot.objects.update_or_create(
                    code=indicator.code,
                    org_unit=unit,
                    period=period.code,
                    defaults={
                        "value": _stored(result.value),
                        "numerator": _stored(result.numerator),
                        "denominator": _stored(result.denominator),
                        "computed_at": timezone.now(),
                    },
                )
                stored += 1
    return stored


# ---------------------------------------------------------------- dashboard defaults
# The source's headline figures (拱墅区一线工作): 12 service groups, 143 professional and 54
# second-line cadres, 22 rider stations, projects on red, the investment rate, case KPIs.
DEFAULT_ITEMS = [
    ("district", "groups.count", "figure", 10),
    ("district", "groups.cadres.professional", "figure", 20),
    ("district", "groups.cadres.second_line", "figure", 30),
    ("district", "riders.stations", "figure", 40),
    ("district", "projects.red", "figure", 50),
    ("district", "projects.investment_rate", "gauge", 60),
    ("district", "cases.close_on_time", "figure", 70),
    ("district", "cases.satisfaction", "figure", 80),
    ("district", "cases.overdue_open", "figure", 90),
    ("district", "cases.close_on_time", "trend", 110),
    ("district", "cases.satisfaction", "trend", 120),
    ("district", "projects.investment_rate", "trend", 130),
    ("district", "cases.close_on_time", "ranking", 210),
    ("district", "projects.red", "ranking", 220),
]


def ensure_defaults() -> int:
    """Seed the district dashboard's default items once (idempotent; an administrator's
    changes stay). Returns how many were created."""
    if DashboardItem.objects.exists():
        return 0
    created = 0
    for dashboard, code, chart, order in DEFAULT_ITEMS:
        _item, new = DashboardItem.objects.get_or_create(dashboard=dashboard, code=code, chart=chart, defaults={"order": order})
        created += new
    return created
