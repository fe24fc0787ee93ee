"""Background tasks of the case engine (Django's task API, database queue).

`sla_sweep` is the SLA watch (时限监控): run every few minutes by `manage.py worker`, it finds
open cases whose current deadline is near or past and takes the engine's system steps on them —
临期提醒 (`due_soon`) and 超期 (`overdue`, which also puts the case under supervision) — each
in its own transaction through `services.act`, which records the step and notifies the units.

Each notice is given once per deadline: `due_soon_noticed_at` / `overdue_noticed_at` are set by
the step and cleared by the engine whenever a step gives the case a new current deadline (sign,
reassignment, approved extension, return, reopen…), so a new deadline is watched afresh and a
deadline already noticed is never noticed twice. A case that changes while the sweep runs is
left for the next sweep (the step is taken only on the version the sweep read).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from yixian.framework import context

from .models import Case, CaseState
from .types import SlaPolicy, policy_for

logger = logging.getLogger(__name__)

# the states with a running clock (`current_due` is set in exactly these)
WATCHED_STATES = (CaseState.DISPATCHED, CaseState.SIGNED, CaseState.IN_PROGRESS, CaseState.REPLIED)


def parse_now(now_iso: str | None) -> dt.datetime:
    """The sweep's moment: an ISO 8601 text (naive means local time) or the present."""
    if not now_iso:
        return timezone.now()
    moment = dt.datetime.fromisoformat(now_iso)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _max_due_soon_hours() -> int:
    from yixian.framework.registry import registry

    hours = [SlaPolicy().due_soon_hours] + [t.policy().due_soon_hours for t in registry.case_types]
    return max(hours)


def due_soon_candidates(now: dt.datetime) -> list[tuple[int, int]]:
    """(pk, version) of cases whose current deadline falls within their type's due-soon window
    and that have had no due-soon notice for it."""
    horizon = now + dt.timedelta(hours=_max_due_soon_hours())
    rows = (
        Case.objects.filter(
            state__in=WATCHED_STATES,
            current_due__gte=now,
            current_due__lte=horizon,
            due_soon_noticed_at__isnull=True,
        )
        .order_by("current_due", "pk")
        .values_list("pk", "version", "case_type", "current_due")
    )
    policies: dict[str, SlaPolicy] = {}
    found = []
    for pk, version, case_type, due in rows:
        policy = policies.setdefault(case_type, policy_for(case_type))
        if due - now <= dt.timedelta(hours=policy.due_soon_hours):
            found.append((pk, version))
    return found


def overdue_candidates(now: dt.datetime) -> list[tuple[int, int]]:
    """(pk, version) of cases past their current deadline without an overdue notice for it."""
    return list(
        Case.objects.filter(state__in=WATCHED_STATES, current_due__lt=now, overdue_noticed_at__isnull=True)
        .order_by("current_due", "pk")
        .values_list("pk", "version")
    )


def _take(action: str, pk: int, version: int, now: dt.datetime, counts: dict) -> None:
    from .services import CaseError, act

    try:
        act(pk, action, system=True, expected_version=version, now=now)
    except CaseError as exc:
        if exc.status in (404, 409):  # changed, closed or deleted since the query: next sweep decides
            counts["skipped"] += 1
            logger.info("SLA watch: %s skipped for case %s: %s", action, pk, exc.message)
            return
        counts["failed"] += 1
        logger.error("SLA watch: %s refused for case %s: %s", action, pk, exc.message)
    except Exception:
        counts["failed"] += 1
        logger.exception("SLA watch: %s failed for case %s", action, pk)
    else:
        counts[action] += 1


def sweep(now: dt.datetime | None = None) -> dict:
    """Notice every case due soon or overdue at `now`; returns what was done."""
    now = now or timezone.now()
    counts = {"due_soon": 0, "overdue": 0, "skipped": 0, "failed": 0}
    with context.acting(source="system"):
        for pk, version in overdue_candidates(now):
            _take("overdue", pk, version, now, counts)
        for pk, version in due_soon_candidates(now):
            _take("due_soon", pk, version, now, counts)
    # housekeeping: rate-limit hits older than a day count for nothing any more
    from .models import RateLimitHit

    purged = RateLimitHit.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()[0]
    if purged:
        logger.info("SLA watch purged %s old rate-limit hits", purged)
    if counts["due_soon"] or counts["overdue"] or counts["failed"]:
        logger.info("SLA watch at %s: %s", now.isoformat(), counts)
    return {"now": now.isoformat(), **counts}


@task()
def sla_sweep(now_iso: str | None = None) -> dict:
    """The SLA watch as a task: `sla_sweep.enqueue()` (the worker does it every few minutes),
    or `sla_sweep.call(now_iso="2026-03-05T09:00:00+08:00")` to run it here and now."""
    return sweep(parse_now(now_iso))
