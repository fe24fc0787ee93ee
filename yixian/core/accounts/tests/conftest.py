"""Shared fixtures for the security tests: users, roles, a small org tree, logging in."""

import pytest

from yixian.core.accounts.models import Role, User
from yixian.core.accounts.services import roles_sync

PASSWORD = "Yixian@2026"
LOGIN_URL = "/accounts/login/"


@pytest.fixture
def roles(db):
    roles_sync()
    return {role.code: role for role in Role.objects.all()}


@pytest.fixture
def make_user(db):
    def make(username="zhangsan", *, password=PASSWORD, roles=(), person=None, **extra):
        user = User.objects.create_user(username=username, password=password, person=person, **extra)
        if roles:
            user.roles.set(Role.objects.filter(code__in=roles))
        return user

    return make


@pytest.fixture
def login():
    """Sign in through the real login form, as a person would; returns the response."""

    def do(client, username, password=PASSWORD, **extra):
        return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)

    return do


@pytest.fixture
def tree(db):
    """District → two streets, each with one community."""
    from yixian.core.orgs.models import OrgUnit

    district = OrgUnit.add_root(code="330105", name="拱墅区", kind="district")
    street_a = district.add_child(code="330105001", name="米市巷街道", kind="street")
    street_b = district.add_child(code="330105002", name="湖墅街道", kind="street")
    community_a = street_a.add_child(code="330105001001", name="米市巷社区", kind="community")
    community_b = street_b.add_child(code="330105002001", name="湖墅社区", kind="community")
    return {"district": district, "a": street_a, "b": street_b, "ca": community_a, "cb": community_b}


@pytest.fixture
def member_of(db):
    """A Person with an active membership in `unit`."""
    from yixian.core.orgs.models import Membership, Person

    def make(unit, name="王五"):
        person = Person.objects.create(name=name, org_unit=unit)
        Membership.objects.create(person=person, org_unit=unit)
        return person

    return make


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
