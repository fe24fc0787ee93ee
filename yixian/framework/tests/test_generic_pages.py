"""Behaviours of the generic pages beyond the per-resource checks: the htmx partial, the
import template, unmasked export for those allowed (and logged), org units made in place,
home cards per role, and the health check."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from yixian.core.accounts.models import SensitiveAccess
from yixian.core.orgs.models import OrgUnit
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user
from yixian.modules.riders.models import RiderStation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrgFixture()


@pytest.fixture
def street_a_user(org):
    perms = [f"riders.{a}_riderstation" for a in ("view", "add", "change")]
    return make_user("a-worker", units=[org.street_a], roles=[make_role("station_editor", perms)])


def sheet(response):
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def test_htmx_filter_request_returns_only_the_results_fragment(client, org, street_a_user):
    RiderStation.objects.create(name="片段站", org_unit=org.street_a, address="x")
    client.force_login(street_a_user)
    response = client.get("/riders/stations/?q=片段", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert response.status_code == 200
    assert "片段站" in html and "<html" not in html and "共 1 条" in html
    assert "<html" in client.get("/riders/stations/?q=片段").content.decode()


def test_import_template_is_the_header_row_only(client, org, street_a_user):
    RiderStation.objects.create(name="不应出现", org_unit=org.street_a, address="x")
    client.force_login(street_a_user)
    ws = sheet(client.get("/riders/stations/export/?template=1"))
    assert ws.max_row == 1
    assert "驿站名称" in [c.value for c in ws[1]]


def test_unmasked_export_needs_the_permission_and_is_logged(client, org, street_a_user):
    RiderStation.objects.create(name="电话站", org_unit=org.street_a, address="x", contact_phone="13812341234")
    client.force_login(street_a_user)
    masked = client.get("/riders/stations/export/?unmasked=1").content
    assert b"13812341234" not in masked
    assert SensitiveAccess.objects.count() == 0

    allowed = make_user(
        "privacy-officer",
        units=[org.street_a],
        roles=[make_role("pii", ["riders.view_riderstation", "accounts.view_personal_data"])],
    )
    client.force_login(allowed)
    assert b"13812341234" not in client.get("/riders/stations/export/").content  # masked unless asked
    values = [v for row in sheet(client.get("/riders/stations/export/?unmasked=1")).iter_rows(values_only=True) for v in row]
    assert "13812341234" in values
    log = SensitiveAccess.objects.get()
    assert (log.user, log.action, log.model, log.fields, log.count) == (allowed, "export", "riders.riderstation", "contact_phone", 1)


def test_org_unit_is_created_under_a_parent_in_scope_only(client, org):
    perms = [f"orgs.{a}_orgunit" for a in ("view", "add", "change")]
    user = make_user("unit-admin", units=[org.street_a], roles=[make_role("unit_admin", perms)])
    client.force_login(user)
    data = {"code": "330105001099", "name": "新建社区", "kind": "community", "is_active": "on"}
    response = client.post("/orgs/units/add/", {**data, "parent": org.street_a.pk})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="330105001099")
    assert unit.get_parent() == org.street_a
    response = client.post("/orgs/units/add/", {**data, "code": "330105002099", "parent": org.street_b.pk})
    assert response.status_code == 422
    assert not OrgUnit.objects.filter(code="330105002099").exists()


def test_home_cards_follow_role_and_scope(client):
    call_command("load_demo")
    expectations = {
        "mishixiang": ["小哥驿站", "组织架构"],
        "admin": ["账号与角色", "组织架构"],
        "security": ["账号安全"],
        "auditor": ["最近变更"],
    }
    for username, titles in expectations.items():
        client.post("/accounts/login/", {"username": username, "password": "Yixian@2026"})
        html = client.get("/").content.decode()
        for title in titles:
            assert title in html, (username, title)
        client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "mishixiang", "password": "Yixian@2026"})
    html = client.get("/").content.decode()
    assert "账号与角色" not in html and "账号安全" not in html
    in_scope = RiderStation.objects.filter(org_unit__path__startswith=OrgUnit.objects.get(code="330105001").path).count()
    assert f'<a href="/riders/stations/">{in_scope}</a>' in html
    assert in_scope < RiderStation.objects.count()


def test_health_check_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
