"""Monthly indicator snapshots as a background task (Django's task API, database queue).

The worker (`manage.py worker`) enqueues `snapshot_month` once a day: it stores this month's
values so far and last month's final values for the district, each street and each service
group, so trends and month-on-month change read a few stored rows. A month can be recomputed
any time (`manage.py snapshot_indicators --period 2026-10`); each row says when it was computed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from yixian.framework.periods import parse_period
from yixian.framework.registry import PeriodicJob, registry

logger = logging.getLogger(__name__)


def months_to_snapshot(today) -> list[str]:
    """Last month (now complete) and this month (so far)."""
    this = f"{today:%Y-%m}"
    last = today.replace(day=1) - dt.timedelta(days=1)
    return [f"{last:%Y-%m}", this]


@task()
def snapshot_month(period: str | None = None, now_iso: str | None = None) -> dict:
    """Store the snapshots of `period` ("2026-10"; default: last month and this month)."""
    from yixian.core.cases.tasks import parse_now

    from . import services

    now = parse_now(now_iso)
    today = timezone.localdate(now)
    codes = [period] if period else months_to_snapshot(today)
    stored = {}
    for code in codes:
        stored[code] = services.snapshot(parse_period(code, today=today), now=now)
    logger.info("indicator snapshots stored: %s", stored)
    return {"now": now.isoformat(), "stored": stored}


registry.add_periodic(PeriodicJob(key="indicators.snapshot", task=snapshot_month, every=24 * 3600, label="指标月度快照"))
