"""The demo data: the real Gongshu tree, idempotent, one login per role."""

import pytest
from django.core.management import call_command

from yixian.core.accounts.models import User
from yixian.core.audit.models import ObjectChange
from yixian.core.orgs.models import OrgUnit
from yixian.modules.riders.models import RiderStation

pytestmark = pytest.mark.django_db


def counts():
    return (OrgUnit.objects.count(), User.objects.count(), RiderStation.objects.count(), ObjectChange.objects.count())


def test_demo_has_the_district_and_loading_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first  # no duplicates, and no spurious change-log rows
    streets = dict(OrgUnit.objects.filter(kind="street").values_list("code", "name"))
    assert len(streets) == 18
    assert streets["330105001"] == "米市巷街道"
    assert streets["330105019"] == "石桥街道"
    assert "330105006" not in streets
    assert OrgUnit.objects.filter(kind="service_group").count() == 12
    assert OrgUnit.objects.filter(kind="commercial_community").count() == 30
    assert RiderStation.objects.count() == 22
    out = capsys.readouterr().out
    for username in ("admin", "security", "auditor", "leader", "mishixiang", "shequ", "fuwuzu"):
        assert username in out
    assert "Yixian@2026" in out


def test_every_demo_login_can_sign_in_and_see_its_home(client):
    call_command("load_demo")
    for user in User.objects.all():
        login = client.post("/accounts/login/", {"username": user.username, "password": "Yixian@2026"})
        assert login.status_code == 302, user.username
        response = client.get("/")
        assert response.status_code == 200, user.username
        assert "home-card" in response.content.decode(), user.username
        client.post("/accounts/logout/")
