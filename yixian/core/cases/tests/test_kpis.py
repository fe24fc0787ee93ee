"""Case KPIs (DOMAIN_RULES §5): every figure with its numerator and denominator, the drill-down
to exactly the cases behind it, the page, the .xlsx export, the API and the data scope.

March 2026 (no public holiday): each case below is built through the case service with an
explicit `now`, so its outcome is known. Deadlines: sign = end of the 1st working day after
dispatch, handle = end of the 5th.

  A 城管局  dispatched 03-02, signed on time, replied on time (3 wd), satisfied, resolved
  B 城管局  dispatched 03-02, signed LATE, replied LATE 03-12 (8 wd), basically satisfied, resolved
  C 城管局  dispatched 03-03, round 1 replied, UNSATISFIED → reopened 03-06; round 2 signed and
           replied on time (4 wd)
  D 城管局  dispatched 03-04, signed on time, extension +3 approved → due 03-16, replied 03-16 (8 wd)
  E 城管局  dispatched 03-09, never signed: late to sign, overdue
  F 住建局 → returned → 城管局 03-02, signed and replied on time (2 wd)
  H 住建局  same requester as A within 30 days (a repeat), on time (1 wd), satisfied, resolved
  M 住建局  basically satisfied but NOT resolved → reopened 03-06, never signed again: late, overdue
  L 左家新村社区 (received by 米市巷街道) signed on time, replied LATE (6 wd), satisfied, resolved
  I received 03-20, not dispatched (no responsible unit)
  J 城管局  dispatched 03-23, merged into D before its deadlines (a repeat; never due)
  K 城管局  dispatched in April (outside March)
"""

import io
from decimal import Decimal

import pytest
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient

from yixian.core.cases import kpis, services
from yixian.core.cases.models import Case
from yixian.framework.registry import registry

from .conftest import at

pytestmark = pytest.mark.django_db

LIST = "/cases/cases/"
PAGE = "/cases/kpis/"
EXPORT = "/cases/kpis/export/"

# code: (numerator, denominator, value) for the whole district, March 2026
TOTAL = {
    "sign_on_time": (6, 9, "66.67"),
    "close_on_time": (5, 9, "55.56"),
    "satisfaction": (5, 6, "83.33"),
    "resolution": (4, 6, "66.67"),
    "return": (1, 10, "10.00"),
    "overdue": (4, 9, "44.44"),
    "extension": (1, 9, "11.11"),
    "repeat": (2, 11, "18.18"),
    "handling_days": (32, 7, "4.57"),
}
# 区城管局: A B C D E F (+ J for return and repeat)
DEPT = {
    "sign_on_time": (4, 6, "66.67"),
    "close_on_time": (4, 6, "66.67"),
    "satisfaction": (2, 3, "66.67"),
    "resolution": (2, 3, "66.67"),
    "return": (1, 7, "14.29"),
    "overdue": (2, 6, "33.33"),
    "extension": (1, 6, "16.67"),
    "repeat": (1, 7, "14.29"),
    "handling_days": (25, 5, "5.00"),
}
# 左家新村社区 (L), all the street user may see with I (not dispatched)
COMMUNITY = {
    "sign_on_time": (1, 1, "100.00"),
    "close_on_time": (0, 1, "0.00"),
    "satisfaction": (1, 1, "100.00"),
    "resolution": (1, 1, "100.00"),
    "return": (0, 1, "0.00"),
    "overdue": (1, 1, "100.00"),
    "extension": (0, 1, "0.00"),
    "repeat": (0, 1, "0.00"),
    "handling_days": (6, 1, "6.00"),
}


def step(case, action, actor, now, **kw):
    case.refresh_from_db()
    return services.act(case, action, actor=actor, expected_version=case.version, now=at(now), **kw)


