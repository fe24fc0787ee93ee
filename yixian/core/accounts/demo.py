"""Demo logins, one per role, each linked to a person whose memberships give its scope."""

import datetime as dt

from yixian.core.orgs.models import Membership, OrgUnit, Person

from .models import Role, User
from .roles import STAFF_ROLES
from .services import roles_sync

ORDER = 20
DEMO_PASSWORD = "Yixian@2026"

# username, display name, role, org unit code (membership), position
DEMO_USERS = [
    ("admin", "系统管理员", "sysadmin", "330105", "信息中心工程师"),
    ("security", "安全管理员", "secadmin", "330105", "网络安全专员"),
    ("auditor", "审计员", "auditor", "330105", "审计专员"),
    ("leader", "区领导", "leader", "330105", "副区长"),
    ("zuzhibu", "组织部干部", "orgdept", "D-ZZB", "干部科科长"),
    ("fagaiju", "发改局经办人", "dept_handler", "D-FGJ", "项目科科员"),
    ("mishixiang", "米市巷街道工作人员", "street_worker", "330105001", "党政办科员"),
    ("hushu", "湖墅街道工作人员", "street_worker", "330105002", "党政办科员"),
    ("shequ", "左家新村社区社工", "community_worker", "330105001001", "社区社工"),
    ("fuwuzu", "服务组干部", "group_cadre", "SG01", "服务组联络员"),
    ("paidan", "受理派单员", "dispatcher", "330105", "一线办受理派单员"),
]


def load(ctx) -> None:
    roles_sync()
    start = dt.date(2025, 1, 1)
    for i, (username, display, role_code, unit_code, position) in enumerate(DEMO_USERS, start=1):
        unit = OrgUnit.objects.get(code=unit_code)
        person, _ = Person.objects.update_or_create(
            staff_no=f"DEMO{i:03d}",
            defaults={"name": display, "org_unit": unit, "position": position, "mobile": f"1380571{i:04d}"},
        )
        Membership.objects.get_or_create(person=person, org_unit=unit, start_date=start, defaults={"title": position})
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.display_name = display
        user.person = person
        user.is_staff = role_code in STAFF_ROLES
        user.is_active = True
        user.save()
        user.roles.set([Role.objects.get(code=role_code)])
        ctx.login(username, DEMO_PASSWORD, Role.objects.get(code=role_code).name, unit.name)
