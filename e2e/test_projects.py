"""Major projects in the browser: a service-group cadre raises a blocker from the project page
and the department's handler finds the case in their work list; on a phone (375×812) the
cadre logs a site visit with a photo."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yixian.core.accounts.models import Role
from yixian.core.accounts.services import roles_sync
from yixian.core.activities.models import Activity
from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.testing.fixtures import PASSWORD, OrgFixture, make_user
from yixian.modules.projects import services
from yixian.modules.projects.models import Blocker

DESKTOP = {"width": 1280, "height": 800}
SMALL_PHONE = {"width": 375, "height": 812}


def log_in(page, origin: str, username: str, password: str) -> None:
    page.goto(f"{origin}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).to_have_url(f"{origin}/")
    page.wait_for_load_state("networkidle")


def _unit(code, name, kind):
    district = OrgUnit.objects.get(code="330105")
    return OrgUnit.objects.filter(code=code).first() or district.add_child(code=code, name=name, kind=kind, short_name=name)


@pytest.fixture
def world(transactional_db):
    org = OrgFixture()
    roles_sync()
    fgj = _unit("D-FGJ", "区发改局", OrgUnitKind.DEPARTMENT)
    sg1 = _unit("SG01", "第一专项服务组", OrgUnitKind.SERVICE_GROUP)
    cadre = make_user("e2e_fuwuzu", units=[sg1], roles=[Role.objects.get(code="group_cadre")])
    handler = make_user("e2e_fagaiju", units=[fgj], roles=[Role.objects.get(code="dept_handler")])
    project = services.create_project(
        actor=None,
        code="XM-E2E-001",
        name="米市巷智能制造产业园",
        kind="industrial",
        owner_name="杭州示例科技有限公司",
        org_unit=org.street_a,
        lead_department=fgj,
        service_group=sg1,
        total_investment=Decimal("50000"),
        signed_on=dt.date(2026, 1, 10),
        annual_plans={2026: Decimal("12000")},
    )
    return SimpleNamespace(org=org, fgj=fgj, sg1=sg1, cadre=cadre, handler=handler, project=project)


@pytest.mark.browser
def test_cadre_raises_a_blocker_and_the_department_sees_the_case(world, open_page, live_server):
    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=DESKTOP)
    log_in(page, origin, world.cadre.username, PASSWORD)
    page.goto(f"{origin}/projects/projects/")
    page.get_by_role("link", name="米市巷智能制造产业园").click()
    expect(page.locator("#light-card")).to_be_visible()
    expect(page.locator('[data-gantt="project"]')).to_contain_text("开工")
    page.wait_for_load_state("networkidle")

    action = page.locator('details[data-action="blocker"]')
    action.locator("summary").click()
    action.locator("#id_title").fill("施工临时用电接入迟迟未批")
    action.locator("#id_description").fill("园区二期临时用电申请已提交两个月，仍未接入，影响主体施工。")
    action.locator("#id_kind").select_option("infra")
    action.locator("#id_department").select_option(label="区发改局")
    action.locator("button[type=submit]").click()

    expect(page.locator("#blocker-table")).to_contain_text("施工临时用电接入迟迟未批")
    expect(page.locator("#blocker-table")).to_contain_text("区发改局")
    case = Blocker.objects.get(project=world.project).case
    assert case.handling_unit == world.fgj
    watch.assert_clean()

    other, other_watch = open_page(viewport=DESKTOP)
    log_in(other, origin, world.handler.username, PASSWORD)
    other.goto(f"{origin}/cases/cases/")
    expect(other.locator("#object-table")).to_contain_text(case.number)
    other.locator("#object-table").get_by_role("link", name=case.number).click()
    expect(other.locator("h2.page-title")).to_contain_text("施工临时用电接入迟迟未批")
    other_watch.assert_clean()


@pytest.mark.browser
def test_cadre_logs_a_visit_on_a_small_phone(world, open_page, live_server, tmp_path):
    from PIL import Image

    photo = tmp_path / "site.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    origin = live_server.url.rstrip("/")
    page, watch = open_page(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    log_in(page, origin, world.cadre.username, PASSWORD)
    page.goto(f"{origin}/projects/{world.project.pk}/visit/")
    page.wait_for_load_state("networkidle")
    form = page.locator("#visit-form")
    expect(form).to_be_visible()
    box = form.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"] + 1, box  # fits the screen
    expect(page.locator("#id_occurred_on")).to_have_value(timezone.localdate().isoformat())  # defaults to today
    expect(page.locator("#id_participants input[checked]")).to_have_count(1)  # the cadre themself
    page.locator("#id_findings").fill("二期厂房主体结构已封顶，企业反映施工用电尚未接入。")
    page.locator("#id_files").set_input_files(str(photo))
    page.locator("#visit-submit").click()

    expect(page.locator("#visit-list")).to_contain_text("二期厂房主体结构已封顶")
    expect(page.locator("#visit-list")).to_contain_text("site.jpg")
    activity = Activity.objects.get(kind="visit")
    assert activity.attachments.count() == 1
    assert list(activity.participants.values_list("name", flat=True)) == ["e2e_fuwuzu"]
    watch.assert_clean()
