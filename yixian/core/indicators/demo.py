"""Demo: the district dashboard's default items, 2026 targets for the headline figures, and
snapshots of the past twelve months (the district's; last month's for every street and group)
so trends and month-on-month change show at once. Idempotent."""

from decimal import Decimal

from django.utils import timezone

ORDER = 900  # after every module's data: the snapshots count it

# code → the district's 2026 target
TARGETS = {
    "cases.sign_on_time": Decimal("98"),
    "cases.close_on_time": Decimal("95"),
    "cases.satisfaction": Decimal("95"),
    "cases.resolution": Decimal("90"),
    "cases.overdue": Decimal("5"),
    "riders.stations": Decimal("22"),
    "groups.count": Decimal("12"),
    "projects.investment_rate": Decimal("100"),
    "projects.red": Decimal("0"),
}


def load(ctx) -> None:
    from yixian.framework.periods import parse_period

    from . import base, services
    from .models import Target

    services.ensure_defaults()
    known = {i.code for i in base.all_indicators()}
    now = timezone.now()
    today = timezone.localdate(now)
    for code, value in TARGETS.items():
        if code in known:
            Target.objects.get_or_create(code=code, org_unit=None, year=today.year, defaults={"value": value, "note": "演示目标"})
    months = services.last_months(parse_period(None, today=today), 13, today)[:-1]  # the 12 months before this one
    stored = 0
    for period in months:
        stored += services.snapshot(period, units=[None], now=now)
    stored += services.snapshot(months[-1], units=services.snapshot_units()[1:], now=now)
    note = getattr(ctx, "note", None)
    if note:
        note(f"指标快照 {stored} 条（{months[0].code}～{months[-1].code}）")
