from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class OrgsConfig(ModuleConfig):
    name = "yixian.core.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")
    icon = "sitemap"
    order = 80
