"""Reads of the case engine: work-list queues, the traffic light of a case and its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.framework.scope import get_scope

from .models import HANDLING_STATES, Case, CaseState, Light
from .types import policy_for

S = CaseState
DUE_STATES = (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED)
# Every queue below holds only cases in these states (a closed or followed-up case is in none),
# so the counts need not look at the years of closed cases (an index on state finds the rest).
QUEUE_STATES = (S.RECEIVED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED)

QUEUES = {
    "to_sign": gettext_lazy("待签收"),
    "to_handle": gettext_lazy("待办理"),
    "due_soon": gettext_lazy("即将到期"),
    "overdue": gettext_lazy("已超期"),
    "to_dispatch": gettext_lazy("待派单"),
    "extension": gettext_lazy("延期待审批"),
    "to_follow_up": gettext_lazy("待回访"),
    "supervised": gettext_lazy("督办件"),
}


def my_unit_ids(user) -> list[int]:
    """The units the user works in (active memberships), not their subtrees: "my" cases."""
    cached = getattr(user, "_yixian_my_units", None)
    if cached is not None:
        return cached
    ids: list[int] = []
    if getattr(user, "is_authenticated", False) and getattr(user, "person_id", None):
        from yixian.core.orgs.models import Membership

        ids = list(Membership.objects.active().filter(person_id=user.person_id).values_list("org_unit_id", flat=True))
    try:
        user._yixian_my_units = ids
    except AttributeError:
        pass
    return ids


def queue(queryset: QuerySet, name: str, user, now: dt.datetime | None = None) -> QuerySet:
    """Narrow an (already scoped) case queryset to a work-list queue."""
    if name not in QUEUES:
        return queryset.none()
    return queryset.filter(_queue_q(name, user, now or timezone.now()))


def queue_counts(queryset: QuerySet, user, names=None, now=None) -> dict[str, int]:
    """Counts of several queues in one query (conditional aggregation)."""
    from django.db.models import Count

    names = names or list(QUEUES)
    now = now or timezone.now()
    aggregates = {name: Count("pk", filter=_queue_q(name, user, now)) for name in names}
    return queryset.filter(state__in=QUEUE_STATES).aggregate(**aggregates)


def _queue_q(name: str, user, now: dt.datetime, soon_hours: int = 24) -> Q:
    mine = Q(handling_unit_id__in=my_unit_ids(user))
    everything = get_scope(user).everything
    intake = Q() if everything else Q(intake_unit_id__in=my_unit_ids(user))
    return {
        "to_sign": mine & Q(state=S.DISPATCHED),
        "to_handle": mine & Q(state__in=HANDLING_STATES),
        "due_soon": mine & Q(state__in=DUE_STATES, current_due__gte=now, current_due__lt=now + dt.timedelta(hours=soon_hours)),
        "overdue": Q(state__in=DUE_STATES, current_due__lt=now),
        "to_dispatch": (intake if everything else mine) & Q(state=S.RECEIVED),
        "extension": intake & Q(extension_pending_days__isnull=False),
        "to_follow_up": intake & Q(state=S.REPLIED),
        "supervised": Q(is_supervised=True) & ~Q(state__in=(S.REPLIED, S.FOLLOWED_UP, S.CLOSED)),
    }[name]


@dataclass(frozen=True)
class CaseLight:
    color: str
    reason: str

    @property
    def label(self) -> str:
        return str(Light(self.color).label)


DUE_LABELS = {
    S.DISPATCHED: gettext_lazy("签收期限"),
    S.SIGNED: gettext_lazy("办理期限"),
    S.IN_PROGRESS: gettext_lazy("办理期限"),
    S.REPLIED: gettext_lazy("回访期限"),
}


def _span(delta: dt.timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds >= 86400:
        return _("%(n)s 天") % {"n": int(seconds // 86400)}
    if seconds >= 3600:
        return _("%(n)s 小时") % {"n": int(seconds // 3600)}
    return _("%(n)s 分钟") % {"n": max(int(seconds // 60), 1)}


def light(case: Case, now: dt.datetime | None = None) -> CaseLight:
    """The case's traffic light and why, in words (红黄绿灯)."""
    from .services import _fmt

    now = now or timezone.now()
    if case.state == S.CLOSED:
        return CaseLight(Light.NONE, _("已办结") if not case.duplicate_of_id else _("已合并办理"))
    if case.state == S.FOLLOWED_UP:
        return CaseLight(Light.NONE, _("已回访，待办结"))
    if case.state == S.RECEIVED or case.current_due is None:
        return CaseLight(Light.NONE, _("待派单，尚未起算办理时限"))
    label = DUE_LABELS.get(case.state, "")
    due = _fmt(case.current_due)
    if now > case.current_due:
        return CaseLight(Light.RED, _("%(label)s %(due)s，已超期 %(span)s") % {"label": label, "due": due, "span": _span(now - case.current_due)})
    soon = dt.timedelta(hours=policy_for(case.case_type).due_soon_hours)
    if case.current_due - now <= soon:
        return CaseLight(Light.YELLOW, _("%(label)s %(due)s，仅剩 %(span)s") % {"label": label, "due": due, "span": _span(case.current_due - now)})
    return CaseLight(Light.GREEN, _("%(label)s %(due)s，剩余 %(span)s") % {"label": label, "due": due, "span": _span(case.current_due - now)})
