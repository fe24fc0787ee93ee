from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig
from yixian.framework.registry import MenuItem

VIEW = ["view_case", "view_casecategory"]
HANDLE = [*VIEW, "add_case", "handle_case"]


class CasesConfig(ModuleConfig):
    """工单: the case engine — demands, blockers and requests handled to closure on a working-day clock."""

    name = "yixian.core.cases"
    label = "cases"
    verbose_name = _("诉求工单")
    icon = "clipboard-list"
    order = 10
    menu = (
        MenuItem(label=_("受理工单"), url_name="cases:case_intake", icon="file-plus", perm="cases.add_case", order=20),
        MenuItem(label=_("考核指标"), url_name="cases:kpis", icon="chart-bar", perm="cases.view_case", order=30),
        MenuItem(label=_("通知"), url_name="cases:notices", icon="bell", perm="cases.view_case", order=40),
    )
    role_permissions = {
        "dispatcher": [*VIEW, "add_case", "dispatch_case", "supervise_case", "add_casecategory", "change_casecategory"],
        "leader": [*VIEW, "supervise_case"],
        "orgdept": VIEW,
        "dept_handler": HANDLE,
        "street_worker": [*HANDLE, "dispatch_case"],
        "community_worker": HANDLE,
        "group_cadre": [*VIEW, "add_case"],
        "sysadmin": ["view_casecategory", "add_casecategory", "change_casecategory"],
        "secadmin": [],
        "auditor": [],
    }
