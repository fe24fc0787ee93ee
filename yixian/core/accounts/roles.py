"""The roles of yixian and the permissions of the core apps; modules add theirs through
`ModuleConfig.role_permissions`. Synced by `manage.py sync_roles` (idempotent)."""

from django.utils.translation import gettext_lazy as _

# code, name, data scope, description
ROLES = [
    ("sysadmin", _("系统管理员"), "all", _("维护组织架构、账号和系统配置；不查看业务数据。")),
    ("secadmin", _("安全管理员"), "all", _("管理账号锁定、查看敏感数据访问记录。")),
    ("auditor", _("审计员"), "all", _("只读查看全系统变更记录与访问记录。")),
    ("leader", _("区领导"), "all", _("只读查看全区数据。")),
    ("orgdept", _("组织部"), "all", _("管理干部与服务组人员，查看全区数据。")),
    ("dispatcher", _("受理派单员"), "all", _("受理诉求、派单、改派、审批延期、回访和督办（区一线办/12345 分中心）。")),
    ("dept_handler", _("部门经办人"), "units", _("办理本部门的业务。")),
    ("street_worker", _("街道工作人员"), "units", _("管理本街道及所辖社区的数据。")),
    ("community_worker", _("社区工作人员"), "units", _("查看和记录本社区的数据。")),
    ("group_cadre", _("服务组干部"), "units", _("服务组成员，在一线走访和解决问题。")),
]

VIEW_ORGS = ["orgs.view_orgunit", "orgs.view_person", "orgs.view_membership"]
MANAGE_ORGS = [f"orgs.{a}_{m}" for a in ("view", "add", "change", "delete") for m in ("orgunit", "person", "membership")]

CORE_PERMISSIONS = {
    "sysadmin": [
        *MANAGE_ORGS,
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_role",
        "accounts.change_role",
    ],
    "secadmin": [
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_sensitiveaccess",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
    ],
    "auditor": ["audit.view_objectchange", "accounts.view_sensitiveaccess", "accounts.view_user", *VIEW_ORGS],
    "leader": [*VIEW_ORGS],
    "orgdept": [
        *VIEW_ORGS,
        "orgs.add_person",
        "orgs.change_person",
        "orgs.add_membership",
        "orgs.change_membership",
        "orgs.delete_membership",
    ],
    "dispatcher": [*VIEW_ORGS],
    "dept_handler": [*VIEW_ORGS],
    "street_worker": [*VIEW_ORGS, "audit.view_objectchange"],
    "community_worker": [*VIEW_ORGS],
    "group_cadre": [*VIEW_ORGS],
}

STAFF_ROLES = {"sysadmin", "secadmin"}  # may open the system administration site
