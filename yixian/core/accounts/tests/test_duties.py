"""Separation of duties in account administration, and the auditors' access log page."""

import pytest
from django.core.management import call_command

from yixian.core.accounts.models import Role, SensitiveAccess, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")


def sign_in(client, username):
    assert client.post("/accounts/login/", {"username": username, "password": "Yixian@2026"}).status_code == 302


def roles_field_is_editable(client, user) -> bool:
    html = client.get(f"/sysadmin/accounts/user/{user.pk}/change/").content.decode()
    return 'name="roles"' in html


def test_security_administrator_cannot_assign_roles(client, demo):
    sign_in(client, "security")
    target = User.objects.get(username="hushu")
    assert client.get(f"/sysadmin/accounts/user/{target.pk}/change/").status_code == 200
    assert not roles_field_is_editable(client, target)


def test_system_administrator_assigns_roles_but_not_to_themself(client, demo):
    sign_in(client, "admin")
    assert roles_field_is_editable(client, User.objects.get(username="hushu"))
    assert not roles_field_is_editable(client, User.objects.get(username="admin"))


def test_auditor_reads_the_sensitive_access_log_and_others_cannot(client, demo):
    SensitiveAccess.objects.create(
        user=User.objects.get(username="leader"), action="export", model="riders.riderstation", fields="contact_phone", count=22
    )
    sign_in(client, "auditor")
    response = client.get("/accounts/sensitive-access/")
    assert response.status_code == 200
    assert "contact_phone" in response.content.decode()
    assert client.get("/accounts/sensitive-access/1/edit/").status_code == 404
    client.post("/accounts/logout/")
    sign_in(client, "mishixiang")
    assert client.get("/accounts/sensitive-access/").status_code == 403
    assert Role.objects.get(code="auditor").permissions.filter(codename="view_sensitiveaccess").exists()
