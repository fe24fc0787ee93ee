"""Activities: a visit, meeting, training or event — who, when, where, about what.

One record of a piece of work feeds the subject's history (`subject`), the unit's indicators
(`org_unit`, `occurred_on`) and the performance record of every participant (`participants`).
Modules create activities through their services with their own record as the subject
(a site visit's subject is a project).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.framework.models import BaseModel


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("走访")
    MEETING = "meeting", _("会议")
    TRAINING = "training", _("培训")
    EVENT = "event", _("活动")


class Activity(BaseModel):
    kind = models.CharField(_("类型"), max_length=20, choices=ActivityKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=150)
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="activities", verbose_name=_("所属单位"))
    area = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所在区域"),
        help_text=_("活动发生地所在的街道或社区；该单位的人员也能看到此记录。"),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("对象类型")
    )
    subject_id = models.CharField(_("对象"), max_length=40, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    occurred_on = models.DateField(_("日期"), default=timezone.localdate, db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    findings = models.TextField(_("情况与发现"), blank=True)
    participants = models.ManyToManyField("orgs.Person", blank=True, related_name="activities", verbose_name=_("参加人员"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("记录人")
    )

    # visible to the unit that did it and to the place where it happened (a service group's
    # visit to a project is seen by the group and by the project's street)
    scope_path = ("org_unit", "area")

    class Meta:
        verbose_name = _("走访与活动")
        verbose_name_plural = _("走访与活动")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="activity_subject")]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"activities/{instance.activity_id}/{uuid.uuid4().hex}.{suffix}"


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("活动"))
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    audit_exclude = True
    scope_path = ("activity__org_unit", "activity__area")

    class Meta:
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
