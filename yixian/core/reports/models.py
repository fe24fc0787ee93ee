"""The log of briefings generated: who produced which unit's briefing for which month. Append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BriefingRecord(models.Model):
    """One briefing file generated (a business event, for auditors): who, when, which unit and month, which format."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成人"),
    )
    user_name = models.CharField(_("生成人名称"), max_length=150, blank=True, help_text=_("命令行生成时为“系统”。"))
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("留空表示全区（或生成人的全部数据范围）。"),
    )
    unit_label = models.CharField(_("简报单位"), max_length=200)
    period = models.CharField(_("统计月份"), max_length=7)
    format = models.CharField(_("格式"), max_length=8, choices=[("docx", "Word"), ("pdf", "PDF")])
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)

    scope_path = "org_unit"
    audit_exclude = True  # an append-only log of its own

    class Meta:
        verbose_name = _("简报生成记录")
        verbose_name_plural = _("简报生成记录")
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_label} {self.period} {self.format}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("briefing records cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("briefing records cannot be deleted")
