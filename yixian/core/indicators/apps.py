from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig
from yixian.framework.registry import MenuItem

VIEW = ["view_dashboarditem", "view_target", "view_snapshot"]


class IndicatorsConfig(ModuleConfig):
    """指标: the indicator registry, targets, monthly snapshots and the district dashboard."""

    name = "yixian.core.indicators"
    label = "indicators"
    verbose_name = _("指标与驾驶舱")
    icon = "chart-dots"
    order = 5
    demo_order = 900  # after every module's data: its snapshots count them
    menu = (
        MenuItem(label=_("驾驶舱"), url_name="indicators:dashboard", icon="gauge", perm="indicators.view_dashboarditem", order=1),
        MenuItem(
            label=_("指标一览"), url_name="indicators:list", icon="list-numbers", perm="indicators.view_dashboarditem", order=5
        ),
    )
    role_permissions = {
        "leader": VIEW,
        "orgdept": VIEW,
        "dispatcher": VIEW,
        "dept_handler": VIEW,
        "street_worker": VIEW,
        "community_worker": VIEW,
        "group_cadre": VIEW,
        "sysadmin": [
            *VIEW,
            "add_dashboarditem",
            "change_dashboarditem",
            "delete_dashboarditem",
            "add_target",
            "change_target",
            "delete_target",
        ],
    }
