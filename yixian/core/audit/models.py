"""The change log: every create, update and delete of every domain record. Append-only."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the change log cannot be edited")

    def delete(self):
        raise PermissionError("the change log cannot be deleted")


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class ObjectChange(models.Model):
    """One change of one record: who, when, under which request, before and after."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    user_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=20, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("数据类型"))
    object_id = models.CharField(_("记录编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("记录"), max_length=200)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属单位"),
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    changed_fields = models.JSONField(_("变更字段"), default=list, blank=True)

    objects = ImmutableQuerySet.as_manager()
    scope_path = "org_unit"

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"], name="audit_change_object_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the change log cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the change log cannot be deleted")
