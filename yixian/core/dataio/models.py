"""An uploaded spreadsheet waiting for the user to confirm its import."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class State(models.TextChoices):
        PREVIEW = "preview", _("待确认")
        DONE = "done", _("已导入")
        REFUSED = "refused", _("未导入")

    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户"))
    model = models.CharField(_("数据类型"), max_length=100)
    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PREVIEW)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    scope_path = None

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
