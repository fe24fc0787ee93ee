"""Recording activities (visits, meetings, trainings, events).

`create_activity` is for module services that have already checked who may act (a project's
site visit: `projects.services.log_visit`); `log_activity` is the checked entry point for a
person recording an activity of their own unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.framework.scope import get_scope

from .models import Activity, ActivityAttachment, ActivityKind


class ActivityError(ValueError):
    """Refused; `message` (Chinese) names the field, `field` is its name."""

    def __init__(self, message, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.status = status


def _uploads(files: Iterable) -> list:
    from yixian.core.cases.services import CaseError, check_uploads

    try:
        return check_uploads(files)
    except CaseError as exc:
        raise ActivityError(exc.message, "files") from exc


def create_activity(
    *,
    kind: str,
    title: str,
    org_unit,
    occurred_on: dt.date,
    created_by=None,
    area=None,
    subject=None,
    place: str = "",
    findings: str = "",
    participants: Iterable = (),
    files: Iterable = (),
    today: dt.date | None = None,
) -> Activity:
    """Validate and write an activity with its participants and attachments (one transaction)."""
    today = today or timezone.localdate()
    title = (title or "").strip()
    if kind not in ActivityKind.values:
        raise ActivityError(_("请选择活动类型。"), "kind")
    if not title:
        raise ActivityError(_("请填写标题。"), "title")
    if org_unit is None:
        raise ActivityError(_("请选择所属单位。"), "org_unit")
    if not isinstance(occurred_on, dt.date):
        raise ActivityError(_("请填写日期。"), "occurred_on")
    if occurred_on > today:
        raise ActivityError(_("日期 %(d)s 晚于今天。") % {"d": occurred_on.isoformat()}, "occurred_on")
    uploads = _uploads(files)
    with transaction.atomic():
        activity = Activity.objects.create(
            kind=kind,
            title=title[:150],
            org_unit=org_unit,
            area=area,
            subject_type=ContentType.objects.get_for_model(type(subject)) if subject is not None else None,
            subject_id=str(subject.pk) if subject is not None else "",
            occurred_on=occurred_on,
            place=(place or "").strip()[:200],
            findings=(findings or "").strip(),
            created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        )
        people = list(participants or ())
        if people:
            activity.participants.set(people)
        for upload in uploads:
            attachment = ActivityAttachment(
                activity=activity, name=upload.name[:200], content_type=upload.content_type_sniffed, size=upload.size
            )
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
    return activity


def log_activity(*, actor, org_unit, **kwargs) -> Activity:
    """A person records an activity of a unit in their scope (perm `activities.add_activity`)."""
    if not getattr(actor, "is_authenticated", False):
        raise ActivityError(_("请先登录。"), status=403)
    if not actor.has_perm("activities.add_activity"):
        raise ActivityError(_("您没有记录活动的权限。"), status=403)
    scope = get_scope(actor)
    if org_unit is None or not scope.contains_unit(org_unit):
        raise ActivityError(_("所选单位不在您的数据范围内。"), "org_unit", 403)
    return create_activity(org_unit=org_unit, created_by=actor, **kwargs)


def activities_about(subject):
    """Activities whose subject is `subject`, newest first."""
    return Activity.objects.filter(
        subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=str(subject.pk)
    ).order_by("-occurred_on", "-id")
