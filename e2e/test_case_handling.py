"""A department handler on a phone: sign in, open the case work list, sign for a case dispatched
to their department and reply to it; a colleague's stale page is told the case changed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from yixian.core.accounts.models import Role
from yixian.core.accounts.services import roles_sync
from yixian.core.cases import services
from yixian.core.cases.models import Case, CaseState
from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.testing.fixtures import PASSWORD, OrgFixture, make_user


def log_in(page, origin: str, username: str, password: str) -> None:
    page.goto(f"{origin}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).to_have_url(f"{origin}/")
    page.wait_for_load_state("networkidle")  # the home page done: navigating on must not abort it


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def dispatched(transactional_db):
    org = OrgFixture()
    roles_sync()
    district = OrgUnit.objects.get(pk=org.district.pk)
    dept = district.add_child(code="D-CGJ", name="区城管局", kind=OrgUnitKind.DEPARTMENT, short_name="城管局")
    dispatcher = make_user("e2e_paidan", units=[org.district], roles=[Role.objects.get(code="dispatcher")])
    handler = make_user("e2e_cgj", units=[dept], roles=[Role.objects.get(code="dept_handler")])
    colleague = make_user("e2e_cgj2", units=[dept], roles=[Role.objects.get(code="dept_handler")])
    case = services.receive_case(
        case_type="resident_request",
        title="左家新村门口占道经营",
        description="每晚流动摊贩占道经营，油烟扰民。",
        intake_unit=org.district,
        org_unit=org.community_a,
        requester_phone="13805710001",
        actor=dispatcher,
    )
    case = services.act(case, "dispatch", actor=dispatcher, target_unit=dept)
    return SimpleNamespace(case=case, handler=handler, colleague=colleague)


@pytest.mark.browser
def test_handler_signs_and_replies_on_a_phone(dispatched, open_page, live_server):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=PHONE)
    log_in(page, origin, dispatched.handler.username, PASSWORD)

    page.locator(".navbar-toggler").click()
    page.locator("#sidebar-menu").get_by_role("link", name="工单").first.click()
    page.locator('#case-queues [data-queue="to_sign"]').click()
    expect(page.locator("#object-table")).to_contain_text(dispatched.case.number)
    page.locator("#object-table").get_by_role("link", name=dispatched.case.number).click()

    expect(page.locator("#case-state")).to_have_text("已派单")
    expect(page.locator("#case-light")).to_contain_text("签收期限")
    page.locator('details[data-action="sign"] summary').click()
    page.locator('details[data-action="sign"] button[type=submit]').click()
    expect(page.locator("#case-state")).to_have_text("已签收")

    page.locator('details[data-action="reply"] summary').click()
    page.locator('details[data-action="reply"] textarea').fill("已会同中队取缔流动摊贩，设夜间巡查点。")
    page.locator('details[data-action="reply"] button[type=submit]').click()
    expect(page.locator("#case-state")).to_have_text("已答复")
    expect(page.locator("#case-timeline")).to_contain_text("已会同中队取缔流动摊贩")
    assert Case.objects.get(pk=dispatched.case.pk).state == CaseState.REPLIED
    watch.assert_clean()


@pytest.mark.browser
def test_a_colleagues_stale_page_is_told_the_case_changed(dispatched, open_page, live_server):
    origin = live_server.url.rstrip("/")
    first, first_watch = open_page(viewport=DESKTOP)
    second, second_watch = open_page(viewport=DESKTOP)
    for page, user in ((first, dispatched.handler), (second, dispatched.colleague)):
        log_in(page, origin, user.username, PASSWORD)
        page.goto(f"{origin}/cases/cases/{dispatched.case.pk}/")
        page.wait_for_load_state("networkidle")  # fonts loaded: a submit must not abort them
        page.locator('details[data-action="sign"] summary').click()
    first.locator('details[data-action="sign"] button[type=submit]').click()
    expect(first.locator("#case-state")).to_have_text("已签收")
    second_watch.expect_console_error(r"409")
    second.locator('details[data-action="sign"] button[type=submit]').click()
    expect(second.locator("#case-error")).to_contain_text("已被他人处理")
    expect(second.locator("#case-state")).to_have_text("已签收")
    assert Case.objects.get(pk=dispatched.case.pk).handler == dispatched.handler
    first_watch.assert_clean()
    second_watch.assert_clean()
