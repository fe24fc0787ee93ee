"""Each registered indicator equals a count built by hand, narrowed by scope, unit and period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yixian.core.cases import services as case_services
from yixian.core.indicators.base import Query, get
from yixian.framework.periods import parse_period
from yixian.framework.scope import Scope, compute_scope
from yixian.modules.projects import services
from yixian.modules.projects.models import Light, LightRecord, Project, Stage

from .conftest import at, d

D = Decimal
NOW = at("2026-03-20 10:00")
EVERYTHING = Scope(everything=True)

CODES = [
    "projects.total",
    *[f"projects.by_stage.{s}" for s in Stage.values],
    "projects.red",
    "projects.yellow",
    "projects.green",
    "projects.investment_rate",
    "projects.investment_done",
    "projects.blockers_raised",
    "projects.blockers_resolved",
    "projects.blockers_on_time",
    "projects.visits",
    "groups.count",
    "groups.members",
    "groups.cadres.professional",
    "groups.cadres.second_line",
    "groups.cadres.young",
]


def value(code, *, scope=EVERYTHING, period="2026-03", unit=None, now=NOW):
    q = Query(scope=scope, period=parse_period(period, today=now.date()), unit=unit, now=now)
    return get(code)(q)


def test_every_listed_indicator_is_registered_by_projects():
    for code in CODES:
        assert get(code).module == "projects", code


@pytest.fixture
def data(pw):
    """A (street A, SG01, 发改局): signed, red; B (street B, SG02, 住建局): nothing reached, green;
    C: cancelled (counted nowhere)."""
    a = pw.project(plan={"signed": d("2026-01-05"), "registered": d("2026-02-10")}, annual_plans={2026: D("1000")})
    b = pw.project(
        code="GS2026-002",
        name="运河文化街区",
        org_unit=pw.street_b,
        service_group=pw.sg2,
        lead_department=pw.zjj,
        annual_plans={2026: D("500")},
    )
    c = pw.project(code="GS2026-003", name="已终止项目", org_unit=pw.street_b, service_group=None)
    Project.objects.filter(pk=c.pk).update(status="cancelled")
    services.reach_stage(a, actor=None, stage="signed", actual_date=d("2026-01-06"), today=d("2026-03-01"))
    services.report_investment(a, actor=None, month=d("2026-01-01"), amount=D("100"), today=d("2026-03-01"))
    services.report_investment(a, actor=None, month=d("2026-03-01"), amount=D("50.5"), today=d("2026-03-20"))
    services.report_investment(b, actor=None, month=d("2026-02-01"), amount=D("99.5"), today=d("2026-03-01"))
    # blockers: one raised in February and answered on time, one raised in March, one on B overdue
    b1 = services.raise_blocker(
        a, actor=pw.cadre, title="用地", description="用地指标。", kind="land", department=pw.fgj, now=at("2026-02-24 09:00")
    )
    case_services.act(b1.case, "sign", actor=pw.handler, now=at("2026-02-25 09:00"))
    case_services.act(b1.case, "reply", actor=pw.handler, note="已解决。", now=at("2026-03-03 09:00"))
    services.raise_blocker(
        a, actor=pw.cadre, title="审批", description="许可。", kind="approval", department=pw.fgj, now=at("2026-03-10 09:00")
    )
    services.raise_blocker(
        b, actor=pw.cadre2, title="电力", description="增容。", kind="infra", department=pw.zjj, now=at("2026-02-26 09:00")
    )
    services.log_visit(a, actor=pw.cadre, occurred_on=d("2026-03-05"), findings="走访。", today=d("2026-03-05"))
    services.log_visit(a, actor=pw.cadre, occurred_on=d("2026-02-05"), findings="走访。", today=d("2026-03-05"))
    services.log_visit(b, actor=pw.cadre2, occurred_on=d("2026-03-06"), findings="走访。", today=d("2026-03-06"))
    for project in (a, b):
        services.refresh_project(project, now=NOW)
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b, c


def test_project_counts_lights_and_stages(pw, data):
    a, b, _c = data
    assert a.light == Light.RED  # 注册落地 planned 2026-02-10 not reached
    assert "堵点“电力”" in b.light_reason  # B's blocker is past its deadline
    assert b.light == Light.RED
    assert value("projects.total").value == 2
    assert value("projects.red").value == 2
    assert value("projects.green").value == value("projects.yellow").value == 0
    assert value("projects.by_stage.signed").value == 1
    assert value("projects.by_stage.started").value == 0
    assert value("projects.total", unit=pw.street_a).value == 1
    assert value("projects.total", unit=pw.sg2).value == 1
    assert value("projects.total", unit=pw.fgj).value == 1
    assert list(value("projects.red", unit=pw.street_b).records) == [b]


def test_a_past_month_uses_the_light_records(pw, data):
    a, b, _c = data
    for project, light in ((a, Light.YELLOW), (b, Light.GREEN)):
        LightRecord.objects.update_or_create(project=project, month=d("2026-02-01"), defaults={"light": light, "reason": "…"})
    assert value("projects.yellow", period="2026-02").value == 1
    assert value("projects.green", period="2026-02").value == 1
    assert value("projects.red", period="2026-02").value == 0


def test_investment(pw, data):
    # the year through March: done 100 + 50.5 + 99.5 = 250 of a plan of 1500 → 16.67 %
    rate = value("projects.investment_rate")
    assert (rate.value, rate.numerator, rate.denominator) == (D("16.67"), D("250.0"), D("1500"))
    assert value("projects.investment_rate", unit=pw.street_a).value == D("15.05")  # 150.5 / 1000
    assert value("projects.investment_rate", period="2026-01").value == D("6.67")  # 100 / 1500
    assert value("projects.investment_done").value == D("50.50")  # March only
    assert value("projects.investment_done", period="2026").value == D("250.00")
    assert value("projects.investment_done", period="2026", unit=pw.street_b).value == D("99.50")


def test_blockers_and_visits(pw, data):
    assert value("projects.blockers_raised").value == 1  # March
    assert value("projects.blockers_raised", period="2026-02").value == 2
    assert value("projects.blockers_raised", period="2026").value == 3
    assert value("projects.blockers_raised", period="2026", unit=pw.street_b).value == 1
    assert value("projects.blockers_resolved").value == 1
    assert value("projects.blockers_resolved", period="2026-02").value == 0
    # due in March so far: the first (answered on time) and B's (overdue); the third is due after 03-20
    on_time = value("projects.blockers_on_time")
    assert (on_time.value, on_time.numerator, on_time.denominator) == (D("50.00"), 1, 2)
    assert value("projects.blockers_on_time", unit=pw.street_a).value == D("100.00")
    assert value("projects.blockers_on_time", period="2026-02").value is None  # nothing due: no rate
    assert value("projects.visits").value == 2
    assert value("projects.visits", period="2026").value == 3
    assert value("projects.visits", unit=pw.sg2).value == 1
    assert value("projects.visits", unit=pw.street_a).value == 1


def test_a_users_scope_narrows_every_indicator(pw, data):
    scope = compute_scope(pw.street, on=d("2026-03-20"))  # street A only
    assert value("projects.total", scope=scope).value == 1
    assert value("projects.red", scope=scope).value == 1
    assert value("projects.blockers_raised", scope=scope, period="2026").value == 2
    assert value("projects.visits", scope=scope, period="2026").value == 2
    assert value("projects.investment_done", scope=scope, period="2026").value == D("150.50")
    cadre2 = compute_scope(pw.cadre2, on=d("2026-03-20"))  # SG02
    assert value("projects.total", scope=cadre2).value == 1
    assert value("projects.visits", scope=cadre2).value == 1
    assert value("projects.total", scope=Scope()).value == 0


def test_group_counts_distinct_active_members(pw):
    pw.member("专一", pw.sg1, cadre_type="professional")
    pw.member("专二", pw.sg2, cadre_type="professional")
    young = pw.member("青一", pw.sg1, cadre_type="young")
    from yixian.core.orgs.models import Membership

    Membership.objects.create(person=young, org_unit=pw.sg2, start_date=d("2025-06-01"))  # in two groups: one person
    pw.member("二线", pw.sg2, cadre_type="second_line", start="2024-01-01", end="2026-02-28")  # left before March
    pw.member("新人", pw.sg2, cadre_type="second_line", start="2026-04-01")  # not yet
    pw.member("街道干部", pw.street_a, cadre_type="young")  # not in a group
    # the fixture users p_fuwuzu (SG01, professional) and p_fuwuzu2 (SG02, no type) are members too
    assert value("groups.count").value == 2
    assert value("groups.members").value == 5
    assert value("groups.cadres.professional").value == 3
    assert value("groups.cadres.young").value == 1
    assert value("groups.cadres.second_line").value == 0
    assert value("groups.cadres.second_line", period="2026-02").value == 1
    assert value("groups.members", unit=pw.sg2).value == 3
    assert value("groups.count", unit=pw.sg2).value == 1
    assert value("groups.members", scope=compute_scope(pw.cadre, on=d("2026-03-20"))).value == 3
    assert {p.name for p in value("groups.cadres.professional").records} == {"专一", "专二", "p_fuwuzu"}


@pytest.mark.parametrize("period", ["2026-03", "2026-02"])
def test_each_grouped_ranking_equals_one_compute_per_unit(pw, data, period):
    """A projects indicator's `rank` (one grouped query) gives every street, group and
    department exactly the figure its own compute gives (this month live, a past month from
    the light records)."""
    import dataclasses

    from yixian.core.indicators import services as indicator_services
    from yixian.core.orgs.models import OrgUnit

    a, b, _c = data
    LightRecord.objects.update_or_create(project=a, month=d("2026-02-01"), defaults={"light": Light.RED, "reason": "…"})
    q = Query(scope=EVERYTHING, period=parse_period(period, today=NOW.date()), now=NOW)
    units = list(OrgUnit.objects.filter(kind__in=["street", "service_group", "department"]))
    checked = 0
    for code in CODES:
        indicator = get(code)
        if indicator.rank is None:
            continue
        ranked = indicator.rank(q, units)
        for unit in units:
            assert ranked[unit.pk].value == indicator.compute(dataclasses.replace(q, unit=unit)).value, (code, unit.code)
        checked += 1
    assert checked >= 12  # total, 8 stages, 3 lights
    red_by_street = dict((u.code, r.value) for u, r in indicator_services.ranking("projects.red", q))
    assert red_by_street[pw.street_a.code] == 1
