"""Every vector of DOMAIN_RULES §6: the pure functions, then the same through the database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yixian.modules.projects import lights, selectors, services
from yixian.modules.projects.lights import Thresholds, evaluate, investment_progress
from yixian.modules.projects.models import InvestmentReport, Light, LightPolicy, LightRecord, Project

from .conftest import at, d

D = Decimal
FAR = [("started", d("2027-06-30"), None)]  # a milestone well in the future: no reason of its own
JULY_10 = d("2026-07-10")


def light_of(progress=None, milestones=FAR, blockers=(), today=JULY_10, policy=None):
    return evaluate(today=today, milestones=milestones, progress=progress, overdue_blockers=blockers, policy=policy)


# ---------------------------------------------------------------- investment progress
def test_the_check_vector_of_section_6():
    p = investment_progress(D("647.4"), D("629.0"), 10)
    assert p.rate == D("97.16")
    assert p.time_progress == D("83.33")
    # lag = time − rate from the rounded figures: 13.83 points AHEAD of time
    assert p.lag == D("-13.83")
    assert p.ahead
    color, reasons = light_of(p)
    assert color == Light.GREEN
    assert "年度投资完成率 97.16%，超前时序进度 13.83 个百分点" in reasons


@pytest.mark.parametrize(
    ("done", "rate", "lag", "color"),
    [
        ("41.67", "41.67", "8.33", Light.GREEN),
        ("40.00", "40.00", "10.00", Light.YELLOW),
        ("20.00", "20.00", "30.00", Light.YELLOW),
        ("19.99", "19.99", "30.01", Light.RED),
    ],
)
def test_month_6_vectors(done, rate, lag, color):
    p = investment_progress(D("100"), D(done), 6)
    assert p.time_progress == D("50.00")
    assert (p.rate, p.lag) == (D(rate), D(lag))
    got, reasons = light_of(p)
    assert got == color
    if color != Light.GREEN:
        assert reasons == [f"年度投资完成率 {rate}%，滞后时序进度 {lag} 个百分点"]
    else:
        assert f"年度投资完成率 {rate}%，滞后时序进度 {lag} 个百分点" in reasons


def test_rates_round_half_up_and_no_plan_means_no_rate():
    assert investment_progress(D("3"), D("1"), 1).rate == D("33.33")
    assert investment_progress(D("8"), D("1"), 12).rate == D("12.50")
    assert investment_progress(D("200000"), D("1"), 12).rate == D("0.00")  # 0.0005 % rounds to 0.00
    assert investment_progress(D("200"), D("0.01"), 12).rate == D("0.01")  # 0.005 rounds half up
    p = investment_progress(D("0"), D("10"), 6)
    assert p.rate is None and p.lag is None
    color, reasons = light_of(p)
    assert color == Light.GREEN and "未下达年度投资计划" in reasons


def test_lag_exactly_at_the_thresholds_and_a_configured_policy():
    policy = Thresholds(red_lag_pp=D("20"), yellow_lag_pp=D("5"))
    assert light_of(investment_progress(D("100"), D("30.00"), 6), policy=policy)[0] == Light.YELLOW  # lag 20.00
    assert light_of(investment_progress(D("100"), D("29.99"), 6), policy=policy)[0] == Light.RED  # 20.01
    assert light_of(investment_progress(D("100"), D("45.00"), 6), policy=policy)[0] == Light.YELLOW  # 5.00
    assert light_of(investment_progress(D("100"), D("45.01"), 6), policy=policy)[0] == Light.GREEN  # 4.99


# ---------------------------------------------------------------- milestones and blockers
def test_a_milestone_overdue_is_red_with_its_reason():
    color, reasons = light_of(milestones=[("started", d("2026-09-30"), None)], today=d("2026-10-10"))
    assert color == Light.RED
    assert reasons == ["“开工”计划 2026-09-30，逾期未开工"]


def test_a_milestone_reached_is_not_overdue_and_the_planned_day_itself_is_not_late():
    assert light_of(milestones=[("land", d("2026-09-30"), d("2026-10-02"))], today=d("2026-10-10"))[0] == Light.GREEN
    color, reasons = light_of(milestones=[("land", d("2026-10-10"), None)], today=d("2026-10-10"))
    assert color == Light.YELLOW and reasons == ["“供地”计划 2026-10-10，今日到期"]


def test_not_started_three_months_after_the_planned_start_has_its_own_reason():
    planned = [("started", d("2026-06-30"), None)]
    color, reasons = light_of(milestones=planned, today=d("2026-09-30"))  # exactly 3 months: still the plain reason
    assert (color, reasons) == (Light.RED, ["“开工”计划 2026-06-30，逾期未开工"])
    color, reasons = light_of(milestones=planned, today=d("2026-10-01"))
    assert (color, reasons) == (Light.RED, ["“开工”计划 2026-06-30，已逾期 3 个月以上仍未开工"])


@pytest.mark.parametrize(("planned", "color"), [("2026-07-25", Light.YELLOW), ("2026-07-26", Light.GREEN)])
def test_a_milestone_due_within_15_days_is_yellow(planned, color):
    got, reasons = light_of(milestones=[("completed", d(planned), None)], today=d("2026-07-10"))
    assert got == color
    if color == Light.YELLOW:
        assert reasons == ["“竣工”计划 2026-07-25，还有 15 天到期"]


def test_an_overdue_blocker_is_red_and_a_policy_may_turn_that_off():
    blockers = [("用地指标未落实", d("2026-03-16"))]
    color, reasons = light_of(blockers=blockers, today=d("2026-03-18"))
    assert (color, reasons) == (Light.RED, ["堵点“用地指标未落实”办理期限 2026-03-16，已超期未答复"])
    assert light_of(blockers=blockers, today=d("2026-03-18"), policy=Thresholds(blocker_overdue_red=False))[0] == Light.GREEN


def test_every_reason_of_the_winning_colour_is_listed_and_no_other():
    milestones = [
        ("land", d("2026-05-31"), None),
        ("started", d("2026-07-20"), None),  # due soon: yellow, hidden by the reds
    ]
    p = investment_progress(D("100"), D("10.00"), 6)  # lag 40: red
    color, reasons = light_of(p, milestones=milestones, blockers=[("审批卡壳", d("2026-07-01"))])
    assert color == Light.RED
    assert reasons == [
        "“供地”计划 2026-05-31，逾期未供地",
        "年度投资完成率 10.00%，滞后时序进度 40.00 个百分点",
        "堵点“审批卡壳”办理期限 2026-07-01，已超期未答复",
    ]
    color, reasons = light_of(investment_progress(D("100"), D("35.00"), 6), milestones=milestones[1:])
    assert color == Light.YELLOW
    assert reasons == ["“开工”计划 2026-07-20，还有 10 天到期", "年度投资完成率 35.00%，滞后时序进度 15.00 个百分点"]


def test_add_months_clamps_to_the_month_end():
    assert lights.add_months(d("2026-11-30"), 3) == d("2027-02-28")
    assert lights.add_months(d("2026-01-31"), 1) == d("2026-02-28")


# ---------------------------------------------------------------- the same through the database
def _report(project, months: dict[int, str], year=2026):
    for month, amount in months.items():
        InvestmentReport.objects.create(project=project, month=d(f"{year}-{month:02d}-01"), amount=D(amount))


def test_section_6_vector_through_the_database(pw):
    project = pw.project(annual_plans={2026: D("647.4")})
    _report(project, {1: "60", 2: "60", 3: "60", 4: "60", 5: "60", 6: "60", 7: "60", 8: "60", 9: "60", 10: "89.00"})
    _report(project, {11: "500"})  # November is not yet assessed on 2026-11-15
    progress = selectors.progress_of(project, 2026, 10)
    assert (progress.plan, progress.done, progress.rate, progress.time_progress, progress.lag) == (
        D("647.40"),
        D("629.00"),
        D("97.16"),
        D("83.33"),
        D("-13.83"),
    )
    services.refresh_project(project, now=at("2026-11-15 08:00"))
    project.refresh_from_db()
    assert project.light == Light.GREEN
    assert "年度投资完成率 97.16%，超前时序进度 13.83 个百分点" in project.light_reason
    assert selectors.district_progress(Project.objects.all(), 2026, 10).rate == D("97.16")


@pytest.mark.parametrize(
    ("done", "color"),
    [("416.70", Light.GREEN), ("400.00", Light.YELLOW), ("200.00", Light.YELLOW), ("199.90", Light.RED)],
)
def test_month_6_vectors_through_the_database(pw, done, color):
    project = pw.project(annual_plans={2026: D("1000")})
    _report(project, {3: done})
    services.refresh_project(project, now=at("2026-07-10 08:00"))  # assessed: January–June
    project.refresh_from_db()
    assert project.light == color
    record = LightRecord.objects.get(project=project, month=d("2026-07-01"))
    assert (record.light, record.reason) == (project.light, project.light_reason)


def test_overdue_milestone_and_not_started_through_the_database(pw):
    project = pw.project(
        plan={"signed": d("2026-01-05"), "registered": d("2026-02-01"), "land": d("2026-03-01"), "started": d("2026-04-30")}
    )
    services.refresh_project(project, now=at("2026-02-03 08:00"))
    project.refresh_from_db()
    assert project.light == Light.RED
    assert project.light_reason.split("；") == ["“签约”计划 2026-01-05，逾期未签约", "“注册落地”计划 2026-02-01，逾期未注册落地"]
    for stage, day in [("signed", "2026-01-05"), ("registered", "2026-02-01"), ("land", "2026-03-01")]:
        services.reach_stage(project, actor=None, stage=stage, actual_date=d(day), today=d("2026-08-01"))
    services.refresh_project(project, now=at("2026-08-01 08:00"))
    project.refresh_from_db()
    assert project.stage == "land"
    assert (project.light, project.light_reason) == (Light.RED, "“开工”计划 2026-04-30，已逾期 3 个月以上仍未开工")


def test_the_light_policy_row_is_created_lazily_with_the_defaults(pw):
    LightPolicy.objects.all().delete()
    policy = LightPolicy.current()
    assert (policy.red_lag_pp, policy.yellow_lag_pp, policy.due_soon_days, policy.not_started_months) == (30, 10, 15, 3)
    assert LightPolicy.current().pk == policy.pk and LightPolicy.objects.count() == 1


def test_a_changed_policy_changes_the_light(pw):
    project = pw.project(annual_plans={2026: D("1000")})
    _report(project, {3: "400.00"})  # lag 10.00: yellow by default
    policy = LightPolicy.current()
    policy.yellow_lag_pp = D("12")
    policy.save()
    services.refresh_project(project, now=at("2026-07-10 08:00"))
    project.refresh_from_db()
    assert project.light == Light.GREEN
