"""Refused requests leave the data as it was: wrong passwords, expired sessions."""

import time

import pytest
from django.contrib.sessions.models import Session

from yixian.core.accounts.middleware import SESSION_KEY
from yixian.core.accounts.models import User
from yixian.modules.riders.models import RiderStation

from .conftest import LOGIN_URL, is_signed_in

pytestmark = pytest.mark.django_db


def station_form(unit, name="新建小哥驿站"):
    return {"name": name, "org_unit": unit.pk, "address": "莫干山路100号", "opening_hours": "全天 24 小时", "status": "open"}


@pytest.fixture
def street_worker(client, roles, make_user, login, tree, member_of):
    make_user("worker", roles=["street_worker"], person=member_of(tree["a"]))
    assert login(client, "worker").status_code == 302
    assert client.get("/").status_code == 200
    return client


def expire(client):
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 31 * 60
    session.save()


def test_wrong_password_changes_nothing_about_the_account(client, make_user, login):
    user = make_user("zhangsan")
    before = User.objects.filter(pk=user.pk).values().get()
    sessions = Session.objects.count()

    response = login(client, "zhangsan", "Wrong@2026x")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.content.decode()
    assert User.objects.filter(pk=user.pk).values().get() == before  # no last_login, same password hash
    assert Session.objects.count() == sessions  # no session was started server-side
    assert not is_signed_in(client)  # (reads client.session, which itself creates one: check it last)
    assert 'value="zhangsan"' in response.content.decode()  # the user name is kept for the next try


def test_empty_login_form_is_refused(client, make_user):
    make_user("zhangsan")
    response = client.post(LOGIN_URL, {"username": "", "password": ""})
    assert response.status_code == 401
    assert not is_signed_in(client)


def test_station_form_post_creates_when_session_is_fresh(street_worker, tree):
    """Control for the expiry tests: the same POST succeeds while the session is active."""
    client = street_worker
    response = client.post("/riders/stations/add/", station_form(tree["a"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RiderStation.objects.filter(name="新建小哥驿站").exists()


def test_expired_session_form_post_redirects_to_login_and_saves_nothing(street_worker, tree):
    client = street_worker
    expire(client)
    response = client.post("/riders/stations/add/", station_form(tree["a"]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not RiderStation.objects.exists()
    assert "未操作" in client.get(response["Location"]).content.decode()


def test_expired_session_edit_and_delete_change_nothing(street_worker, tree):
    station = RiderStation.objects.create(name="米市巷小哥驿站", org_unit=tree["a"], address="米市巷路1号")
    client = street_worker
    expire(client)
    edit = client.post(
        f"/riders/stations/{station.pk}/edit/", {**station_form(tree["a"], name="改名驿站"), "_version": station.version}
    )
    assert edit.status_code == 302 and edit["Location"].startswith(LOGIN_URL)
    assert client.post(f"/riders/stations/{station.pk}/delete/").status_code == 302
    station.refresh_from_db()
    assert (station.name, station.version) == ("米市巷小哥驿站", 1)


def test_expired_session_api_write_gets_401_and_saves_nothing(street_worker, tree):
    station = RiderStation.objects.create(name="米市巷小哥驿站", org_unit=tree["a"], address="米市巷路1号")
    client = street_worker
    expire(client)
    response = client.patch(
        f"/api/riders/stations/{station.pk}/", {"address": "改了", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    station.refresh_from_db()
    assert (station.address, station.version) == ("米市巷路1号", 1)
    # and the session is gone: the next write is refused too, without the idle message
    again = client.patch(f"/api/riders/stations/{station.pk}/", {"address": "改了", "version": 1}, content_type="application/json")
    assert again.status_code == 401
    station.refresh_from_db()
    assert station.address == "米市巷路1号"


def test_api_write_with_fresh_session_succeeds(street_worker, tree):
    """Control for the API expiry test."""
    station = RiderStation.objects.create(name="米市巷小哥驿站", org_unit=tree["a"], address="米市巷路1号")
    response = street_worker.patch(
        f"/api/riders/stations/{station.pk}/", {"address": "改了", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    station.refresh_from_db()
    assert (station.address, station.version) == ("改了", 2)