@pytest.fixture
def march(world, new_case):
    w = world
    d, h, o = w.dispatcher, w.handler, w.other_handler
    cases = {}

    def dispatched(key, received, dispatched_at, unit, phone):
        case = new_case(now=received, requester_phone=phone, title=f"工单 {key}")
        step(case, "dispatch", d, dispatched_at, target_unit=unit)
        cases[key] = case
        return case

    a = dispatched("A", "2026-03-02 09:00", "2026-03-02 10:00", w.dept, "13805710001")
    step(a, "sign", h, "2026-03-02 15:00")
    step(a, "reply", h, "2026-03-05 16:00", note="已取缔")
    step(a, "follow_up", d, "2026-03-06 10:00", satisfaction="satisfied", resolved=True)

    b = dispatched("B", "2026-03-02 09:00", "2026-03-02 10:00", w.dept, "13805710002")
    step(b, "sign", h, "2026-03-04 09:00")
    step(b, "reply", h, "2026-03-12 10:00", note="已处理")
    step(b, "follow_up", d, "2026-03-13 10:00", satisfaction="basic", resolved=True)

    c = dispatched("C", "2026-03-03 09:00", "2026-03-03 10:00", w.dept, "13805710003")
    step(c, "sign", h, "2026-03-03 11:00")
    step(c, "reply", h, "2026-03-05 10:00", note="已处理")
    step(c, "follow_up", d, "2026-03-06 10:00", satisfaction="unsatisfied", resolved=False)
    step(c, "sign", h, "2026-03-09 09:00")
    step(c, "reply", h, "2026-03-12 10:00", note="重新处理完毕")

    dd = dispatched("D", "2026-03-04 09:00", "2026-03-04 10:00", w.dept, "13805710004")
    step(dd, "sign", h, "2026-03-04 11:00")
    step(dd, "request_extension", h, "2026-03-06 09:00", note="需协调多部门", days=3)
    step(dd, "decide_extension", d, "2026-03-06 10:00", approve=True)
    step(dd, "reply", h, "2026-03-16 10:00", note="已处理")

    dispatched("E", "2026-03-09 09:00", "2026-03-09 10:00", w.dept, "13805710005")

    f = dispatched("F", "2026-03-02 09:00", "2026-03-02 10:00", w.dept2, "13805710006")
    step(f, "return", o, "2026-03-02 11:00", note="非本局职能")
    step(f, "dispatch", d, "2026-03-02 14:00", target_unit=w.dept)
    step(f, "sign", h, "2026-03-02 15:00")
    step(f, "reply", h, "2026-03-04 10:00", note="已处理")

    hh = dispatched("H", "2026-03-10 09:00", "2026-03-10 10:00", w.dept2, "13805710001")
    step(hh, "sign", o, "2026-03-10 11:00")
    step(hh, "reply", o, "2026-03-11 10:00", note="已处理")
    step(hh, "follow_up", d, "2026-03-12 10:00", satisfaction="satisfied", resolved=True)

    m = dispatched("M", "2026-03-03 09:00", "2026-03-03 10:00", w.dept2, "13805710007")
    step(m, "sign", o, "2026-03-03 11:00")
    step(m, "reply", o, "2026-03-05 10:00", note="已处理")
    step(m, "follow_up", d, "2026-03-06 10:00", satisfaction="basic", resolved=False)

    lc = new_case(
        now="2026-03-05 09:00", requester_phone="13805710008", title="工单 L", intake_unit=w.org.street_a, actor=w.street
    )
    cases["L"] = lc
    step(lc, "dispatch", w.street, "2026-03-05 10:00", target_unit=w.org.community_a)
    step(lc, "sign", w.community, "2026-03-05 11:00")
    step(lc, "reply", w.community, "2026-03-13 10:00", note="已处理")
    step(lc, "follow_up", w.street, "2026-03-16 10:00", satisfaction="satisfied", resolved=True)

    cases["I"] = new_case(now="2026-03-20 09:00", requester_phone="13805710009", title="工单 I")

    j = dispatched("J", "2026-03-23 09:00", "2026-03-23 10:00", w.dept, "13805710010")
    dd.refresh_from_db()
    step(j, "merge", d, "2026-03-23 11:00", into=dd)

    dispatched("K", "2026-04-01 09:00", "2026-04-01 10:00", w.dept, "13805710011")
    for case in cases.values():
        case.refresh_from_db()
    return cases


