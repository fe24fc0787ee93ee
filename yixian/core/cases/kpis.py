"""Case KPIs per unit and period, with their denominators (DOMAIN_RULES §5).

Every KPI is a numerator over a denominator, both counted in the database by conditional
aggregation over the cases table: one grouped query per period anchor (the date that puts a
case in a period), never rows loaded into Python. The same definitions give the drill-down
querysets, so a figure and the list behind it cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from yixian.framework.periods import Period, PeriodError, parse_period  # noqa: F401  (re-exported)

from .models import Satisfaction


@dataclass(frozen=True)
class Kpi:
    code: str
    name: object
    anchor: str  # the date field that puts a case in a period
    numerator: object  # words
    denominator: object
    kind: str = "rate"  # "rate" (num/den, %) or "average" (num = sum of `value_field`, value = num/den)
    higher_is_better: bool = True
    value_field: str = ""
    source: str = "case"  # "followup": counted over FollowUp rows (every round's follow-up)


def _satisfied() -> list[str]:
    if getattr(settings, "YIXIAN_CASE_SATISFIED_ONLY", False):
        return [Satisfaction.SATISFIED]
    return [Satisfaction.SATISFIED, Satisfaction.BASIC]


def _satisfied_words():
    if getattr(settings, "YIXIAN_CASE_SATISFIED_ONLY", False):
        return gettext_lazy("回访满意（不含基本满意）")
    return gettext_lazy("满意与基本满意")


def _lapsed(deadline: str, now: dt.datetime) -> Q:
    """The deadline has passed while the case was open: a case closed without reply (merged
    into another) before its deadline was never due, one merged after it had already lapsed."""
    return Q(**{f"{deadline}__lt": now}) & (Q(closed_at__isnull=True) | Q(closed_at__gt=F(deadline)))


def _due_q(now: dt.datetime) -> Q:
    """Cases whose handling deadline counts: replied, or the deadline has passed."""
    return Q(replied_at__isnull=False) | _lapsed("handle_due", now)


def definitions(now: dt.datetime) -> dict[str, tuple[Kpi, Q, Q]]:
    """code → (kpi, denominator Q, numerator Q); the numerator Q is applied within the denominator."""
    due = _due_q(now)
    signed = Q(sign_due__isnull=False) & (Q(signed_at__isnull=False) | _lapsed("sign_due", now))
    return {
        k.code: (k, den, num)
        for k, den, num in [
            (
                Kpi(
                    "sign_on_time",
                    gettext_lazy("按时签收率"),
                    "dispatched_at",
                    gettext_lazy("按时签收的工单"),
                    gettext_lazy("本期派单且应签收的工单"),
                ),
                signed,
                Q(signed_on_time=True),
            ),
            (
                Kpi(
                    "close_on_time",
                    gettext_lazy("按时办结率"),
                    "handle_due",
                    gettext_lazy("在（延期后）期限内答复的工单"),
                    gettext_lazy("办理期限在本期的工单"),
                ),
                due,
                Q(replied_on_time=True),
            ),
            (
                Kpi(
                    "satisfaction",
                    gettext_lazy("满意率"),
                    "at",
                    _satisfied_words(),
                    gettext_lazy("本期有效回访"),
                    source="followup",
                ),
                Q(),
                Q(satisfaction__in=_satisfied()),
            ),
            (
                Kpi(
                    "resolution",
                    gettext_lazy("解决率"),
                    "at",
                    gettext_lazy("回访确认已解决"),
                    gettext_lazy("本期有效回访"),
                    source="followup",
                ),
                Q(),
                Q(resolved=True),
            ),
            (
                Kpi(
                    "return",
                    gettext_lazy("退单率"),
                    "dispatched_at",
                    gettext_lazy("被退单过的工单"),
                    gettext_lazy("本期派单的工单"),
                    higher_is_better=False,
                ),
                Q(dispatched_at__isnull=False),
                Q(returns_count__gt=0),
            ),
            (
                Kpi(
                    "overdue",
                    gettext_lazy("超期率"),
                    "handle_due",
                    gettext_lazy("超过期限才答复或仍未答复"),
                    gettext_lazy("办理期限在本期的工单"),
                    higher_is_better=False,
                ),
                due,
                Q(replied_on_time=False) | Q(replied_at__isnull=True),
            ),
            (
                Kpi(
                    "extension",
                    gettext_lazy("延期率"),
                    "handle_due",
                    gettext_lazy("延期过的工单"),
                    gettext_lazy("办理期限在本期的工单"),
                    higher_is_better=False,
                ),
                due,
                Q(extensions_count__gt=0),
            ),
            (
                Kpi(
                    "repeat",
                    gettext_lazy("重复诉求率"),
                    "received_at",
                    gettext_lazy("同一诉求人 30 日内同一事项再次反映"),
                    gettext_lazy("本期受理的工单"),
                    higher_is_better=False,
                ),
                Q(),
                Q(is_repeat=True),
            ),
            (
                Kpi(
                    "handling_days",
                    gettext_lazy("平均办理用时"),
                    "replied_at",
                    gettext_lazy("受理至答复的工作日合计"),
                    gettext_lazy("本期答复的工单"),
                    kind="average",
                    higher_is_better=False,
                    value_field="handling_workdays",
                ),
                Q(handling_workdays__isnull=False),
                Q(handling_workdays__isnull=False),
            ),
        ]
    }


KPI_CODES = (
    "sign_on_time",
    "close_on_time",
    "satisfaction",
    "resolution",
    "return",
    "overdue",
    "extension",
    "repeat",
    "handling_days",
)


# ---------------------------------------------------------------- periods


# ---------------------------------------------------------------- values
@dataclass
class Value:
    kpi: Kpi
    numerator: int | Decimal
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        if self.kpi.kind == "average":
            return (Decimal(self.numerator) / Decimal(self.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def display(self) -> str:
        value = self.value
        if value is None:
            return "—"
        return f"{value}" + ("%" if self.kpi.kind == "rate" else "")


def compute(
    queryset: QuerySet,
    period: Period,
    *,
    now: dt.datetime | None = None,
    by_unit: bool = True,
    by_month: bool = False,
    codes=KPI_CODES,
) -> dict[tuple, dict[str, Value]]:
    """KPIs of the (scoped) `queryset` in `period`: {(unit_id | None, month | None): {code: Value}}.

    The KPIs anchored on case dates come from ONE grouped query: one pass over the cases in
    the period by any anchor, grouped by unit and each anchor's month (a few thousand groups
    at most), folded per anchor here. The follow-up KPIs are one grouped query on FollowUp.
    Memory holds one row per group, never the cases (bench/cases.py measures it).
    """
    codes = codes or KPI_CODES
    now = now or timezone.now()
    defs = definitions(now)
    start, end = period.bounds()
    tz = timezone.get_current_timezone()
    by_anchor: dict[tuple, list[str]] = {}
    for code in codes:
        by_anchor.setdefault((defs[code][0].source, defs[code][0].anchor), []).append(code)

    def month_of(value):
        if not by_month or value is None:
            return None
        return f"{timezone.localtime(value, tz):%Y-%m}" if isinstance(value, dt.datetime) else f"{value:%Y-%m}"

    def aggregates(anchor_codes, where=None):
        where = Q() if where is None else where
        result = {}
        for code in anchor_codes:
            kpi, den, num = defs[code]
            result[f"{code}__den"] = Count("pk", filter=where & den)
            average = kpi.kind == "average"
            result[f"{code}__num"] = (
                Sum(kpi.value_field, filter=where & den) if average else Count("pk", filter=where & den & num)
            )
        return result

    def add(result, key, anchor_codes, row):
        bucket = result.setdefault(key, {})
        for code in anchor_codes:
            old = bucket.get(code)
            num, den = row[f"{code}__num"] or 0, row[f"{code}__den"] or 0
            if old is not None:
                num, den = num + old.numerator, den + old.denominator
            bucket[code] = Value(defs[code][0], num, den)

    result: dict[tuple, dict] = {}
    on_cases = {anchor: c for (source, anchor), c in by_anchor.items() if source == "case"}
    if on_cases:
        within = {anchor: Q(**{f"{anchor}__gte": start, f"{anchor}__lt": end}) for anchor in on_cases}
        qs = queryset.filter(Q(*within.values(), _connector=Q.OR)).order_by()
        group = ["responsible_unit_id"] if by_unit else []
        if by_month:
            qs = qs.annotate(**{f"m{i}": TruncMonth(anchor, tzinfo=tz) for i, anchor in enumerate(on_cases)})
            group += [f"m{i}" for i in range(len(on_cases))]
        counted = {}
        for i, (anchor, anchor_codes) in enumerate(on_cases.items()):
            counted[f"rows{i}"] = Count("pk", filter=within[anchor])
            counted.update(aggregates(anchor_codes, within[anchor]))
        rows = qs.values(*group).annotate(**counted) if group else [qs.aggregate(**counted)]
        for row in rows:
            unit = row.get("responsible_unit_id") if by_unit else None
            for i, (_anchor, anchor_codes) in enumerate(on_cases.items()):
                if row[f"rows{i}"]:  # a group with no case in the period for this anchor adds nothing
                    add(result, (unit, month_of(row.get(f"m{i}"))), anchor_codes, row)
    for (source, anchor), anchor_codes in by_anchor.items():
        if source == "case":
            continue
        qs = followups_of(queryset).filter(**{f"{anchor}__gte": start, f"{anchor}__lt": end}).order_by()
        group = ["responsible_unit_id"] if by_unit else []
        if by_month:
            qs = qs.annotate(month=TruncMonth(anchor, tzinfo=tz))
            group.append("month")
        rows = qs.values(*group).annotate(**aggregates(anchor_codes)) if group else [qs.aggregate(**aggregates(anchor_codes))]
        for row in rows:
            add(result, (row.get("responsible_unit_id") if by_unit else None, month_of(row.get("month"))), anchor_codes, row)
    for bucket in result.values():
        for code in codes:
            bucket.setdefault(code, Value(defs[code][0], 0, 0))
    return result


def total(queryset: QuerySet, period: Period, *, now=None, codes=KPI_CODES) -> dict[str, Value]:
    return compute(queryset, period, now=now, by_unit=False, codes=codes).get((None, None)) or {
        code: Value(definitions(now or timezone.now())[code][0], 0, 0) for code in codes
    }


def for_user(queryset: QuerySet, user) -> QuerySet:
    """Narrow a scoped case queryset to what the user's KPIs count.

    KPIs assess responsible units. A user with a limited scope sees the figures of the
    responsible units inside it (and the cases in it not dispatched yet), never a part of
    another unit's figures (e.g. a department's cases that happen to lie in their street).
    """
    from yixian.core.orgs.models import OrgUnit
    from yixian.framework.scope import get_scope

    scope = get_scope(user)
    if scope.everything:
        return queryset
    units = scope.narrow(OrgUnit.objects.all()).values("pk")
    return queryset.filter(Q(responsible_unit__in=units) | Q(responsible_unit__isnull=True))


def followups_of(queryset: QuerySet) -> QuerySet:
    """The follow-ups of the cases in `queryset` (all of them when it is not narrowed)."""
    from .models import FollowUp

    followups = FollowUp.objects.all()
    return followups.filter(case__in=queryset.values("pk")) if queryset.query.has_filters() else followups


def drill(queryset: QuerySet, code: str, part: str, period: Period, *, now=None) -> QuerySet:
    """The cases behind a KPI's numerator (`part="num"`) or denominator (`"den"`)."""
    now = now or timezone.now()
    kpi, den, num = definitions(now)[code]
    start, end = period.bounds()
    if kpi.source == "followup":  # the cases with a (satisfied / resolved) follow-up in the period
        followups = followups_of(queryset).filter(at__gte=start, at__lt=end)
        if part == "num":
            followups = followups.filter(num)
        return queryset.filter(pk__in=followups.values("case_id"))
    qs = queryset.filter(**{f"{kpi.anchor}__gte": start, f"{kpi.anchor}__lt": end}).filter(den)
    return qs.filter(num) if part == "num" and kpi.kind == "rate" else qs


def kpi_choices() -> list[tuple[str, str]]:
    defs = definitions(timezone.now())
    return [(code, str(defs[code][0].name)) for code in KPI_CODES]
