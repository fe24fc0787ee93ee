"""Small org trees and users for tests."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission

from yixian.core.accounts.models import Role, User
from yixian.core.orgs.models import Membership, OrgUnit, OrgUnitKind, Person

PASSWORD = "Test@2026pw"


class OrgFixture:
    """District 330105 with two streets (A 米市巷, B 湖墅), a community under each."""

    def __init__(self):
        self.district = OrgUnit.objects.filter(code="330105").first() or OrgUnit.add_root(
            code="330105", name="拱墅区", kind=OrgUnitKind.DISTRICT
        )
        self.street_a = self._child(self.district, "330105001", "米市巷街道", OrgUnitKind.STREET, "米市巷")
        self.street_b = self._child(self.district, "330105002", "湖墅街道", OrgUnitKind.STREET, "湖墅")
        self.community_a = self._child(self.street_a, "330105001001", "左家新村社区", OrgUnitKind.COMMUNITY, "左家新村")
        self.community_b = self._child(self.street_b, "330105002001", "卖鱼桥社区", OrgUnitKind.COMMUNITY, "卖鱼桥")

    @staticmethod
    def _child(parent, code, name, kind, short):
        unit = OrgUnit.objects.filter(code=code).first()
        return unit or OrgUnit.objects.get(pk=parent.pk).add_child(code=code, name=name, kind=kind, short_name=short)


def make_role(code: str, perms: list[str], data_scope: str = "units") -> Role:
    role, _ = Role.objects.get_or_create(code=code, defaults={"name": code, "data_scope": data_scope})
    ids = []
    for perm in perms:
        app_label, codename = perm.split(".")
        ids.append(Permission.objects.get(content_type__app_label=app_label, codename=codename).pk)
    role.permissions.set(ids)
    return role


def make_user(username: str, *, units=(), roles=(), on: dt.date | None = None) -> User:
    """A user whose person holds active memberships in `units` and who has `roles`."""
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    if units:
        person = Person.objects.create(name=username, org_unit=units[0])
        for unit in units:
            Membership.objects.create(person=person, org_unit=unit, start_date=on or dt.date(2020, 1, 1))
        user.person = person
        user.save()
    for role in roles:
        user.roles.add(role)
    return user