def period(code="2026-03"):
    return kpis.parse_period(code)


def scoped(user):
    return kpis.for_user(registry.resource_for(Case).get_queryset(user), user)


def assert_figures(values, expected):
    for code, (num, den, value) in expected.items():
        got = values[code]
        assert (got.numerator, got.denominator, got.value) == (num, den, Decimal(value)), code


def test_each_kpi_has_the_known_numerator_denominator_and_value(world, march):
    assert march["C"].reopen_count == 1 and march["M"].reopen_count == 1
    assert march["J"].state == "closed" and march["J"].duplicate_of == march["D"]
    assert march["H"].is_repeat and not march["A"].is_repeat
    total = kpis.total(scoped(world.dispatcher), period())
    assert_figures(total, TOTAL)
    by_unit = kpis.compute(scoped(world.dispatcher), period())
    assert_figures(by_unit[(world.dept.pk, None)], DEPT)
    assert_figures(by_unit[(world.org.community_a.pk, None)], COMMUNITY)
    dept2 = by_unit[(world.dept2.pk, None)]
    assert (dept2["sign_on_time"].numerator, dept2["sign_on_time"].denominator) == (1, 2)  # H on time, M's new round not signed
    assert (dept2["satisfaction"].numerator, dept2["satisfaction"].denominator) == (2, 2)
    assert (dept2["resolution"].numerator, dept2["resolution"].denominator) == (1, 2)
    none = by_unit[(None, None)]  # I: received, not dispatched
    assert (none["repeat"].numerator, none["repeat"].denominator) == (0, 1)
    assert none["sign_on_time"].denominator == 0 and none["sign_on_time"].value is None


def test_a_case_merged_before_its_deadlines_was_never_due(world, march):
    """J was dispatched, then merged into D the same morning: it counts as dispatched (return
    rate) but not as late to sign or overdue."""
    j = march["J"]
    for code in ("sign_on_time", "close_on_time", "overdue"):
        assert not kpis.drill(Case.objects.all(), code, "den", period()).filter(pk=j.pk).exists(), code
    assert kpis.drill(Case.objects.all(), "return", "den", period()).filter(pk=j.pk).exists()


def test_average_handling_time_is_the_sum_over_the_count(world, march):
    value = kpis.total(scoped(world.dispatcher), period())["handling_days"]
    assert value.numerator == 3 + 8 + 4 + 8 + 2 + 1 + 6  # A B C D F H L
    assert value.value == Decimal("4.57")  # 32 / 7 = 4.571…


def test_satisfaction_counts_basically_satisfied_unless_configured(world, march):
    dept = kpis.compute(scoped(world.dispatcher), period())[(world.dept.pk, None)]["satisfaction"]
    assert (dept.numerator, dept.denominator, dept.value) == (2, 3, Decimal("66.67"))  # A satisfied, B basic; C not
    with override_settings(YIXIAN_CASE_SATISFIED_ONLY=True):
        dept = kpis.compute(scoped(world.dispatcher), period())[(world.dept.pk, None)]["satisfaction"]
        assert (dept.numerator, dept.denominator, dept.value) == (1, 3, Decimal("33.33"))
        total = kpis.total(scoped(world.dispatcher), period())["satisfaction"]
        assert (total.numerator, total.denominator, total.value) == (3, 6, Decimal("50.00"))
        assert "不含基本满意" in str(total.kpi.numerator)


