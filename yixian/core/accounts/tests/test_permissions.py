"""Separation of duties and fail-closed permissions: only roles grant, and scope narrows."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from yixian.core.orgs.models import OrgUnit
from yixian.modules.riders.models import RiderStation

from .conftest import LOGIN_URL

pytestmark = pytest.mark.django_db

BACKEND = "yixian.core.accounts.backends.RoleBackend"
PAGE = "/riders/stations/"
API = "/api/riders/stations/"


def signed_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


# --- superuser and staff flags grant nothing --------------------------------------------------


def test_superuser_without_role_has_no_business_permission(client, roles, make_user):
    boss = make_user("root", is_superuser=True, is_staff=True)
    assert not boss.has_perm("riders.view_riderstation")
    assert not boss.has_perm("riders.change_riderstation")
    assert not boss.has_perm("audit.view_objectchange")
    assert boss.get_all_permissions() == set()

    signed_in(client, boss)
    assert client.get(PAGE).status_code == 403
    assert client.get(API).status_code == 403


def test_same_user_gains_exactly_what_a_role_grants(roles, make_user):
    """Control for the test above: the check is not simply always False."""
    user = make_user("worker", roles=["community_worker"])
    assert user.has_perm("riders.view_riderstation")
    assert not user.has_perm("riders.change_riderstation")


def test_system_administrator_does_not_see_business_data(client, roles, make_user):
    admin = make_user("sysadmin", roles=["sysadmin"], is_staff=True)
    assert admin.has_perm("accounts.add_user")
    assert not admin.has_perm("riders.view_riderstation")
    assert not admin.has_perm("audit.view_objectchange")
    signed_in(client, admin)
    assert client.get(PAGE).status_code == 403


def test_deactivated_user_loses_every_permission(roles, make_user):
    user = make_user("leaver", roles=["street_worker"], is_active=False)
    assert not user.has_perm("riders.view_riderstation")


# --- the auditor reads and changes nothing -------------------------------------------------------


def test_auditor_can_read_the_change_log_but_holds_no_write_permission(client, roles, make_user):
    auditor = make_user("auditor", roles=["auditor"])
    assert auditor.has_perm("audit.view_objectchange")
    perms = auditor.get_all_permissions()
    assert perms, "the auditor role grants something"
    writes = {p for p in perms if not p.split(".", 1)[1].startswith("view_")}
    assert writes == set()
    for perm in Permission.objects.exclude(codename__startswith="view_").select_related("content_type"):
        assert not auditor.has_perm(f"{perm.content_type.app_label}.{perm.codename}")

    signed_in(client, auditor)
    assert client.get("/audit/changes/").status_code == 200
    assert client.get("/api/audit/changes/").status_code == 200


def test_auditor_cannot_change_an_org_unit_by_page_or_api(client, roles, make_user, tree):
    auditor = make_user("auditor", roles=["auditor"])
    unit = tree["a"]
    signed_in(client, auditor)
    assert client.get(f"/orgs/units/{unit.pk}/").status_code == 200  # may read it

    page = client.post(f"/orgs/units/{unit.pk}/edit/", {"code": unit.code, "name": "改名", "kind": "street", "_version": unit.version})
    assert page.status_code == 403
    api = client.patch(f"/api/orgs/units/{unit.pk}/", {"name": "改名", "version": unit.version}, content_type="application/json")
    assert api.status_code == 403
    assert client.delete(f"/api/orgs/units/{unit.pk}/").status_code == 403
    assert OrgUnit.objects.get(pk=unit.pk).name == "米市巷街道"


# --- no role: refused; anonymous: asked to sign in ----------------------------------------------


def test_user_without_role_gets_403_page_in_chinese(client, make_user):
    signed_in(client, make_user("nobody"))
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "没有" in response.content.decode() and "权限" in response.content.decode()


def test_user_without_role_gets_403_from_api_with_session(client, make_user):
    signed_in(client, make_user("nobody"))
    assert client.get(API).status_code == 403


def test_user_without_role_gets_403_from_api_with_token(client, make_user):
    token = Token.objects.create(user=make_user("nobody"))
    response = client.get(API, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_token_of_a_user_with_role_is_accepted(client, roles, make_user, tree, member_of):
    """Control for the token test: the same request with a granted role succeeds."""
    user = make_user("worker", roles=["community_worker"], person=member_of(tree["ca"]))
    token = Token.objects.create(user=user)
    assert client.get(API, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200


def test_bad_token_is_refused(client):
    response = client.get(API, HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert response.status_code == 401


def test_anonymous_page_request_redirects_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={PAGE}"
    assert client.get("/").status_code == 302


def test_anonymous_api_request_gets_401(client):
    response = client.get(API)
    assert response.status_code == 401
    assert "detail" in response.json()
    assert client.post(API, {"name": "x"}, content_type="application/json").status_code == 401


# --- data scope fails closed ---------------------------------------------------------------------


@pytest.fixture
def stations(tree):
    return {
        "a": RiderStation.objects.create(name="米市巷小哥驿站", org_unit=tree["ca"], address="米市巷路1号"),
        "b": RiderStation.objects.create(name="湖墅小哥驿站", org_unit=tree["cb"], address="湖墅南路2号"),
    }


def test_role_without_any_membership_sees_no_station(client, roles, make_user, stations):
    signed_in(client, make_user("worker", roles=["community_worker"]))
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "米市巷小哥驿站" not in page.content.decode() and "湖墅小哥驿站" not in page.content.decode()
    assert client.get(API).json()["count"] == 0
    assert client.get(f"{PAGE}{stations['a'].pk}/").status_code == 404


def test_membership_limits_the_data_to_its_own_subtree(client, roles, make_user, tree, member_of, stations):
    signed_in(client, make_user("worker", roles=["street_worker"], person=member_of(tree["a"])))
    body = client.get(PAGE).content.decode()
    assert "米市巷小哥驿站" in body
    assert "湖墅小哥驿站" not in body
    assert [row["name"] for row in client.get(API).json()["results"]] == ["米市巷小哥驿站"]
    assert client.get(f"{PAGE}{stations['b'].pk}/").status_code == 404
    assert client.get(f"{API}{stations['b'].pk}/").status_code == 404
    response = client.patch(
        f"{API}{stations['b'].pk}/", {"address": "改", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    assert RiderStation.objects.get(pk=stations["b"].pk).address == "湖墅南路2号"


def test_district_wide_role_sees_everything(client, roles, make_user, stations):
    signed_in(client, make_user("leader", roles=["leader"]))
    assert client.get(API).json()["count"] == 2
