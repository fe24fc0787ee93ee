"""Idle sessions end after YIXIAN_IDLE_TIMEOUT (30 minutes by default)."""

import time
from datetime import timedelta

import pytest
from django.test import override_settings

from yixian.core.accounts.middleware import SESSION_KEY

from .conftest import LOGIN_URL, PASSWORD, is_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, make_user, login):
    make_user("zhangsan")
    assert login(client, "zhangsan").status_code == 302
    assert client.get("/").status_code == 200  # first request after login records the activity
    assert SESSION_KEY in client.session
    return client


def idle_for(client, seconds):
    session = client.session
    session[SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_default_limit_is_thirty_minutes(settings):
    assert settings.YIXIAN_IDLE_TIMEOUT == timedelta(minutes=30)


def test_idle_page_request_logs_out_and_redirects_to_login_with_message(signed_in):
    client = signed_in
    idle_for(client, 31 * 60)
    response = client.get("/riders/stations/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/riders/stations/"
    assert not is_signed_in(client)

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "未操作" in page.content.decode()
    assert "30 分钟" in page.content.decode()

    again = client.get("/")
    assert again.status_code == 302 and again["Location"].startswith(LOGIN_URL)


def test_login_after_timeout_returns_to_the_page_with_its_filters(signed_in):
    client = signed_in
    idle_for(client, 31 * 60)
    response = client.get("/riders/stations/?status=open&page=2")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/riders/stations/%3Fstatus%3Dopen%26page%3D2"
    back = client.post(response["Location"], {"username": "zhangsan", "password": PASSWORD})
    assert back.status_code == 302
    assert back["Location"] == "/riders/stations/?status=open&page=2"


def test_idle_api_request_gets_401_json(signed_in):
    client = signed_in
    idle_for(client, 31 * 60)
    response = client.get("/api/riders/stations/")
    assert response.status_code == 401
    data = response.json()
    assert data["code"] == "session_expired"
    assert "未操作" in data["detail"]
    assert not is_signed_in(client)


def test_activity_within_the_limit_keeps_the_session_and_restarts_the_clock(signed_in):
    client = signed_in
    idle_for(client, 29 * 60)
    response = client.get("/")
    assert response.status_code == 200
    assert is_signed_in(client)
    assert abs(client.session[SESSION_KEY] - time.time()) < 60  # activity recorded anew

    idle_for(client, 29 * 60)  # another 29 minutes: fine, since the clock restarted
    assert client.get("/").status_code == 200


def test_each_request_counts_as_activity(signed_in):
    client = signed_in
    idle_for(client, 20 * 60)
    assert client.get("/").status_code == 200
    # 20 + 20 minutes since login, but only 20 since the last request
    session = client.session
    session[SESSION_KEY] -= 20 * 60
    session.save()
    assert client.get("/").status_code == 200
    assert is_signed_in(client)


@override_settings(YIXIAN_IDLE_TIMEOUT=timedelta(minutes=5))
def test_limit_is_a_setting(signed_in):
    client = signed_in
    idle_for(client, 4 * 60)
    assert client.get("/").status_code == 200
    idle_for(client, 6 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert "5 分钟" in client.get(response["Location"]).content.decode()
    assert not is_signed_in(client)


def test_htmx_request_is_told_to_go_to_the_login_page(signed_in):
    client = signed_in
    idle_for(client, 31 * 60)
    response = client.get("/riders/stations/?status=open", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    # not a 3xx: the browser would follow it inside the XHR and htmx would swap the login page into the table
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN_URL}?next=/riders/stations/%3Fstatus%3Dopen"
    assert not is_signed_in(client)


def test_signing_in_again_after_timeout_works(signed_in, login):
    client = signed_in
    idle_for(client, 31 * 60)
    client.get("/")
    assert login(client, "zhangsan").status_code == 302
    assert client.get("/").status_code == 200
