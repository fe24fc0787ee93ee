from django.utils.translation import gettext_lazy as _

from yixian.core.accounts.roles import ROLES
from yixian.framework.modules import ModuleConfig

_VIEW = ["view_calendaryear", "view_calendarday"]


class CalendarConfig(ModuleConfig):
    """工作日历: official working days, holidays and make-up days; deadlines count on it."""

    name = "yixian.core.calendar"
    label = "workcal"
    verbose_name = _("工作日历")
    icon = "calendar"
    order = 85
    # Everyone signed in may read the calendar (deadlines are shown against it); the system
    # administrator maintains it. Nobody deletes: a published year must keep all its days.
    role_permissions = {
        **{code: list(_VIEW) for code, *_rest in ROLES if code != "sysadmin"},
        "sysadmin": [*_VIEW, "add_calendaryear", "change_calendaryear", "add_calendarday", "change_calendarday"],
    }
