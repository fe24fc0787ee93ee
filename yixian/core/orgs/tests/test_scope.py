"""Data scope: union of the subtrees of a person's active memberships; fails closed."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from yixian.core.accounts.models import Role
from yixian.core.orgs.models import Membership, OrgUnit
from yixian.framework.scope import compute_scope
from yixian.framework.testing.fixtures import OrgFixture, make_user
from yixian.modules.riders.models import RiderStation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrgFixture()


def station(unit, name):
    return RiderStation.objects.create(name=name, org_unit=unit, address="x")


def visible(user):
    return set(RiderStation.objects.visible_to(user).values_list("name", flat=True))


def test_street_membership_covers_its_communities_but_not_other_streets(org):
    station(org.street_a, "A街道站")
    station(org.community_a, "A社区站")
    station(org.street_b, "B街道站")
    user = make_user("a", units=[org.street_a])
    assert visible(user) == {"A街道站", "A社区站"}


def test_community_membership_sees_only_the_community(org):
    station(org.street_a, "A街道站")
    station(org.community_a, "A社区站")
    user = make_user("c", units=[org.community_a])
    assert visible(user) == {"A社区站"}


def test_several_memberships_give_the_union(org):
    station(org.community_a, "A社区站")
    station(org.street_b, "B街道站")
    station(org.district, "区级站")
    user = make_user("ab", units=[org.community_a, org.street_b])
    assert visible(user) == {"A社区站", "B街道站"}


def test_expired_and_future_memberships_give_nothing(org):
    station(org.street_a, "A街道站")
    user = make_user("old", units=[org.street_a])
    Membership.objects.filter(person=user.person).update(end_date=dt.date(2021, 1, 1))
    assert visible(user) == set()
    Membership.objects.filter(person=user.person).update(start_date=dt.date(2999, 1, 1), end_date=None)
    assert compute_scope(user).empty


def test_no_person_no_role_anonymous_and_inactive_see_nothing(org):
    station(org.street_a, "A街道站")
    assert visible(make_user("lonely")) == set()
    assert visible(AnonymousUser()) == set()
    user = make_user("gone", units=[org.street_a])
    user.is_active = False
    user.save()
    assert visible(user) == set()


def test_district_wide_role_sees_everything(org):
    station(org.street_a, "A街道站")
    station(org.street_b, "B街道站")
    role = Role.objects.create(code="leaderish", name="区领导", data_scope="all")
    assert visible(make_user("boss", roles=[role])) == {"A街道站", "B街道站"}


def test_deactivated_unit_stops_granting_scope(org):
    station(org.street_a, "A街道站")
    user = make_user("a2", units=[org.street_a])
    OrgUnit.objects.filter(pk=org.street_a.pk).update(is_active=False)
    assert visible(user) == set()


def test_orgunit_lookup_accepts_code_name_short_name_and_old_code(org):
    street = OrgUnit.objects.get(pk=org.street_a.pk)
    street.aliases = "330103001， 330103901 "
    street.save()
    assert OrgUnit.objects.get(pk=street.pk).aliases == "330103001,330103901"
    for text in ("330105001", "米市巷街道", "米市巷", "330103001", "330103901"):
        assert OrgUnit.lookup(text) == org.street_a, text
    for text in ("西湖街道", "33010300", "330103001,330103901"):
        assert OrgUnit.lookup(text) is None, text
