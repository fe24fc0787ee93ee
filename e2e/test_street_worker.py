"""A street worker in a real browser: sign in, open the rider stations from the menu, see only
their street's stations, export them to Excel; a wrong password; the same on a phone."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from yixian.core.accounts.models import Role
from yixian.core.accounts.services import roles_sync
from yixian.framework.testing.fixtures import PASSWORD, OrgFixture, make_user
from yixian.modules.riders.models import Amenity, RiderStation

# Street A (米市巷) — the last one sits in a community under the street, still in the worker's scope.
STREET_A = ["米市巷口驿站", "珠儿潭驿站", "左家新村驿站"]
# Street B (湖墅) — must never reach the street-A worker.
STREET_B = ["信义坊驿站", "卖鱼桥驿站", "大兜路驿站"]
LIST_PATH = "/riders/stations/"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def stations(transactional_db):
    org = OrgFixture()
    roles_sync()
    water = Amenity.objects.create(code="water", name="饮水", order=10)
    charging = Amenity.objects.create(code="charging", name="充电", order=20)
    units_a = [org.street_a, org.street_a, org.community_a]
    units_b = [org.street_b, org.street_b, org.community_b]
    for i, (name, unit) in enumerate([*zip(STREET_A, units_a, strict=True), *zip(STREET_B, units_b, strict=True)], start=1):
        station = RiderStation.objects.create(
            name=name,
            org_unit=unit,
            address=f"测试路 {i} 号",
            opening_hours="全天 24 小时",
            operator=f"{unit.short_name}运营方",
            contact_phone=f"1390000{i:04d}",
        )
        station.amenities.set([water] if i % 2 else [water, charging])
    worker = make_user("street_a_worker", units=[org.street_a], roles=[Role.objects.get(code="street_worker")])
    return SimpleNamespace(org=org, worker=worker)


def log_in(page, origin: str, username: str, password: str) -> None:
    """Through the real login form, as a person would."""
    page.goto(f"{origin}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) button[type=submit]").click()


def station_menu_link(page):
    # Not exact: the accessible name also holds the icon font's glyph.
    return page.locator("#sidebar-menu").get_by_role("link", name="小哥驿站")


@pytest.mark.browser
def test_street_worker_sees_and_exports_only_their_street(stations, open_page, live_server, tmp_path):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=DESKTOP)

    log_in(page, origin, stations.worker.username, PASSWORD)
    expect(page).to_have_url(f"{origin}/")

    station_menu_link(page).click()
    expect(page).to_have_url(f"{origin}{LIST_PATH}")
    table = page.locator("#object-table")
    for name in STREET_A:
        expect(table.get_by_text(name, exact=True)).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(len(STREET_A))
    html = page.content()
    for name in STREET_B:
        assert name not in html, f"{name} (street B) leaked onto the street-A worker's page"

    with page.expect_download() as download_info:
        page.locator("#export-link").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    workbook = load_workbook(saved, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    header = list(rows[0])
    assert "驿站名称" in header
    names = [row[header.index("驿站名称")] for row in rows[1:] if any(cell is not None for cell in row)]
    assert sorted(names) == sorted(STREET_A)

    watch.assert_clean()


@pytest.mark.browser
def test_wrong_password_shows_a_chinese_error_and_stays_on_the_login_page(stations, open_page, live_server):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=DESKTOP)
    # The refused login answers 401 on purpose; Chromium logs that status as a console error.
    watch.expect_console_error(r"status of 401 .*/accounts/login/")

    log_in(page, origin, stations.worker.username, "not-the-password")

    expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(re.escape(f"{origin}/accounts/login/")))
    expect(page.locator("#id_password")).to_be_visible()
    expect(page.locator("#sidebar-menu")).to_have_count(0)

    watch.assert_clean()


@pytest.mark.browser
def test_phone_opens_the_station_list_through_the_collapsed_menu(stations, open_page, live_server):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=PHONE, is_mobile=True, has_touch=True)

    log_in(page, origin, stations.worker.username, PASSWORD)
    expect(page).to_have_url(f"{origin}/")

    link = station_menu_link(page)
    expect(link).to_be_hidden()  # the sidebar is collapsed on a phone
    page.locator(".navbar-toggler").click()
    expect(link).to_be_visible()
    link.click()

    expect(page).to_have_url(f"{origin}{LIST_PATH}")
    table = page.locator("#object-table")
    expect(table).to_be_visible()
    for name in STREET_A:
        expect(table.get_by_text(name, exact=True)).to_be_visible()
    for name in STREET_B:
        expect(page.get_by_text(name)).to_have_count(0)

    watch.assert_clean()
