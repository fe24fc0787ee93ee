from django.utils.translation import gettext_lazy as _

from yixian.framework.modules import ModuleConfig


class ActivitiesConfig(ModuleConfig):
    """活动: visits, meetings, trainings — one record of a piece of work, about a subject."""

    name = "yixian.core.activities"
    label = "activities"
    verbose_name = _("走访与活动")
    icon = "walk"
    order = 15
    role_permissions = {
        "leader": ["view_activity"],
        "orgdept": ["view_activity"],
        "dept_handler": ["view_activity"],
        "street_worker": ["view_activity", "add_activity"],
        "community_worker": ["view_activity", "add_activity"],
        "group_cadre": ["view_activity", "add_activity"],
    }
