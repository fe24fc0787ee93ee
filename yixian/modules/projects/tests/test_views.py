"""The project pages as the roles use them: who sees what, raising a blocker, the phone visit
form, stages and investment from the project page, the board, the light lists and the groups."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yixian.core.accounts.models import Role
from yixian.core.accounts.services import roles_sync
from yixian.core.activities.models import Activity
from yixian.core.cases.models import Case
from yixian.core.orgs.models import CadreType, Membership, OrgUnit, OrgUnitKind, Person
from yixian.framework.testing.fixtures import OrgFixture, make_user
from yixian.modules.projects import services
from yixian.modules.projects.models import Blocker, InvestmentReport, Light, Milestone, Project

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unit(parent, code, name, kind):
    found = OrgUnit.objects.filter(code=code).first()
    return found or OrgUnit.objects.get(pk=parent.pk).add_child(code=code, name=name, kind=kind, short_name=name)


class World:
    def __init__(self):
        self.org = OrgFixture()
        roles_sync()
        district = self.org.district
        self.fgj = _unit(district, "D-FGJ", "区发改局", OrgUnitKind.DEPARTMENT)
        self.zjj = _unit(district, "D-ZJJ", "区住建局", OrgUnitKind.DEPARTMENT)
        self.sg1 = _unit(district, "SG01", "第一专项服务组", OrgUnitKind.SERVICE_GROUP)
        self.sg2 = _unit(district, "SG02", "第二专项服务组", OrgUnitKind.SERVICE_GROUP)
        role = Role.objects.get
        self.cadre = make_user("t_fuwuzu", units=[self.sg1], roles=[role(code="group_cadre")])
        Person.objects.filter(pk=self.cadre.person_id).update(cadre_type=CadreType.YOUNG)
        Membership.objects.filter(person=self.cadre.person).update(title="联络员")
        self.cadre2 = make_user("t_fuwuzu2", units=[self.sg2], roles=[role(code="group_cadre")])
        self.handler = make_user("t_fagaiju", units=[self.fgj], roles=[role(code="dept_handler")])
        self.zjj_handler = make_user("t_zhujian", units=[self.zjj], roles=[role(code="dept_handler")])
        self.leader = make_user("t_leader", units=[district], roles=[role(code="leader")])
        self.street = make_user("t_mishi", units=[self.org.street_a], roles=[role(code="street_worker")])
        self.street_b = make_user("t_hushu", units=[self.org.street_b], roles=[role(code="street_worker")])
        self.project = services.create_project(
            actor=None,
            code="XM-2026-001",
            name="米市巷智能制造产业园",
            kind="industrial",
            owner_name="杭州示例科技有限公司",
            org_unit=self.org.street_a,
            lead_department=self.fgj,
            service_group=self.sg1,
            total_investment=Decimal("50000"),
            signed_on=dt.date(2026, 1, 10),
            annual_plans={2026: Decimal("12000")},
        )
        self.other = services.create_project(
            actor=None,
            code="XM-2026-002",
            name="湖墅城市更新项目",
            kind="renewal",
            owner_name="湖墅建设公司",
            org_unit=self.org.street_b,
            lead_department=self.zjj,
            service_group=self.sg2,
            total_investment=Decimal("8000"),
            signed_on=dt.date(2026, 3, 1),
        )


@pytest.fixture
def world(db):
    return World()


def detail(project) -> str:
    return reverse("projects:project_detail", args=[project.pk])


def test_project_page_renders_for_the_roles_in_scope(world):
    for user in (world.cadre, world.handler, world.leader, world.street):
        page = login(user).get(detail(world.project))
        assert page.status_code == 200, user
        html = page.content.decode()
        assert "米市巷智能制造产业园" in html
        assert 'id="light-card"' in html and 'data-gantt="project"' in html
        assert "注册落地" in html and "达效" in html  # the lifecycle rows
    cadre_page = login(world.cadre).get(detail(world.project)).content.decode()
    for action in ("blocker", "visit", "stage", "investment"):
        assert f'data-action="{action}"' in cadre_page
    leader_page = login(world.leader).get(detail(world.project)).content.decode()
    assert 'data-action="blocker"' not in leader_page  # only with the permission


def test_out_of_scope_is_404(world):
    assert login(world.street_b).get(detail(world.project)).status_code == 404
    assert login(world.cadre2).get(detail(world.project)).status_code == 404
    assert login(world.zjj_handler).get(detail(world.project)).status_code == 404
    url = reverse("projects:raise_blocker", args=[world.project.pk])
    response = login(world.cadre2).post(url, {"title": "x", "description": "y", "kind": "land", "department": world.fgj.pk})
    assert response.status_code == 404
    assert not Blocker.objects.exists()
    assert login(world.cadre2).get(reverse("projects:visit", args=[world.project.pk])).status_code == 404


def test_list_shows_light_badges_and_only_scoped_projects(world):
    Project.objects.filter(pk=world.project.pk).update(light=Light.RED, light_reason="“开工”节点逾期 30 天")
    Project.objects.filter(pk=world.other.pk).update(light=Light.GREEN, light_reason="")
    html = login(world.cadre).get(reverse("projects:project_list")).content.decode()
    assert "XM-2026-001" in html and "XM-2026-002" not in html
    assert 'data-light="red"' in html and "bg-red" in html
    leader = login(world.leader).get(reverse("projects:project_list") + "?light=red").content.decode()
    assert "XM-2026-001" in leader and "XM-2026-002" not in leader
    search = login(world.leader).get(reverse("projects:project_list") + "?q=湖墅").content.decode()
    assert "XM-2026-002" in search and "XM-2026-001" not in search


def test_raising_a_blocker_creates_the_case_for_the_department(world):
    client = login(world.cadre)
    response = client.post(
        reverse("projects:raise_blocker", args=[world.project.pk]),
        {
            "title": "施工用电接入迟迟未批",
            "description": "园区二期施工临时用电申请已提交两个月，仍未接入。",
            "kind": "infra",
            "department": world.fgj.pk,
            "priority": "urgent",
            "files": [png()],
        },
    )
    assert response.status_code == 302
    blocker = Blocker.objects.get(project=world.project)
    case = blocker.case
    assert case.case_type == "project_blocker" and case.handling_unit == world.fgj
    assert case.attachments.count() == 1
    page = client.get(detail(world.project)).content.decode()
    assert "施工用电接入迟迟未批" in page and case.number in page and "区发改局" in page
    # those who may open the case get a link to its page: the department, the leader, and the
    # service group that raised it (it follows the case: the group is the case's watch unit)
    assert case.watch_unit == world.sg1
    case_url = reverse("cases:case_detail", args=[case.pk])
    for user in (world.handler, world.leader, world.cadre):
        assert case_url in login(user).get(detail(world.project)).content.decode()
    assert client.get(case_url).status_code == 200
    # another group's cadre sees neither the project nor the case
    assert login(world.cadre2).get(case_url).status_code == 404
    group = client.get(reverse("projects:group_detail", args=[world.sg1.pk])).content.decode()
    assert "施工用电接入迟迟未批" in group
    # the department's handler sees it in the work list
    work = login(world.handler).get(reverse("cases:case_list")).content.decode()
    assert case.number in work


def test_bad_blocker_input_shows_chinese_and_writes_nothing(world):
    client = login(world.cadre)
    url = reverse("projects:raise_blocker", args=[world.project.pk])
    response = client.post(url, {"title": "", "description": "说明", "kind": "land", "department": world.fgj.pk})
    assert response.status_code == 422
    html = response.content.decode()
    assert "这个字段是必填项" in html or "必填" in html
    assert 'data-action="blocker" open' in html
    # a street is not a department: the form refuses it (the choices are departments only)
    response = client.post(url, {"title": "用地", "description": "说明", "kind": "land", "department": world.org.street_a.pk})
    assert response.status_code == 422
    assert "所选协调部门不存在" in response.content.decode()
    assert not Blocker.objects.exists() and not Case.objects.exists()


def test_a_cadre_without_the_permission_cannot_raise(world):
    response = login(world.street).post(
        reverse("projects:raise_blocker", args=[world.project.pk]),
        {"title": "x", "description": "y", "kind": "land", "department": world.fgj.pk},
    )
    assert response.status_code == 403
    assert not Blocker.objects.exists()


def test_phone_visit_form_defaults_and_saves_with_a_blocker(world):
    client = login(world.cadre)
    url = reverse("projects:visit", args=[world.project.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html  # date defaults to today
    assert 'accept="image/*"' in html and "capture" in html
    assert f'value="{world.cadre.person_id}" ' in html and "checked" in html  # the user's own person ticked
    response = client.post(
        url,
        {
            "occurred_on": "2026-11-20",
            "participants": [world.cadre.person_id],
            "findings": "二期厂房主体结构已封顶，企业反映施工用电未接入。",
            "files": [png()],
            "blocker_title": "施工用电未接入",
            "blocker_description": "临时用电申请两个月未批。",
            "blocker_kind": "infra",
            "blocker_department": world.fgj.pk,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(kind="visit")
    assert activity.attachments.count() == 1
    assert list(activity.participants.all()) == [world.cadre.person]
    assert Blocker.objects.get().visit == activity
    page = client.get(detail(world.project)).content.decode()
    assert "二期厂房主体结构已封顶" in page
    assert reverse("projects:visit_file", args=[activity.attachments.get().pk]) in page


def test_visit_in_the_future_is_refused_in_chinese(world):
    client = login(world.cadre)
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("projects:visit", args=[world.project.pk]), {"occurred_on": future.isoformat(), "findings": "现场查看"}
    )
    assert response.status_code == 422
    assert "晚于今天" in response.content.decode()
    half = client.post(
        reverse("projects:visit", args=[world.project.pk]),
        {"occurred_on": "2026-11-20", "findings": "现场查看", "blocker_title": "用地指标"},
    )
    assert half.status_code == 422
    assert "提出堵点时请填写协调部门" in half.content.decode()
    assert not Activity.objects.exists() and not Blocker.objects.exists()


def test_reach_stage_and_its_refusal(world):
    client = login(world.cadre)
    url = reverse("projects:reach_stage", args=[world.project.pk])
    skipped = client.post(url, {"stage": "land", "actual_date": "2026-04-01"})
    assert skipped.status_code == 422
    assert "请先完成“注册落地”节点" in skipped.content.decode()
    assert Milestone.objects.get(project=world.project, stage="land").actual_date is None
    ok = client.post(url, {"stage": "registered", "actual_date": "2026-02-20", "note": "已完成工商注册", "files": [png()]})
    assert ok.status_code == 302
    reached = Milestone.objects.get(project=world.project, stage="registered")
    assert reached.actual_date == dt.date(2026, 2, 20) and reached.evidence.count() == 1
    page = client.get(detail(world.project)).content.decode()
    assert reverse("projects:evidence_file", args=[reached.evidence.get().pk]) in page
    assert login(world.cadre).get(reverse("projects:evidence_file", args=[reached.evidence.get().pk])).status_code == 200
    assert login(world.cadre2).get(reverse("projects:evidence_file", args=[reached.evidence.get().pk])).status_code == 404


def test_report_investment_and_its_refusal(world):
    client = login(world.cadre)
    url = reverse("projects:report_investment", args=[world.project.pk])
    ok = client.post(url, {"month": "2026-10", "amount": "1500.50"})
    assert ok.status_code == 302
    assert InvestmentReport.objects.get(project=world.project).amount == Decimal("1500.50")
    page = client.get(detail(world.project)).content.decode()
    assert "1500.50" in page and 'id="investment-reports"' in page
    too_much = client.post(url, {"month": "2026-09", "amount": "49000"})
    assert too_much.status_code == 422
    assert "将超过总投资" in too_much.content.decode()
    assert InvestmentReport.objects.filter(project=world.project).count() == 1


def test_board_and_light_lists(world):
    Project.objects.filter(pk=world.project.pk).update(light=Light.RED, light_reason="“供地”节点逾期 20 天")
    Project.objects.filter(pk=world.other.pk).update(light=Light.YELLOW, light_reason="投资完成率滞后 12.00 个百分点")
    board = login(world.leader).get(reverse("projects:board"))
    html = board.content.decode()
    assert board.status_code == 200 and 'id="project-board"' in html
    assert "米市巷智能制造产业园" in html and "湖墅城市更新项目" in html and "light-red" in html
    only_b = login(world.leader).get(reverse("projects:board") + f"?org_unit={world.org.street_b.pk}").content.decode()
    assert "湖墅城市更新项目" in only_b and "米市巷智能制造产业园" not in only_b
    red = login(world.leader).get(reverse("projects:red_list")).content.decode()
    assert "“供地”节点逾期 20 天" in red and "湖墅城市更新项目" not in red
    yellow = login(world.leader).get("/projects/lights/yellow/").content.decode()
    assert "投资完成率滞后" in yellow and "米市巷智能制造产业园" not in yellow
    assert "湖墅城市更新项目" not in login(world.cadre).get(reverse("projects:yellow_list")).content.decode()


def test_groups_scoped_and_group_page(world):
    leader = login(world.leader).get(reverse("projects:groups")).content.decode()
    assert 'data-group="SG01"' in leader and 'data-group="SG02"' in leader
    cadre = login(world.cadre).get(reverse("projects:groups")).content.decode()
    assert 'data-group="SG01"' in cadre and 'data-group="SG02"' not in cadre
    assert login(world.cadre).get(reverse("projects:group_detail", args=[world.sg2.pk])).status_code == 404
    page = login(world.cadre).get(reverse("projects:group_detail", args=[world.sg1.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "t_fuwuzu" in html and "年轻干部" in html and "联络员" in html
    assert "米市巷智能制造产业园" in html and 'data-gantt="portfolio"' in html


def test_project_created_from_the_generic_form_gets_its_milestones(world):
    client = login(world.handler)
    data = {
        "code": "XM-2026-009",
        "name": "运河数字港",
        "kind": "industrial",
        "status": "active",
        "owner_name": "运河数字公司",
        "org_unit": world.org.street_a.pk,
        "lead_department": world.fgj.pk,
        "service_group": world.sg1.pk,
        "total_investment": "3000",
        "signed_on": "2026-05-01",
    }
    response = client.post(reverse("projects:project_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(code="XM-2026-009")
    assert project.milestones.count() == 8
    again = client.post(reverse("projects:project_add"), {**data, "total_investment": "-5"})
    assert again.status_code == 422
    assert Project.objects.filter(code="XM-2026-009").count() == 1


def test_home_card_for_cadres(world):
    Project.objects.filter(pk=world.project.pk).update(light=Light.RED)
    html = login(world.cadre).get(reverse("home")).content.decode()
    assert 'data-card="projects.lights"' in html and "红灯项目" in html


def test_api_is_scoped_and_takes_the_actions(world):
    client = login(world.cadre)
    listing = client.get("/api/projects/projects/").json()
    assert [row["code"] for row in listing["results"]] == ["XM-2026-001"]
    assert listing["results"][0]["light"] in Light.values and "light_reason" in listing["results"][0]
    assert client.get(f"/api/projects/projects/{world.other.pk}/").status_code == 404
    response = client.post(
        f"/api/projects/projects/{world.project.pk}/blockers/",
        {"title": "环评批复未下达", "description": "环评报告已报送一个月。", "kind": "approval", "department": world.fgj.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Blocker.objects.get().case.handling_unit == world.fgj
    refused = client.post(
        f"/api/projects/projects/{world.project.pk}/investments/",
        {"month": "2026-10-01", "amount": "-1"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "负数" in refused.json()["detail"]
    assert not InvestmentReport.objects.exists()
    timeline = client.get(f"/api/projects/projects/{world.project.pk}/timeline/").json()
    assert [r["stage"] for r in timeline][:2] == ["signed", "registered"]
    assert (
        login(world.street)
        .post(
            f"/api/projects/projects/{world.project.pk}/blockers/",
            {"title": "x", "description": "y", "kind": "land", "department": world.fgj.pk},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_api_creates_a_project_with_milestones(world):
    response = login(world.handler).post(
        "/api/projects/projects/",
        {
            "code": "XM-2026-010",
            "name": "大运河科创中心",
            "kind": "industrial",
            "owner_name": "运河科创公司",
            "org_unit": world.org.street_a.pk,
            "lead_department": world.fgj.pk,
            "total_investment": "20000.00",
            "signed_on": "2026-06-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Project.objects.get(code="XM-2026-010").milestones.count() == 8
    dup = login(world.handler).post(
        "/api/projects/projects/",
        {"code": "XM-2026-001", "name": "重复", "kind": "industrial", "owner_name": "x", "org_unit": world.org.street_a.pk,
         "lead_department": world.fgj.pk, "total_investment": "1"},
        content_type="application/json",
    )  # fmt: skip
    assert dup.status_code == 400


def test_export_lists_the_light(world):
    import openpyxl

    response = login(world.leader).get(reverse("projects:project_export"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    rows = list(book.active.iter_rows(values_only=True))
    header = [str(c) for c in rows[0]]
    assert "亮灯" in header and "项目编号" in header
    assert {r[header.index("项目编号")] for r in rows[1:]} == {"XM-2026-001", "XM-2026-002"}


def test_import_creates_projects_through_the_service(world):
    import openpyxl

    from yixian.core.dataio import importer
    from yixian.framework.registry import registry

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目编号", "项目名称", "项目类型", "业主单位", "所在街道", "总投资（万元）", "牵头部门", "专项服务组"])
    sheet.append(
        ["XM-2026-020", "湖墅数字经济楼宇", "产业项目", "湖墅数字公司", "米市巷街道", "6000", "区发改局", "第一专项服务组"]
    )
    sheet.append(["XM-2026-021", "负投资项目", "产业项目", "某公司", "米市巷街道", "-3", "区发改局", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    resource = registry.resource_for(Project)
    result = importer.preview(resource=resource, content=buffer.getvalue(), user=world.handler, max_rows=100)
    assert len(result.good) == 1 and len(result.bad) == 1, [r.errors for r in result.bad]
    importer.apply(resource=resource, result=result, user=world.handler, only_valid=True)
    project = Project.objects.get(code="XM-2026-020")
    assert project.milestones.count() == 8 and project.service_group == world.sg1
    assert not Project.objects.filter(code="XM-2026-021").exists()


def test_generic_pages_render_for_their_roles(world):
    handler = login(world.handler)
    for name in ("project_add", "annualplan_list", "investmentreport_list", "industry_list", "annualplan_add"):
        assert handler.get(reverse(f"projects:{name}")).status_code == 200, name
    assert handler.get(reverse("projects:project_edit", args=[world.project.pk])).status_code == 200
    admin = login(make_user("t_admin", units=[world.org.district], roles=[Role.objects.get(code="sysadmin")]))
    for name in ("industry_list", "stagetemplate_list", "lightpolicy_list", "industry_add"):
        assert admin.get(reverse(f"projects:{name}")).status_code == 200, name
    created = admin.post(
        "/api/projects/stage-templates/",
        {"kind": "renewal", "stage": "started", "offset_months": 4},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "renewal"
    assert login(world.street).get(reverse("projects:project_add")).status_code == 403


def test_visit_from_the_project_page_shows_errors_there(world):
    response = login(world.cadre).post(
        reverse("projects:project_visit", args=[world.project.pk]), {"_from": "page", "occurred_on": "2026-11-20", "findings": ""}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-action="visit" open' in html and 'id="light-card"' in html
    assert not Activity.objects.exists()


def test_the_generic_investment_and_plan_pages_apply_the_services_rules(world):
    """The generic 月度投资 / 年度投资计划 pages (and their imports) save through the services:
    a future month or a total above the project's total investment is refused in Chinese."""
    client = login(world.handler)  # 区发改局 leads the project
    add = reverse("projects:investmentreport_add")
    future = client.post(add, {"project": world.project.pk, "month": "2027-01-01", "amount": "10"})
    assert future.status_code == 422 and "尚未到来" in future.content.decode()
    too_much = client.post(add, {"project": world.project.pk, "month": "2026-09-15", "amount": "50000.01"})
    assert too_much.status_code == 422 and "将超过总投资" in too_much.content.decode()
    assert not InvestmentReport.objects.filter(project=world.project).exists()
    ok = client.post(add, {"project": world.project.pk, "month": "2026-09-15", "amount": "300"})
    assert ok.status_code == 302
    report = InvestmentReport.objects.get(project=world.project)
    assert report.month == dt.date(2026, 9, 1) and report.amount == Decimal("300")
    plan_add = reverse("projects:annualplan_add")
    above = client.post(plan_add, {"project": world.project.pk, "year": 2027, "amount": "60000"})
    assert above.status_code == 422 and "超过总投资" in above.content.decode()
