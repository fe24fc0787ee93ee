from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class AccountsConfig(ModuleConfig):
    name = "yixian.core.accounts"
    label = "accounts"
    verbose_name = _("账号与角色")
    icon = "users"
    order = 90
