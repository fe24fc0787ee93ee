"""The indicator registry and services: registered indicators, values equal to hand counts
and to the case KPI page, scope, targets, snapshots and trends, pages, export and API.

The case figures reuse the case KPI fixture of March 2026 (yixian/core/cases/tests/test_kpis.py),
whose every numerator and denominator is known (TOTAL, COMMUNITY there).
"""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from yixian.core.cases import kpis
from yixian.core.cases.models import Case
from yixian.core.cases.tests.conftest import at
from yixian.core.cases.tests.test_kpis import COMMUNITY, TOTAL
from yixian.core.indicators import base, services
from yixian.core.indicators.models import DashboardItem, Snapshot, Target
from yixian.core.indicators.tasks import snapshot_month
from yixian.framework.periods import parse_period
from yixian.framework.registry import registry
from yixian.framework.scope import Scope
from yixian.framework.testing.fixtures import make_role, make_user
from yixian.modules.riders.models import RiderStation, StationStatus

pytestmark = pytest.mark.django_db

VIEW = ["indicators.view_dashboarditem", "indicators.view_target", "indicators.view_snapshot", "cases.view_case"]
TODAY = dt.date(2026, 11, 27)
NOW = at("2026-11-27 10:00")


def march_period():
    return parse_period("2026-03", today=TODAY)


@pytest.fixture
def viewers(world):
    district = make_role("t_ind_all", [*VIEW, "riders.view_riderstation", "orgs.view_orgunit"], data_scope="all")
    street = make_role("t_ind_street", [*VIEW, "riders.view_riderstation", "orgs.view_orgunit"])
    return {
        "district": make_user("t_ind_leader", units=[world.org.district], roles=[district]),
        "street": make_user("t_ind_mishi", units=[world.org.street_a], roles=[street]),
    }


@pytest.fixture
def stations(world):
    org = world.org
    rows = [
        ("驿站甲", org.street_a, StationStatus.OPEN, None),
        ("驿站乙", org.community_a, StationStatus.OPEN, dt.date(2026, 1, 10)),
        ("驿站丙", org.street_a, StationStatus.OPEN, dt.date(2026, 9, 1)),  # opened after March
        ("驿站丁", org.street_a, StationStatus.CLOSED, None),
        ("驿站戊", org.street_b, StationStatus.OPEN, None),
    ]
    return [RiderStation.objects.create(name=n, org_unit=u, address="测试路 1 号", status=s, opened_on=d) for n, u, s, d in rows]


def district_query(period="2026-03", unit=None, now=NOW):
    return services.query_for(scope=Scope(everything=True), unit=unit, period=parse_period(period, today=TODAY), now=now)


def value_of(code, q):
    return services.evaluate_one(code, q).result


# ---------------------------------------------------------------- the registry
def test_every_indicator_is_fully_declared_and_codes_are_unique():
    indicators = base.all_indicators()
    codes = [i.code for i in indicators]
    assert len(codes) == len(set(codes))
    for i in indicators:
        assert re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", i.code), i.code
        assert str(i.name).strip() and i.name_en.strip() and str(i.unit).strip() and str(i.definition).strip(), i.code
        assert i.module in registry.modules, i.code
        assert i.kind in ("count", "rate", "average", "amount"), i.code
        assert callable(i.compute)
    for code in (
        "cases.close_on_time",
        "cases.satisfaction",
        "cases.received",
        "cases.overdue_open",
        "riders.stations",
        "orgs.streets",
    ):
        assert code in codes
    assert {f"cases.{c}" for c in kpis.KPI_CODES} <= set(codes)


