from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class ReportsConfig(ModuleConfig):
    """简报: the monthly briefing (Word and PDF) built from indicators."""

    name = "yixian.core.reports"
    label = "reports"
    verbose_name = _("工作简报")
    icon = "file-text"
    order = 6
    role_permissions = {"auditor": ["view_briefingrecord"]}
