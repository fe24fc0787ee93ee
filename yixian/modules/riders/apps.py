from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class RidersConfig(ModuleConfig):
    """新就业群体：小哥驿站（rider stations）; later: rights and injury-claim services."""

    name = "yixian.modules.riders"
    label = "riders"
    verbose_name = _("新就业群体")
    icon = "motorbike"
    order = 40
    # Which roles get which permissions on this module's models (synced by `manage.py sync_roles`).
    role_permissions = {
        "leader": ["view_riderstation", "view_amenity"],
        "orgdept": ["view_riderstation", "view_amenity"],
        "street_worker": ["view_riderstation", "add_riderstation", "change_riderstation", "delete_riderstation", "view_amenity"],
        "community_worker": ["view_riderstation", "view_amenity"],
        "dept_handler": ["view_riderstation", "view_amenity"],
        "sysadmin": ["view_amenity", "add_amenity", "change_amenity"],
    }
