from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class AccountsConfig(ModuleConfig):
    name = "yixian.core.accounts"
    label = "accounts"
    verbose_name = _("账号与角色")
    icon = "users"
    order = 90

    def ready(self) -> None:
        super().ready()
        from . import checks  # noqa: F401  (registers the deployment checks)
