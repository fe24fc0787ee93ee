"""The project actions: what they write, what they refuse (nothing written), who may act."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yixian.core.activities.models import Activity
from yixian.core.cases import selectors as case_selectors
from yixian.core.cases import services as case_services
from yixian.core.cases.models import Case, CaseState, CaseStep
from yixian.modules.projects import selectors, services
from yixian.modules.projects.models import (
    AnnualPlan,
    Blocker,
    InvestmentReport,
    Light,
    Milestone,
    MilestoneEvidence,
    Project,
    StageTemplate,
)
from yixian.modules.projects.services import ProjectError

from .conftest import at, d, png

D = Decimal


def refused(fn, *args, field=None, contains="", status=None, **kwargs) -> ProjectError:
    with pytest.raises(ProjectError) as info:
        fn(*args, **kwargs)
    if field is not None:
        assert info.value.field == field, info.value.message
    assert contains in info.value.message
    if status is not None:
        assert info.value.status == status
    return info.value


def counts():
    return (
        Project.objects.count(),
        Milestone.objects.count(),
        AnnualPlan.objects.count(),
        InvestmentReport.objects.count(),
        Case.objects.count(),
        Blocker.objects.count(),
        Activity.objects.count(),
        MilestoneEvidence.objects.count(),
    )


# ---------------------------------------------------------------- create
def test_create_makes_one_milestone_per_stage_and_a_light(pw):
    project = pw.project(signed_on=d("2026-01-05"), plan=None, annual_plans={2026: D("3000")})
    stages = list(project.milestones.values_list("stage", "planned_date", "actual_date"))
    assert [s for s, _p, _a in stages] == [
        "signed",
        "registered",
        "land",
        "started",
        "completed",
        "production",
        "capacity",
        "output",
    ]
    assert stages[0] == ("signed", d("2026-01-05"), d("2026-01-05"))  # signed on a past day: reached
    assert stages[3][1] == d("2026-07-05")  # 开工 6 months after signing (the default offsets)
    project.refresh_from_db()
    assert project.stage == "signed"
    assert project.light in Light.values and project.light_reason
    assert AnnualPlan.objects.get(project=project).amount == D("3000")


def test_create_follows_the_template_of_the_kind(pw):
    for stage, months in [("signed", 0), ("land", 2), ("started", 4), ("completed", 18)]:
        StageTemplate.objects.create(kind="construction", stage=stage, offset_months=months)
    project = pw.project(
        kind="construction", signed_on=d("2026-10-31"), plan={"completed": d("2028-06-30")}, now=at("2026-11-02 09:00")
    )
    assert list(project.milestones.values_list("stage", "planned_date")) == [
        ("signed", d("2026-10-31")),
        ("land", d("2026-12-31")),
        ("started", d("2027-02-28")),
        ("completed", d("2028-06-30")),
    ]
    before = counts()
    refused(pw.project, code="GS2026-002", kind="construction", plan={"output": d("2030-01-01")}, field="plan", contains="达效")
    assert counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"code": "GS2026-001"}, "code", "项目编号 GS2026-001 已被使用"),
        ({"code": "  "}, "code", "项目编号"),
        ({"name": ""}, "name", "项目名称"),
        ({"total_investment": D("-1")}, "total_investment", "总投资不能为负数"),
        ({"total_investment": "abc"}, "total_investment", "总投资"),
        ({"org_unit": "fgj"}, "org_unit", "所在街道必须是一个街道"),
        ({"service_group": "street_b"}, "service_group", "专项服务组必须是一个专项服务组"),
        ({"lead_department": "sg1"}, "lead_department", "牵头部门必须是一个部门"),
        ({"owner_credit_code": "91330100799655058C"}, "owner_credit_code", "校验位错误（应为 B）"),
        (
            {"plan": {"land": d("2027-05-01"), "registered": d("2027-06-01")}},
            "plan_land",
            "“供地”计划日期不能早于“注册落地”计划日期",
        ),
        ({"annual_plans": {2026: D("20000")}}, "annual_plans", "超过总投资"),
        ({"annual_plans": {2026: D("-5")}}, "annual_plans", "不能为负数"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(pw, kwargs, field, text):
    pw.project()
    before = counts()
    for key, value in list(kwargs.items()):
        if isinstance(value, str) and hasattr(pw, value):
            kwargs[key] = getattr(pw, value)
    kwargs.setdefault("code", "GS2026-009")
    refused(pw.project, field=field, contains=text, **kwargs)
    assert counts() == before


def test_create_accepts_a_valid_credit_code_normalised(pw):
    project = pw.project(owner_credit_code=" 91330100799655058b ")
    assert project.owner_credit_code == "91330100799655058B"


def test_create_checks_permission_and_scope_as_real_roles(pw):
    refused(pw.project, actor=pw.street, status=403)  # street workers only view
    refused(pw.project, actor=pw.cadre, status=403)  # group cadres do not create projects
    # a D-FGJ handler may create a project led by D-FGJ, not one that lies wholly elsewhere
    refused(pw.project, actor=pw.handler, lead_department=pw.zjj, service_group=None, status=403, field="org_unit")
    assert Project.objects.count() == 0
    project = pw.project(actor=pw.handler)
    assert selectors.projects_for(pw.handler).filter(pk=project.pk).exists()


def test_projects_are_visible_to_the_street_the_group_and_the_lead_department(pw):
    project = pw.project()
    for user in (pw.street, pw.cadre, pw.handler, pw.dispatcher):
        assert list(selectors.projects_for(user)) == [project], user
    for user in (pw.street_other, pw.cadre2, pw.zjj_handler):
        assert not selectors.projects_for(user).exists(), user


# ---------------------------------------------------------------- plan and stages
def test_update_plan_keeps_the_order_and_the_version(pw):
    project = pw.project()
    project.refresh_from_db()
    version = project.version
    refused(
        services.update_plan, project, actor=pw.handler, plan={"started": d("2027-03-01")}, field="plan_started",
        contains="“开工”计划日期不能早于“供地”计划日期（2027-04-10）",
    )  # fmt: skip
    assert project.milestones.get(stage="started").planned_date == d("2027-06-10")
    refused(services.update_plan, project, actor=pw.cadre, plan={"started": d("2027-07-01")}, status=403)
    refused(services.update_plan, project, actor=pw.zjj_handler, plan={"started": d("2027-07-01")}, status=404)
    services.update_plan(project, actor=pw.handler, plan={"started": d("2027-07-01")}, expected_version=version)
    assert project.milestones.get(stage="started").planned_date == d("2027-07-01")
    refused(
        services.update_plan, project, actor=pw.handler, plan={"started": d("2027-08-01")}, expected_version=version, status=409
    )


def test_reach_stage_requires_the_date_in_order_and_not_in_the_future(pw):
    project = pw.project(plan={"signed": d("2026-01-05"), "registered": d("2026-02-01"), "land": d("2026-05-01")})
    today = d("2026-03-10")
    before = counts()
    refused(
        services.reach_stage,
        project,
        actor=pw.cadre,
        stage="signed",
        actual_date=None,
        today=today,
        field="actual_date",
        contains="请填写“签约”的实际日期",
    )
    refused(
        services.reach_stage,
        project,
        actor=pw.cadre,
        stage="signed",
        actual_date=d("2026-03-11"),
        today=today,
        field="actual_date",
        contains="晚于今天",
    )
    refused(
        services.reach_stage,
        project,
        actor=pw.cadre,
        stage="registered",
        actual_date=d("2026-02-01"),
        today=today,
        field="stage",
        contains="请先完成“签约”节点",
    )
    assert counts() == before
    services.reach_stage(project, actor=pw.cadre, stage="signed", actual_date=d("2026-01-08"), today=today, files=[png()])
    refused(
        services.reach_stage, project, actor=pw.cadre, stage="registered", actual_date=d("2026-01-07"), today=today,
        field="actual_date", contains="“注册落地”实际日期不能早于“签约”实际日期（2026-01-08）",
    )  # fmt: skip
    milestone = services.reach_stage(
        project, actor=pw.cadre, stage="registered", actual_date=d("2026-02-03"), today=today, note="营业执照已领"
    )
    assert milestone.actual_date == d("2026-02-03")
    project.refresh_from_db()
    assert project.stage == "registered"
    evidence = MilestoneEvidence.objects.get(milestone__stage="signed")
    assert (evidence.name, evidence.content_type, evidence.uploaded_by) == ("photo.png", "image/png", pw.cadre)


def test_reach_stage_refuses_wrong_files_and_people_out_of_scope(pw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = pw.project(plan={"signed": d("2026-01-05")})
    exe = SimpleUploadedFile("evil.png", b"MZ\x90\x00" * 10, content_type="image/png")
    before = counts()
    refused(
        services.reach_stage,
        project,
        actor=pw.cadre,
        stage="signed",
        actual_date=d("2026-01-05"),
        files=[exe],
        today=d("2026-03-01"),
        field="files",
    )
    refused(
        services.reach_stage,
        project,
        actor=pw.street,
        stage="signed",
        actual_date=d("2026-01-05"),
        today=d("2026-03-01"),
        status=403,
    )
    refused(
        services.reach_stage,
        project,
        actor=pw.cadre2,
        stage="signed",
        actual_date=d("2026-01-05"),
        today=d("2026-03-01"),
        status=404,
    )
    refused(
        services.reach_stage,
        project,
        actor=pw.street_other,
        stage="signed",
        actual_date=d("2026-01-05"),
        today=d("2026-03-01"),
        status=404,
    )
    assert counts() == before
    assert project.milestones.get(stage="signed").actual_date is None


# ---------------------------------------------------------------- investment
def test_report_investment_upserts_the_month_and_refuses_bad_amounts(pw):
    project = pw.project(total_investment=D("1000"), annual_plans={2026: D("600")})
    today = d("2026-05-20")
    report = services.report_investment(project, actor=pw.cadre, month=d("2026-03-15"), amount=D("300"), today=today)
    assert report.month == d("2026-03-01")
    services.report_investment(project, actor=pw.cadre, month=d("2026-03-01"), amount=D("350.50"), today=today)
    assert list(InvestmentReport.objects.values_list("month", "amount")) == [(d("2026-03-01"), D("350.50"))]
    before = counts()
    refused(
        services.report_investment,
        project,
        actor=pw.cadre,
        month=d("2026-04-01"),
        amount=D("-1"),
        today=today,
        field="amount",
        contains="当月完成投资不能为负数",
    )
    refused(
        services.report_investment, project, actor=pw.cadre, month=d("2026-04-01"), amount=D("649.51"), today=today,
        field="amount", contains="累计完成投资 1000.01 万元将超过总投资 1000.00 万元",
    )  # fmt: skip
    refused(
        services.report_investment,
        project,
        actor=pw.cadre,
        month=d("2026-06-01"),
        amount=D("1"),
        today=today,
        field="month",
        contains="2026-06 尚未到来",
    )
    refused(services.report_investment, project, actor=pw.street, month=d("2026-04-01"), amount=D("1"), today=today, status=403)
    refused(
        services.report_investment, project, actor=pw.street_other, month=d("2026-04-01"), amount=D("1"), today=today, status=404
    )
    assert counts() == before
    services.report_investment(
        project, actor=pw.cadre, month=d("2026-04-01"), amount=D("649.50"), today=today
    )  # exactly the total
    assert selectors.progress_of(project, 2026, 4).done == D("1000.00")
    assert selectors.cumulative_done(project) == selectors.cumulative_done(Project.objects.all()) == D("1000.00")


def test_set_annual_plan(pw):
    project = pw.project(total_investment=D("1000"))
    plan = services.set_annual_plan(project, actor=pw.handler, year=2026, amount=D("500"))
    services.set_annual_plan(project, actor=pw.handler, year=2026, amount=D("600"))
    plan.refresh_from_db()
    assert plan.amount == D("600") and AnnualPlan.objects.count() == 1
    refused(
        services.set_annual_plan, project, actor=pw.handler, year=2026, amount=D("1000.01"), field="amount", contains="超过总投资"
    )
    refused(services.set_annual_plan, project, actor=pw.cadre, year=2027, amount=D("1"), status=403)
    assert AnnualPlan.objects.count() == 1


# ---------------------------------------------------------------- blockers
def test_a_blocker_is_a_case_dispatched_to_the_department_and_in_its_queue(pw):
    project = pw.project()
    now = at("2026-03-02 09:00")
    blocker = services.raise_blocker(
        project,
        actor=pw.cadre,
        title="用地指标未落实",
        description="二期用地指标尚未下达，影响供地。",
        kind="land",
        department=pw.fgj,
        now=now,
    )
    case = blocker.case
    assert (case.case_type, case.state, case.handling_unit, case.org_unit) == (
        "project_blocker",
        CaseState.DISPATCHED,
        pw.fgj,
        pw.street_a,
    )
    assert case.source_id == str(project.pk) and case.source_type.model == "project"
    assert case.handle_due.date() == d("2026-03-16")  # 10 working days after 2026-03-02
    assert blocker.raised_by == pw.cadre
    handler_cases = Case.objects.visible_to(pw.handler)
    assert list(case_selectors.queue(handler_cases, "to_sign", pw.handler, now=now)) == [case]
    assert not case_selectors.queue(Case.objects.visible_to(pw.zjj_handler), "to_sign", pw.zjj_handler, now=now).exists()
    assert list(selectors.blockers_of(project)) == [blocker]


def test_raising_a_blocker_is_refused_without_the_permission_or_scope(pw):
    project = pw.project()
    before = counts()
    args = dict(
        title="审批卡壳", description="施工许可迟迟未批。", kind="approval", department=pw.zjj, now=at("2026-03-02 09:00")
    )
    refused(services.raise_blocker, project, actor=pw.street, status=403, **args)
    refused(services.raise_blocker, project, actor=pw.cadre2, status=404, **args)
    refused(
        services.raise_blocker,
        project,
        actor=pw.cadre,
        **{**args, "department": pw.street_a},
        field="department",
        contains="协调部门必须是一个部门",
    )
    refused(services.raise_blocker, project, actor=pw.cadre, **{**args, "title": " "}, field="title")
    refused(services.raise_blocker, project, actor=pw.cadre, **{**args, "kind": "weather"}, field="kind")
    assert counts() == before


def test_an_overdue_blocker_turns_the_light_red_and_is_supervised_once(pw):
    project = pw.project()
    blocker = services.raise_blocker(
        project,
        actor=pw.cadre,
        title="用地指标未落实",
        description="二期用地指标尚未下达。",
        kind="land",
        department=pw.fgj,
        now=at("2026-03-02 09:00"),
    )
    services.sweep(now=at("2026-03-16 20:00"))  # the deadline day itself: not yet overdue
    project.refresh_from_db()
    assert project.light == Light.GREEN
    result = services.sweep(now=at("2026-03-17 08:00"))
    assert result["supervised"] == 1
    project.refresh_from_db()
    assert project.light == Light.RED
    assert project.light_reason == "堵点“用地指标未落实”办理期限 2026-03-16，已超期未答复"
    blocker.refresh_from_db()
    assert blocker.supervised_at == at("2026-03-17 08:00")
    assert blocker.case.is_supervised
    services.sweep(now=at("2026-03-18 08:00"))
    services.refresh_project(project, now=at("2026-03-18 09:00"))
    assert CaseStep.objects.filter(case=blocker.case, action="supervise").count() == 1
    assert selectors.red_list(Project.objects.all()).get() == project
    # the department replies: the blocker no longer makes the project red
    case = blocker.case
    case_services.act(case, "sign", actor=pw.handler, now=at("2026-03-18 10:00"))
    case_services.act(case, "reply", actor=pw.handler, note="指标已下达。", now=at("2026-03-18 11:00"))
    services.sweep(now=at("2026-03-18 12:00"))
    project.refresh_from_db()
    assert project.light == Light.GREEN


def test_a_blocker_the_sla_watch_already_supervised_is_only_recorded(pw):
    from yixian.core.cases.tasks import sweep as sla_sweep

    project = pw.project()
    blocker = services.raise_blocker(
        project,
        actor=pw.cadre,
        title="配套电力不足",
        description="需要新增变电容量。",
        kind="infra",
        department=pw.zjj,
        now=at("2026-03-02 09:00"),
    )
    sla_sweep(at("2026-03-04 09:00"))  # the sign deadline passed: the engine supervises the case
    blocker.case.refresh_from_db()
    assert blocker.case.is_supervised
    services.sweep(now=at("2026-03-17 09:00"))
    blocker.refresh_from_db()
    assert blocker.supervised_at == at("2026-03-17 09:00")
    assert not CaseStep.objects.filter(case=blocker.case, action="supervise").exists()


# ---------------------------------------------------------------- visits
def test_a_visit_with_a_new_blocker_is_seen_by_the_group_and_the_street(pw):
    project = pw.project()
    colleague = pw.member("李四", pw.sg1, cadre_type="young")
    visit = services.log_visit(
        project,
        actor=pw.cadre,
        occurred_on=d("2026-03-02"),
        findings="现场围挡已完成，电力配套未到位。",
        participants=[pw.cadre.person, colleague],
        files=[png("site.png")],
        blockers=[{"title": "电力配套未到位", "description": "需供电公司增容。", "kind": "infra", "department": pw.zjj}],
        now=at("2026-03-02 15:00"),
    )
    assert (visit.kind, visit.subject, visit.org_unit, visit.area) == ("visit", project, pw.sg1, pw.street_a)
    assert set(visit.participants.all()) == {pw.cadre.person, colleague}
    assert visit.attachments.count() == 1
    blocker = Blocker.objects.get()
    assert blocker.visit == visit and blocker.case.handling_unit == pw.zjj
    assert list(selectors.visits_of(project)) == [visit]
    for user in (pw.cadre, pw.street):
        assert list(Activity.objects.visible_to(user)) == [visit], user
    for user in (pw.cadre2, pw.street_other):
        assert not Activity.objects.visible_to(user).exists(), user
    summary = selectors.group_summary(pw.sg1, user=pw.cadre, today=d("2026-03-20"))
    assert summary["visits_this_month"] == 1 and summary["open_blockers"] == 1
    assert summary["by_cadre_type"] == {"professional": 1, "young": 1}
    assert summary["by_light"][project.light] == 1


def test_a_visit_with_a_bad_blocker_writes_nothing(pw):
    project = pw.project()
    before = counts()
    refused(
        services.log_visit, project, actor=pw.cadre, occurred_on=d("2026-03-02"), findings="走访。",
        blockers=[{"title": "缺少部门", "description": "没有选择部门。", "kind": "other", "department": None}],
        now=at("2026-03-02 15:00"), contains="第 1 个堵点：请选择协调部门",
    )  # fmt: skip
    refused(
        services.log_visit,
        project,
        actor=pw.cadre,
        occurred_on=d("2026-03-03"),
        findings="走访。",
        today=d("2026-03-02"),
        field="occurred_on",
    )
    refused(
        services.log_visit,
        project,
        actor=pw.cadre,
        occurred_on=d("2026-03-02"),
        findings=" ",
        today=d("2026-03-02"),
        field="findings",
    )
    refused(
        services.log_visit,
        project,
        actor=pw.street,
        occurred_on=d("2026-03-02"),
        findings="走访。",
        today=d("2026-03-02"),
        status=403,
    )
    # a participant from another group (neither the project's group, street nor cadres)
    refused(
        services.log_visit, project, actor=pw.cadre, occurred_on=d("2026-03-02"), findings="走访。",
        participants=[pw.cadre.person, pw.cadre2.person], today=d("2026-03-02"), field="participants",
    )  # fmt: skip
    assert counts() == before
    visit = services.log_visit(
        project, actor=pw.cadre, occurred_on=d("2026-03-02"), findings="走访。", participants=[pw.cadre.person], today=d("2026-03-02")
    )
    assert list(visit.participants.all()) == [pw.cadre.person]


def test_a_visit_to_a_project_without_a_group_belongs_to_its_street(pw):
    project = pw.project(service_group=None)
    visit = services.log_visit(project, actor=None, occurred_on=d("2026-03-02"), findings="街道走访。", today=d("2026-03-02"))
    assert (visit.org_unit, visit.area) == (pw.street_a, pw.street_a)


# ---------------------------------------------------------------- reads
def test_board_timeline_and_group_summary(pw):
    a = pw.project(plan={"signed": d("2026-01-05"), "started": d("2026-06-01")})
    b = pw.project(code="GS2026-002", name="运河文化街区", service_group=pw.sg2)
    services.reach_stage(a, actor=None, stage="signed", actual_date=d("2026-01-06"), today=d("2026-03-01"))
    columns = {stage: items for stage, _label, items in selectors.board(Project.objects.all())}
    assert columns[""] == [b] and [p.pk for p in columns["signed"]] == [a.pk]
    rows = selectors.timeline(Project.objects.all())
    assert rows["start"] == d("2026-01-05") and rows["end"] == d("2030-06-10")
    assert rows["rows"][0]["stages"][0]["late"] is True
    pw.member("王五", pw.sg1, cadre_type="second_line", start="2026-04-01")  # not yet a member in March
    summary = selectors.group_summary(pw.sg1, user=pw.dispatcher, today=d("2026-03-20"))
    assert [m["person"].name for m in summary["members"]] == ["p_fuwuzu"]
    assert list(summary["projects"]) == [a]
    assert summary["on_time"].value is None  # no blocker due yet: no rate, not 0


# ---------------------------------------------------------------- the nightly sweep
def test_the_sweep_task_keeps_a_light_record_per_month(pw):
    from yixian.framework.registry import registry
    from yixian.modules.projects.models import LightRecord
    from yixian.modules.projects.tasks import sweep_projects

    assert any(job.key == "projects.sweep" for job in registry.periodic)
    project = pw.project(plan={"signed": d("2026-04-20")})
    paused = pw.project(code="GS2026-002", plan={"signed": d("2026-04-20")})
    Project.objects.filter(pk=paused.pk).update(status="paused")
    sweep_projects.call(now_iso="2026-04-10T09:00:00+08:00")  # 签约 due in 10 days: yellow
    result = sweep_projects.call(now_iso="2026-05-02T09:00:00+08:00")  # overdue: red
    assert result["red"] == 1 and result["none"] == 0  # paused projects are not swept
    history = list(LightRecord.objects.filter(project=project).order_by("month").values_list("month", "light"))
    assert history == [(d("2026-03-01"), Light.GREEN), (d("2026-04-01"), Light.YELLOW), (d("2026-05-01"), Light.RED)]
    assert LightRecord.objects.get(project=project, month=d("2026-04-01")).reason == "“签约”计划 2026-04-20，还有 10 天到期"


def test_blockers_are_visible_where_the_project_is(pw):
    project = pw.project()
    blocker = services.raise_blocker(
        project,
        actor=pw.cadre,
        title="审批",
        description="许可。",
        kind="approval",
        department=pw.zjj,
        now=at("2026-03-02 09:00"),
    )
    for user in (pw.cadre, pw.street, pw.handler):
        assert list(Blocker.objects.visible_to(user)) == [blocker], user
    assert not Blocker.objects.visible_to(pw.street_other).exists()
    # the department the blocker went to works on it through its case
    assert Case.objects.visible_to(pw.zjj_handler).get() == blocker.case