def test_the_committed_doc_lists_every_registered_code():
    text = (Path(settings.BASE_DIR) / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [i.code for i in base.all_indicators() if f"`{i.code}`" not in text]
    assert not missing, f"docs/indicators.md is stale (run manage.py indicators_doc): {missing}"


def test_the_default_dashboard_items_are_seeded_once():
    items = DashboardItem.objects.filter(dashboard="district")
    codes = set(items.values_list("code", flat=True))
    assert {"groups.count", "riders.stations", "projects.red", "cases.close_on_time", "cases.satisfaction"} <= codes
    count = items.count()
    assert services.ensure_defaults() == 0
    DashboardItem.objects.all().delete()
    assert services.ensure_defaults() == len(services.DEFAULT_ITEMS)
    assert services.ensure_defaults() == 0
    assert DashboardItem.objects.count() == count


# ---------------------------------------------------------------- values
def test_case_indicators_are_the_kpi_pages_figures_and_records(world, march):
    q = district_query()
    evaluated = {e.indicator.code: e for e in services.evaluate([f"cases.{c}" for c in kpis.KPI_CODES], q)}
    for code, (num, den, value) in TOTAL.items():
        result = evaluated[f"cases.{code}"].result
        assert (result.numerator, result.denominator, result.value) == (num, den, Decimal(value)), code
        assert evaluated[f"cases.{code}"].display == (f"{value}%" if code != "handling_days" else value)
        den_cases = set(services.records(f"cases.{code}", q, "den").values_list("pk", flat=True))
        assert den_cases == set(kpis.drill(Case.objects.all(), code, "den", march_period(), now=NOW).values_list("pk", flat=True))
        assert len(den_cases) == den or code in ("satisfaction", "resolution")  # follow-ups, not cases, are counted there
    num_cases = set(services.records("cases.close_on_time", q, "num").values_list("title", flat=True))
    assert len(num_cases) == TOTAL["close_on_time"][0]


def test_counts_equal_hand_counts(world, march, stations):
    q = district_query()
    # March: A B C D E F H M L I J received (K in April)
    assert value_of("cases.received", q).value == 11
    assert value_of("cases.received", district_query("2026-04")).value == 1
    # stations open at the end of March: 甲 乙 戊 (丙 opened in September, 丁 closed)
    assert value_of("riders.stations", q).value == 3
    assert value_of("riders.stations", district_query("2026-10")).value == 4
    assert value_of("riders.stations", district_query("2026-03", unit=world.org.street_a)).value == 2
    # a station being upgraded is still built; one still planned is not
    for name, status in (("驿站己", StationStatus.UPGRADING), ("驿站庚", StationStatus.PLANNED)):
        RiderStation.objects.create(name=name, org_unit=world.org.street_b, address="测试路 2 号", status=status)
    assert value_of("riders.stations", q).value == 4
    assert value_of("orgs.streets", q).value == 2
    # open and past the current deadline now: E, M (reopened) and K never signed; C, D and F
    # replied but never followed up (the follow-up deadline has passed)
    overdue = value_of("cases.overdue_open", q)
    assert set(overdue.records.values_list("title", flat=True)) == {"工单 E", "工单 M", "工单 K", "工单 C", "工单 D", "工单 F"}
    assert overdue.value == 6
    # before any of it was due, nothing was overdue
    assert value_of("cases.overdue_open", district_query("2026-03", now=at("2026-03-02 08:00"))).value == 0


def test_a_period_with_no_data_is_none_shown_as_a_dash(world):
    e = services.evaluate_one("cases.close_on_time", district_query("2026-02"))
    assert e.result.value is None and e.display == "—"
    assert services.evaluate_one("cases.received", district_query("2026-02")).display == "0"


# ---------------------------------------------------------------- scope
def test_a_street_worker_sees_only_their_streets_figures(world, march, stations, viewers):
    street = viewers["street"]
    q = services.query_for(user=street, period=march_period(), now=NOW)
    assert value_of("riders.stations", q).value == 2  # 甲 乙, not 戊 of 湖墅
    assert value_of("orgs.streets", q).value == 1
    # the case KPIs count the responsible units in the street (L) and what is not dispatched (I)
    sat = value_of("cases.sign_on_time", q)
    assert (sat.numerator, sat.denominator) == COMMUNITY["sign_on_time"][:2]
    assert value_of("cases.repeat", q).denominator == 2
    q_street = services.query_for(user=street, unit=world.org.street_a, period=march_period(), now=NOW)
    for code, (num, den, value) in COMMUNITY.items():
        result = value_of(f"cases.{code}", q_street)
        assert (result.numerator, result.denominator, result.value) == (num, den, Decimal(value)), code
    with pytest.raises(services.IndicatorScopeError):
        services.query_for(user=street, unit=world.org.street_b, period=march_period())
    # a street's ranking lists only the street itself
    assert [u.code for u, _r in services.ranking("riders.stations", q)] == [world.org.street_a.code]


def test_the_district_ranking_is_best_first(world, stations):
    rows = services.ranking("riders.stations", district_query("2026-10"))
    assert [(u.code, r.value) for u, r in rows] == [(world.org.street_a.code, 3), (world.org.street_b.code, 1)]


# ---------------------------------------------------------------- targets
def test_targets_and_status(world, march, stations):
    Target.objects.create(code="cases.close_on_time", year=2026, value=Decimal("90"))
    Target.objects.create(code="cases.return", year=2026, value=Decimal("20"))
    Target.objects.create(code="riders.stations", year=2026, value=Decimal("3"))
    Target.objects.create(code="riders.stations", year=2026, org_unit=world.org.street_a, value=Decimal("5"))
    Target.objects.create(code="riders.stations", year=2025, value=Decimal("1"))
    by_code = {e.indicator.code: e for e in services.evaluate(None, district_query())}
    assert (by_code["cases.close_on_time"].target, by_code["cases.close_on_time"].status) == (Decimal("90"), "behind")
    assert by_code["cases.return"].status == "met"  # 10% ≤ 20%: lower is better
    assert (by_code["riders.stations"].target, by_code["riders.stations"].status) == (Decimal("3"), "met")
    assert by_code["cases.satisfaction"].target is None and by_code["cases.satisfaction"].status is None
    street = {e.indicator.code: e for e in services.evaluate(None, district_query(unit=world.org.street_a))}
    assert (street["riders.stations"].target, street["riders.stations"].status) == (Decimal("5"), "behind")
    assert street["cases.close_on_time"].target == Decimal("90")  # a rate: the district's target applies
    b = services.evaluate_one("riders.stations", district_query(unit=world.org.street_b))
    assert b.target is None  # a count: the district's total is no street's target
    assert services.evaluate_one("cases.close_on_time", district_query("2026-02")).status is None  # no value


# ---------------------------------------------------------------- snapshots and trends
def test_the_snapshot_task_stores_and_recomputes(world, stations):
    result = snapshot_month.call(period="2026-10", now_iso="2026-11-27T10:00:00+08:00")
    n_units = 1 + 2  # the district and two streets (no service group in this fixture)
    assert result["stored"]["2026-10"] == n_units * len(base.all_indicators())
    row = Snapshot.objects.get(code="riders.stations", org_unit__isnull=True, period="2026-10")
    assert row.value == 4
    street = Snapshot.objects.get(code="riders.stations", org_unit=world.org.street_b, period="2026-10")
    assert street.value == 1
    first = row.computed_at
    RiderStation.objects.create(name="驿站己", org_unit=world.org.street_b, address="测试路 2 号")
    services.snapshot(parse_period("2026-10", today=TODAY), codes=["riders.stations"], now=NOW)
    row.refresh_from_db()
    assert row.value == 5 and row.computed_at > first
    assert Snapshot.objects.filter(code="riders.stations", period="2026-10").count() == n_units  # replaced, not added
    # the default run snapshots last month and this month
    assert set(snapshot_month.call(now_iso="2026-11-27T10:00:00+08:00")["stored"]) == {"2026-10", "2026-11"}


def test_trend_reads_snapshots_and_computes_missing_months_live(world, stations):
    Snapshot.objects.create(code="riders.stations", period="2026-08", value=Decimal("17"), computed_at=timezone.now())
    points = dict(services.trend("riders.stations", district_query("2026-10"), months=12))
    assert list(points)[0] == "2025-11" and list(points)[-1] == "2026-10"
    assert points["2026-08"] == 17  # the stored value, not a recount
    assert points["2026-09"] == 4 and points["2026-07"] == 3  # live: 丙 opened on 09-01
    assert Snapshot.objects.count() == 1  # live values are not stored


def test_previous_month_and_change_come_from_snapshots(world, stations):
    q = district_query("2026-10")
    assert services.evaluate_one("riders.stations", q).previous is None
    services.snapshot(parse_period("2026-09", today=TODAY), codes=["riders.stations"], units=[None], now=NOW)
    Snapshot.objects.filter(period="2026-09").update(value=Decimal("2"))
    e = services.evaluate_one("riders.stations", q)
    assert (e.previous, e.change, e.display) == (2, 2, "4")


# ---------------------------------------------------------------- pages
def test_the_list_page_shows_every_indicator_with_value_target_and_links(client, world, march, viewers):
    Target.objects.create(code="cases.close_on_time", year=2026, value=Decimal("90"))
    client.force_login(viewers["district"])
    response = client.get("/indicators/", {"period": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    rows = {r["code"]: r for r in response.context["rows"]}
    assert set(rows) == {i.code for i in base.all_indicators()}
    assert rows["cases.close_on_time"]["e"].display == "55.56%"
    assert "55.56%" in html and "未达标" in html
    assert rows["cases.close_on_time"]["num_url"] in html.replace("&amp;", "&")
    assert re.search(r">5</a>/<a [^>]*>9</a>", html)  # numerator / denominator of 按时办结率
    assert "<polyline" in html or all(not r["spark"] for r in rows.values())


def test_the_records_page_lists_the_records_behind_a_figure(client, world, march, viewers):
    client.force_login(viewers["district"])
    url = services.drill_url("cases.close_on_time", district_query(), "num")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["total"] == TOTAL["close_on_time"][0]
    html = response.content.decode()
    assert "/cases/cases/" in html  # rows link to the cases through the case resource
    assert "按时办结率" in html
    den = client.get(services.drill_url("cases.close_on_time", district_query(), "den"))
    assert den.context["total"] == TOTAL["close_on_time"][1]
    # a street worker's records are their street's
    client.force_login(viewers["street"])
    q = services.query_for(user=viewers["street"], unit=world.org.street_a, period=march_period())
    listed = client.get(services.drill_url("cases.sign_on_time", q, "den"))
    assert listed.status_code == 200 and listed.context["total"] == 1
    assert {row.record.title for row in listed.context["table"].page.object_list} == {"工单 L"}


def test_records_without_a_resource_are_listed_by_name(client, world, viewers, stations):
    client.force_login(viewers["district"])
    response = client.get("/indicators/orgs.streets/records/", {"period": "2026-10"})
    assert response.status_code == 200 and response.context["total"] == 2


def test_the_records_need_the_permission_to_read_such_records(client, world, viewers, stations):
    """Seeing a figure does not open its rows to a role that may not read those records."""
    figures_only = make_user("t_ind_figures", units=[world.org.district], roles=[make_role("t_ind_fig", VIEW, data_scope="all")])
    client.force_login(figures_only)
    assert client.get("/indicators/riders.stations/", {"period": "2026-10"}).status_code == 200
    response = client.get("/indicators/riders.stations/records/", {"period": "2026-10"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "没有查看" in html and "驿站甲" not in html


def test_the_detail_page_has_trend_and_ranking(client, world, stations, viewers):
    client.force_login(viewers["district"])
    response = client.get("/indicators/riders.stations/", {"period": "2026-10"})
    assert response.status_code == 200
    assert [r["unit"].code for r in response.context["ranking"]] == [world.org.street_a.code, world.org.street_b.code]
    assert len(response.context["trend"]) == 12


def test_bad_input_on_the_pages(client, world, viewers):
    client.force_login(viewers["street"])
    response = client.get("/indicators/", {"period": "2027-01"})
    assert response.status_code == 400 and "尚未到来" in response.content.decode()
    response = client.get("/indicators/", {"period": "2026-13"})
    assert response.status_code == 400 and "格式不对" in response.content.decode()
    assert client.get("/indicators/", {"unit": world.org.street_b.code}).status_code == 404
    assert client.get("/indicators/", {"unit": "no-such-unit"}).status_code == 404
    assert client.get("/indicators/nosuch.code/").status_code == 404
    assert client.get("/indicators/nosuch.code/records/").status_code == 404
    assert client.get("/indicators/riders.stations/records/", {"unit": world.org.street_b.code}).status_code == 404
    client.force_login(make_user("t_ind_noperm", units=[world.org.street_a], roles=[]))
    assert client.get("/indicators/").status_code == 403


def test_the_export_has_the_figures_as_numbers_with_unit_and_definition(client, world, march, stations, viewers):
    client.force_login(viewers["district"])
    response = client.get("/indicators/export/", {"period": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "指标代码")
    header = [c.value for c in ws[header_row]]
    assert {"指标名称", "计量单位", "指标值", "分子", "分母", "口径"} <= set(header)
    rows = {ws.cell(r, 1).value: [c.value for c in ws[r]] for r in range(header_row + 1, ws.max_row + 1)}
    assert set(rows) == {i.code for i in base.all_indicators()}
    col = {name: i for i, name in enumerate(header)}
    close = rows["cases.close_on_time"]
    assert close[col["指标值"]] == pytest.approx(55.56) and not isinstance(close[col["指标值"]], str)
    assert (close[col["分子"]], close[col["分母"]]) == (5, 9)
    assert close[col["计量单位"]] == "%" and "期限内答复" in close[col["口径"]]
    assert rows["riders.stations"][col["指标值"]] == 3 and rows["riders.stations"][col["计量单位"]] == "个"
    assert rows["cases.received"][col["指标值"]] == 11


# ---------------------------------------------------------------- API
def test_the_api_lists_values_and_gives_one_with_its_trend(world, march, stations, viewers):
    Target.objects.create(code="cases.close_on_time", year=2026, value=Decimal("90"))
    api = APIClient()
    api.force_authenticate(viewers["district"])
    body = api.get("/api/indicators/", {"period": "2026-03"}).json()
    assert body["period"] == "2026-03" and body["unit"] is None
    by_code = {r["code"]: r for r in body["results"]}
    assert set(by_code) == {i.code for i in base.all_indicators()}
    close = by_code["cases.close_on_time"]
    assert (close["numerator"], close["denominator"], close["display"], close["status"]) == (5, 9, "55.56%", "behind")
    assert Decimal(str(close["value"])) == Decimal("55.56") and Decimal(str(close["target"])) == 90
    assert by_code["riders.stations"]["value"] == 3
    detail = api.get("/api/indicators/riders.stations/", {"period": "2026-10", "unit": world.org.street_a.code}).json()
    assert detail["unit"] == world.org.street_a.code and detail["indicator"]["value"] == 3
    assert len(detail["trend"]) == 12 and detail["trend"][-1] == {"period": "2026-10", "value": 3}


def test_the_api_refuses_bad_input_with_chinese_messages(world, viewers):
    api = APIClient()
    assert api.get("/api/indicators/").status_code in (401, 403)
    api.force_authenticate(viewers["street"])
    response = api.get("/api/indicators/nosuch.code/")
    assert response.status_code == 404 and "不存在" in response.json()["detail"]
    response = api.get("/api/indicators/", {"period": "2099-01"})
    assert response.status_code == 400 and "尚未到来" in response.json()["period"][0]
    response = api.get("/api/indicators/", {"period": "10-2026"})
    assert response.status_code == 400 and "格式不对" in response.json()["period"][0]
    response = api.get("/api/indicators/", {"unit": world.org.street_b.code})
    assert response.status_code == 404 and "数据范围" in response.json()["detail"]
    assert api.get("/api/indicators/", {"unit": world.org.street_a.code}).status_code == 200


def test_the_api_is_in_the_openapi_schema(world, viewers):
    api = APIClient()
    api.force_authenticate(viewers["district"])
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/indicators/" in schema and "IndicatorDetail" in schema


def test_every_grouped_ranking_equals_one_compute_per_unit(world, march, stations, viewers):
    """An indicator's `rank` (one grouped count) gives each unit exactly its own figure."""
    import dataclasses

    for user in (None, viewers["street"]):
        q = district_query() if user is None else services.query_for(user=user, period=march_period(), now=NOW)
        for indicator in base.all_indicators():
            if indicator.rank is None:
                continue
            for unit, result in services.ranking(indicator.code, q):
                alone = indicator.compute(dataclasses.replace(q, unit=unit))
                assert (result.value, result.numerator, result.denominator) == (
                    alone.value,
                    alone.numerator,
                    alone.denominator,
                ), (indicator.code, unit.code)


def test_a_partial_scope_never_reads_the_districts_snapshots(world, stations, viewers):
    for period in ("2026-09", "2026-08"):
        Snapshot.objects.create(code="riders.stations", period=period, value=Decimal("99"), computed_at=timezone.now())
    q = services.query_for(user=viewers["street"], period=parse_period("2026-10", today=TODAY), now=NOW)
    e = services.evaluate_one("riders.stations", q)
    assert (e.result.value, e.previous, e.change) == (3, 3, 0)  # 甲 乙 丙 of 米市巷, counted for September
    points = dict(services.trend("riders.stations", q))
    assert points["2026-09"] == 3 and points["2026-08"] == 2 and 99 not in points.values()