def test_the_drill_down_list_holds_exactly_the_cases_behind_each_figure(client, world, march):
    client.force_login(world.dispatcher)
    expected = {
        ("sign_on_time", "num"): {"A", "C", "D", "F"},
        ("sign_on_time", "den"): {"A", "B", "C", "D", "E", "F"},
        ("close_on_time", "num"): {"A", "C", "D", "F"},
        ("overdue", "num"): {"B", "E"},
        ("extension", "num"): {"D"},
        ("return", "num"): {"F"},
        ("satisfaction", "num"): {"A", "B"},
        ("repeat", "num"): {"J"},
        ("handling_days", "den"): {"A", "B", "C", "D", "F"},
    }
    for (code, part), keys in expected.items():
        response = client.get(LIST, {"kpi": code, "part": part, "period": "2026-03", "responsible_unit": world.dept.pk})
        assert response.status_code == 200
        assert response.context["total"] == len(keys), (code, part)
        titles = {row.record.title for row in response.context["table"].page.object_list}
        assert titles == {f"工单 {k}" for k in keys}, (code, part)
    # every figure of the district row and total: list count = numerator (or denominator)
    for code, (num, den, _v) in TOTAL.items():
        for part, count in (("num", num), ("den", den)):
            if code == "handling_days" and part == "num":
                continue
            response = client.get(LIST, {"kpi": code, "part": part, "period": "2026-03"})
            assert response.context["total"] == count, (code, part)
    # the row of cases not dispatched yet
    response = client.get(LIST, {"kpi": "repeat", "part": "den", "period": "2026-03", "responsible_unit": "null"})
    assert response.context["total"] == 1


