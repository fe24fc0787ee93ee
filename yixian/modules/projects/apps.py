from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig
from yixian.framework.registry import MenuItem

VIEW = ["view_project", "view_milestone", "view_annualplan", "view_investmentreport", "view_blocker", "view_industry"]
CADRE = [*VIEW, "raise_blocker", "log_visit", "update_milestone", "report_investment"]
MANAGE = [
    *CADRE,
    "add_project",
    "change_project",
    "add_milestone",
    "change_milestone",
    "add_annualplan",
    "change_annualplan",
    "add_investmentreport",
    "change_investmentreport",
]


class ProjectsConfig(ModuleConfig):
    """重大项目: major projects over their whole life, served by the 12 service groups."""

    name = "yixian.modules.projects"
    label = "projects"
    verbose_name = _("重大项目")
    icon = "building-factory-2"
    order = 20
    menu = (
        MenuItem(label=_("阶段看板"), url_name="projects:board", icon="layout-kanban", perm="projects.view_project", order=11),
        MenuItem(label=_("红灯清单"), url_name="projects:red_list", icon="alert-octagon", perm="projects.view_project", order=12),
        MenuItem(
            label=_("黄灯清单"), url_name="projects:yellow_list", icon="alert-triangle", perm="projects.view_project", order=13
        ),
        MenuItem(label=_("专项服务组"), url_name="projects:groups", icon="users-group", perm="projects.view_project", order=14),
    )
    # Which roles get which permissions on this module's models (synced by `manage.py sync_roles`).
    role_permissions = {
        "leader": VIEW,
        "orgdept": VIEW,
        "dispatcher": VIEW,
        "group_cadre": CADRE,
        "dept_handler": [*MANAGE, "delete_project"],
        "street_worker": VIEW,
        "community_worker": [],
        "sysadmin": [
            "view_industry",
            "add_industry",
            "change_industry",
            "view_stagetemplate",
            "add_stagetemplate",
            "change_stagetemplate",
            "view_lightpolicy",
            "change_lightpolicy",
        ],  # fmt: skip
    }
