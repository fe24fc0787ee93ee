from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class AuditConfig(ModuleConfig):
    name = "yixian.core.audit"
    label = "audit"
    verbose_name = _("审计")
    icon = "history"
    order = 95
    hook_modules = ("resources", "home", "signals")