def test_the_page_shows_every_figure_with_its_denominator_and_links(client, world, march):
    client.force_login(world.dispatcher)
    response = client.get(PAGE, {"period": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026 年 3 月" in html and "全区" in html
    assert "按时办结率 55.56%（5/9，办理期限在本期的工单）" in html
    assert "按时签收率 66.67%（6/9，本期派单且应签收的工单）" in html
    assert "满意率 83.33%（5/6，本期有效回访）" in html
    assert "平均办理用时 4.57 个工作日（32/7" in html
    report = response.context["report"]
    rows = {row.label: row for row in report.rows}
    assert set(rows) == {"区城管局", "区住建局", "左家新村社区", "无责任单位（尚未派单）"}
    assert report.rows[-1].unit is None  # the cases not dispatched yet come last
    cells = {c["code"]: c for c in rows["区城管局"].cells}
    for code, (num, den, value) in DEPT.items():
        assert cells[code]["value"].numerator == num and cells[code]["value"].denominator == den, code
        assert cells[code]["display"].startswith(value) and f">{cells[code]['display']}</a>" in html, code
    # the cells link to the drill-down and the counts there agree
    url = cells["close_on_time"]["num_url"]
    assert f'href="{url.replace("&", "&amp;")}"' in html
    assert f"responsible_unit={world.dept.pk}" in url and "part=num" in url and "kpi=close_on_time" in url
    assert client.get(url).context["total"] == 4
    assert client.get(cells["close_on_time"]["den_url"]).context["total"] == 6
    # charts: data as JSON, code in a static file; nothing inline
    data = response.context["chart_data"]
    bar = {row["name"]: row for row in data["bar"]["rows"]}
    assert bar["区城管局"]["value"] == 66.67 and (bar["区城管局"]["num"], bar["区城管局"]["den"]) == (4, 6)
    assert "无责任单位（尚未派单）" not in bar  # nothing due there
    trend = data["trend"]
    assert trend["months"][0] == "2025-04" and trend["months"][-1] == "2026-03" and len(trend["months"]) == 12
    close = next(s for s in trend["series"] if s["code"] == "close_on_time")
    assert close["values"][-1] == 55.56 and close["values"][0] is None
    assert 'id="kpi-data" type="application/json"' in html
    assert "yixian/case_kpis.js" in html and "vendor/echarts/echarts.min.js" in html
    scripts = [tag for tag in html.split("<script")[1:] if "src=" not in tag.split(">")[0]]
    assert all('type="application/json"' in tag.split(">")[0] for tag in scripts)
    assert ' style="' not in html
    assert 'class="table-responsive"' in html  # the table scrolls on a phone


def test_the_unit_filter_narrows_the_page_to_one_responsible_unit(client, world, march):
    client.force_login(world.dispatcher)
    response = client.get(PAGE, {"period": "2026-03", "unit": world.dept.pk})
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.label for row in report.rows] == ["区城管局"]
    assert_figures(report.total.values, DEPT)
    cell = next(c for c in report.total.cells if c["code"] == "sign_on_time")
    assert f"responsible_unit={world.dept.pk}" in cell["num_url"]
    assert client.get(cell["num_url"]).context["total"] == 4


def test_a_bad_or_future_period_or_unit_gives_a_message(client, world, march):
    client.force_login(world.dispatcher)
    for text, words in (
        ("2026-13", "格式不对"),
        ("hello", "格式不对"),
        ("2099-01", "尚未到来"),
        ("9999", "尚未到来"),
        ("0000", "太早"),
    ):
        response = client.get(PAGE, {"period": text})
        assert response.status_code == 400, text
        html = response.content.decode()
        assert words in html and 'id="kpi-error"' in html, text
        assert client.get(EXPORT, {"period": text}).status_code == 400
        api = APIClient()
        api.force_authenticate(world.dispatcher)
        answer = api.get("/api/cases/cases/kpis/", {"period": text})
        assert answer.status_code == 400 and words in answer.json()["detail"], text
    response = client.get(PAGE, {"period": "2026-03", "unit": world.dept2.pk + 1000})
    assert response.status_code == 400 and "不在您的数据范围内" in response.content.decode()


def test_export_has_the_same_numbers_and_the_definitions(client, world, march):
    client.force_login(world.dispatcher)
    response = client.get(EXPORT, {"period": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["考核指标"]
    assert "2026 年 3 月" in ws["B2"].value and ws["B3"].value == "全区"
    header = [c.value for c in ws[6]]
    assert header[0] == "责任单位" and header[1] == "按时签收率" and header[4] == "按时办结率"
    assert [c.value for c in ws[7]][1:4] == ["指标值", "分子", "分母"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=8) if r[0].value}
    assert set(rows) == {"区城管局", "区住建局", "左家新村社区", "无责任单位（尚未派单）", "合计"}
    for label, expected in (("区城管局", DEPT), ("合计", TOTAL)):
        row = rows[label]
        for i, code in enumerate(kpis.KPI_CODES):
            num, den, value = expected[code]
            cell = row[1 + i * 3]
            assert (row[2 + i * 3].value, row[3 + i * 3].value) == (num, den), (label, code)
            assert isinstance(cell.value, int | float)  # a number, not text
            if code == "handling_days":
                assert cell.value == float(value) and cell.number_format == "0.00"
            else:
                assert cell.value == pytest.approx(float(value) / 100) and cell.number_format == "0.00%"
    assert rows["无责任单位（尚未派单）"][1].value is None  # nothing to sign: no rate, not 0
    definitions = wb["指标说明"]
    lines = {r[0].value: [c.value for c in r] for r in definitions.iter_rows(min_row=2)}
    assert lines["按时办结率"][1] == "在（延期后）期限内答复的工单" and lines["按时办结率"][2] == "办理期限在本期的工单"
    assert lines["满意率"][1] == "满意与基本满意" and lines["满意率"][2] == "本期有效回访"
    assert len(lines) == len(kpis.KPI_CODES)


def test_a_street_user_sees_only_their_units_figures(client, world, march):
    # every case above happened in 左家新村社区, so the street sees them all in the case list …
    visible = registry.resource_for(Case).get_queryset(world.street)
    assert visible.filter(title="工单 A").exists()
    # … but its KPIs count only the responsible units in its scope (and what is not dispatched yet)
    client.force_login(world.street)
    response = client.get(PAGE, {"period": "2026-03"})
    assert response.status_code == 200
    report = response.context["report"]
    assert {row.label for row in report.rows} == {"左家新村社区", "无责任单位（尚未派单）"}
    html = response.content.decode()
    assert "区城管局" not in html and "区住建局" not in html
    assert "米市巷" in report.scope_label
    assert_figures(next(r for r in report.rows if r.label == "左家新村社区").values, COMMUNITY)
    assert report.total.values["repeat"].denominator == 2  # L and I
    # the whole-scope drill-down gives the same cases, not the departments' ones
    cell = next(c for c in report.total.cells if c["code"] == "sign_on_time")
    listed = client.get(cell["den_url"])
    assert listed.context["total"] == 1
    assert {row.record.title for row in listed.context["table"].page.object_list} == {"工单 L"}
    # a unit outside the scope cannot be chosen
    assert client.get(PAGE, {"period": "2026-03", "unit": world.dept.pk}).status_code == 400
    api = APIClient()
    api.force_authenticate(world.street)
    rows = api.get("/api/cases/cases/kpis/", {"period": "2026-03", "by": "unit"}).json()["rows"]
    assert {row["unit"] for row in rows} == {world.org.community_a.pk, None}


def test_the_api_returns_the_same_numbers(world, march):
    api = APIClient()
    api.force_authenticate(world.dispatcher)
    body = api.get("/api/cases/cases/kpis/", {"period": "2026-03", "by": "unit"}).json()
    assert body["period"] == "2026-03"
    rows = {row["unit"]: row["kpis"] for row in body["rows"]}
    for code, (num, den, value) in DEPT.items():
        got = rows[world.dept.pk][code]
        assert (got["numerator"], got["denominator"]) == (num, den), code
        assert Decimal(str(got["value"])) == Decimal(value), code
    total = api.get("/api/cases/cases/kpis/", {"period": "2026-03", "by": "total"}).json()["rows"][0]["kpis"]
    for code, (num, den, value) in TOTAL.items():
        assert (total[code]["numerator"], total[code]["denominator"]) == (num, den), code
        assert Decimal(str(total[code]["value"])) == Decimal(value), code
    months = api.get("/api/cases/cases/kpis/", {"period": "2026", "by": "month"}).json()["rows"]
    march_row = next(r for r in months if r["month"] == "2026-03")["kpis"]
    assert (march_row["close_on_time"]["numerator"], march_row["close_on_time"]["denominator"]) == (5, 9)


def test_the_page_needs_the_view_permission(client, world):
    from yixian.framework.testing.fixtures import make_user

    client.force_login(make_user("t_noperm", units=[world.org.street_a], roles=[]))
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_year_period_adds_up_its_months(client, world, march):
    client.force_login(world.dispatcher)
    year = client.get(PAGE, {"period": "2026"}).context["report"]
    # K (dispatched in April) joins the year's sign and return denominators
    assert year.total.values["return"].denominator == TOTAL["return"][1] + 1
    assert year.total.values["sign_on_time"].denominator == TOTAL["sign_on_time"][1] + 1


def test_every_rounds_follow_up_counts_not_only_the_last(world, new_case):
    """Unsatisfied, reopened, then satisfied: two valid follow-ups, one satisfied (50%), not 100%."""
    case = new_case(now="2026-05-04 09:00")
    step(case, "dispatch", world.dispatcher, "2026-05-04 10:00", target_unit=world.dept)
    step(case, "sign", world.handler, "2026-05-04 11:00")
    step(case, "reply", world.handler, "2026-05-05 11:00", note="已处理")
    step(case, "follow_up", world.dispatcher, "2026-05-06 10:00", satisfaction="unsatisfied", resolved=False)
    step(case, "sign", world.handler, "2026-05-06 11:00")
    step(case, "reply", world.handler, "2026-05-07 11:00", note="已彻底整改")
    step(case, "follow_up", world.dispatcher, "2026-05-08 10:00", satisfaction="satisfied", resolved=True)
    case.refresh_from_db()
    assert case.state == "closed" and case.satisfaction == "satisfied"
    values = kpis.total(scoped(world.dispatcher), kpis.parse_period("2026-05"))
    assert (values["satisfaction"].numerator, values["satisfaction"].denominator, values["satisfaction"].value) == (1, 2, Decimal("50.00"))
    assert (values["resolution"].numerator, values["resolution"].denominator) == (1, 2)
    drilled = kpis.drill(scoped(world.dispatcher), "satisfaction", "den", kpis.parse_period("2026-05"))
    assert list(drilled) == [case]
