"""Home-page cards for administrators: accounts, and account security."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.framework.registry import HomeCard, registry
from yixian.framework.scope import get_scope

from .models import Role, SensitiveAccess, User


def accounts_card(request):
    if not get_scope(request.user).everything:  # accounts belong to no place: district-wide roles only
        return None
    users = User.objects.filter(is_active=True)
    by_role = Role.objects.annotate(n=Count("users")).order_by("order")
    return {
        "icon": "users",
        "link": "/sysadmin/accounts/user/" if request.user.is_staff else "",
        "figures": [
            {"label": _("启用账号"), "value": users.count()},
            {"label": _("未绑定人员"), "value": users.filter(person__isnull=True).count()},
        ],
        "rows": [{"label": r.name, "value": r.n} for r in by_role],
    }


def security_card(request):
    from axes.models import AccessAttempt, AccessFailureLog
    from django.conf import settings

    if not get_scope(request.user).everything:
        return None
    now = timezone.now()
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    )
    return {
        "icon": "shield-lock",
        "link": "/sysadmin/axes/accessattempt/" if request.user.is_staff else "",
        "figures": [
            {"label": _("当前锁定账号"), "value": locked.count()},
            {"label": _("24 小时登录失败"), "value": AccessFailureLog.objects.filter(attempt_time__gte=now - timezone.timedelta(days=1)).count()},
            {"label": _("7 天敏感数据访问"), "value": SensitiveAccess.objects.filter(time__gte=now - timezone.timedelta(days=7)).count()},
        ],
        "rows": [{"label": a.username, "value": _("已锁定")} for a in locked[:5]],
    }


registry.add_home_card(HomeCard(key="accounts.users", title=_("账号与角色"), render=accounts_card, perm="accounts.change_user", order=10))
registry.add_home_card(
    HomeCard(key="accounts.security", title=_("账号安全"), render=security_card, perm="axes.view_accessattempt", order=11)
)
