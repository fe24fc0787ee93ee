"""A district leader opens the dashboard: the ECharts charts draw (no console error, the CSP
holds), a bar opens the records behind it, and the briefing button downloads a Word file
whose figures are the dashboard's. On a phone the figure cards stack."""

from __future__ import annotations

import pytest
from docx import Document
from playwright.sync_api import expect

from yixian.core.reports.tests.conftest import District
from yixian.framework.testing.fixtures import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def log_in(page, origin: str, username: str, password: str) -> None:
    page.goto(f"{origin}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).to_have_url(f"{origin}/")
    page.wait_for_load_state("networkidle")  # the home page done: navigating on must not abort it


@pytest.fixture
def district(transactional_db):
    return District()


def _drawn(page, element_id: str) -> bool:
    return page.evaluate(
        """(id) => {
            const el = document.getElementById(id);
            const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
            const canvas = el && el.querySelector("canvas");
            return !!(chart && canvas && canvas.width > 0 && canvas.height > 0);
        }""",
        element_id,
    )


@pytest.mark.browser
def test_leader_reads_the_dashboard_and_downloads_the_briefing(district, open_page, live_server, tmp_path):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=DESKTOP)
    log_in(page, origin, district.leader.username, PASSWORD)
    page.goto(f"{origin}/indicators/dashboard/?period=2026-11")
    page.wait_for_load_state("networkidle")

    expect(page.locator(".page-title")).to_contain_text("拱墅区")
    red = page.locator('[data-indicator="projects.red"]')
    expect(red.locator(".figure-value")).to_have_text("1")
    rate = page.locator('[data-indicator="projects.investment_rate"]')
    expect(rate.locator(".figure-value")).to_have_text("97.16%")
    expect(rate).to_contain_text("95.00%")
    expect(page.locator("#dashboard-red-list")).to_contain_text("拱宸桥智慧产业园")
    expect(page.locator("#dashboard-overdue")).to_contain_text("小区门口占道经营")
    for element_id in ("trend-0", "ranking-0"):
        expect(page.locator(f"#{element_id} canvas")).to_be_visible()
        assert _drawn(page, element_id), f"{element_id} was not drawn"

    # Generating takes a few seconds (charts drawn, every indicator counted): allow for a slow machine.
    with page.expect_download(timeout=60_000) as info:
        page.locator("#briefing-docx").click(timeout=60_000)
    download = info.value
    assert download.suggested_filename.endswith("2026-11.docx")
    path = tmp_path / "briefing.docx"
    download.save_as(path)
    document = Document(str(path))
    assert "拱墅区一线工作简报" in document.paragraphs[0].text
    cells = {row.cells[0].text: row.cells[1].text for table in document.tables for row in table.rows}
    assert cells["年度投资完成率"] == "97.16%"
    assert cells["红灯项目数"] == "1"

    # A bar of the ranking opens the records behind it (the URL comes with the chart's data).
    point = page.evaluate(
        """() => {
            const el = document.getElementById("ranking-0");
            const chart = window.echarts.getInstanceByDom(el);
            const option = chart.getOption();
            const last = option.yAxis[0].data.length - 1;
            const xy = chart.convertToPixel({seriesIndex: 0}, [option.series[0].data[last] / 2, last]);
            const box = el.getBoundingClientRect();
            return {x: box.left + xy[0], y: box.top + xy[1]};
        }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/indicators/projects.total/records/**")
    assert "unit=" in page.url
    watch.assert_clean()


@pytest.mark.browser
def test_on_a_phone_the_figure_cards_stack(district, open_page, live_server):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=PHONE)
    log_in(page, origin, district.leader.username, PASSWORD)
    page.goto(f"{origin}/indicators/dashboard/?period=2026-11")
    page.wait_for_load_state("networkidle")
    cards = page.locator("#dashboard-figures [data-indicator]")
    expect(cards).to_have_count(3)
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["x"] == second["x"] and second["y"] > first["y"]
    assert first["width"] <= PHONE["width"]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    assert _drawn(page, "ranking-0")
    watch.assert_clean()
