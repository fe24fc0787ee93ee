"""A resident on a phone, without an account: submits a case with a photo, notes the tracking
code, then looks the case up with the code and the last four digits of their phone."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from yixian.core.cases.models import Case, CaseAttachment
from yixian.core.cases.services import sync_categories
from yixian.framework.testing.fixtures import OrgFixture

PHONE = {"width": 390, "height": 844}


def tiny_png() -> bytes:
    """A real 1x1 PNG, made here (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcc\x33\x33")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def org(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = OrgFixture()
    sync_categories()
    return org


@pytest.mark.browser
def test_resident_submits_a_case_with_a_photo_and_follows_it(org, open_page, live_server):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=PHONE, is_mobile=True, has_touch=True)

    page.goto(f"{origin}/cases/public/")
    form = page.locator("#public-case-form")
    form.get_by_text("居民", exact=True).click()
    form.get_by_text("居民诉求", exact=True).click()
    page.locator("#id_category").select_option(label="市容环境 › 占道经营")
    page.locator("#id_description").fill("左家新村北门每天晚上有流动摊贩占道经营，油烟很大。")
    page.locator("#id_org_unit").select_option(label="左家新村社区")
    page.locator("#id_address").fill("左家新村 3 幢北门")
    page.locator("#id_requester_name").fill("李女士")
    page.locator("#id_requester_phone").fill("13805712345")
    page.locator("#id_photos").set_input_files({"name": "stall.png", "mimeType": "image/png", "buffer": tiny_png()})
    page.wait_for_load_state("networkidle")  # the icon font loaded: leaving now aborts nothing
    page.locator("#public-submit").click()

    expect(page).to_have_url(f"{origin}/cases/public/done/")
    page.wait_for_load_state("networkidle")
    code_box = page.locator("#tracking-code")
    expect(code_box).to_have_text(re.compile(r"^\s*[A-Z2-9]{10}\s*$"))
    code = code_box.inner_text().strip()
    case = Case.objects.get(tracking_code=code)
    assert case.channel == "public" and case.requester_phone == "13805712345"
    assert CaseAttachment.objects.filter(case=case, content_type="image/png").count() == 1

    # Later, in a fresh browser (no session): look the case up with the code and the last 4 digits.
    page2, watch2 = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page2.goto(f"{origin}/cases/public/")
    page2.wait_for_load_state("networkidle")
    page2.locator("#public-nav").get_by_role("link", name=re.compile("查询进度")).click()
    expect(page2).to_have_url(f"{origin}/cases/public/track/")
    page2.locator("#id_code").fill(code.lower())
    page2.locator("#id_last4").fill("2345")
    page2.wait_for_load_state("networkidle")
    page2.locator("#track-submit").click()

    expect(page2).to_have_url(f"{origin}/cases/public/track/{code}/")
    expect(page2.locator("#public-state")).to_have_text("已受理")
    expect(page2.locator("#public-timeline")).to_contain_text("受理")
    html = page2.content()
    assert "李女士" not in html and "13805712345" not in html
    page2.wait_for_load_state("networkidle")

    watch.assert_clean()
    watch2.assert_clean()
