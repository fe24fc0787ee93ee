"""Indicator bench: the district dashboard's server time and its queries, at the demo's size
and at ten times it.

Data: the demo has 2,400 cases over a year and 22 rider stations; the bench generates the
cases with bench/cases.py's set-based SQL (30 responsible units: 18 streets, 12 departments)
and the stations with one bulk insert, at 1× and 10× that size. It then prints:

(a) the district dashboard's figures — `services.evaluate()` of the dashboard's default items
    (`dashboard.dashboard_items("district")`; every registered indicator if the dashboard is
    not installed), for this month, district-wide — and each ranking item by street: p50/p95
    server time, and its ratio to running the very same aggregate SQL by hand (the statements
    the ORM sent, captured and replayed through a bare cursor): the cost of the registry,
    the ORM and the Python around the database (goal ≤ 1.5×);
(b) the number of queries per dashboard at 1× and 10× (it must not grow with the data).

    BENCH_ONLY=indicators make bench
    BENCH_IND_CASES=24000   the 10× size (default 24,000 on PostgreSQL, 2,400 on SQLite)
    BENCH_REPEAT=40         samples per timing

Called by bench/run.py inside its test database.
"""

from __future__ import annotations

import os
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
DEMO_STATIONS = 22


def timed(fn, repeat=REPEAT):
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def stations(n: int, world) -> None:
    from yixian.modules.riders.models import RiderStation, StationStatus

    RiderStation.objects.all().delete()
    statuses = [StationStatus.OPEN] * 8 + [StationStatus.UPGRADING, StationStatus.CLOSED]
    RiderStation.objects.bulk_create(
        [
            RiderStation(
                name=f"驿站{i:06d}",
                org_unit=world.communities[world.streets[i % len(world.streets)].pk][i % 3],
                address=f"测试路 {i} 号",
                status=statuses[i % len(statuses)],
            )
            for i in range(n)
        ],
        batch_size=5000,
    )


DEMO_PROJECTS, DEMO_CADRES, DEMO_VISITS, DEMO_BLOCKERS = 80, 221, 129, 50


def projects(factor: int, world, clock) -> dict:
    """The demo's major projects × `factor`, in bulk: 12 service groups with their cadres
    (dated memberships), projects across the streets with their light and stage, a 2026
    annual plan and ten monthly reports each, site visits and blockers (linked to cases)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType

    from yixian.core.activities.models import Activity, ActivityKind
    from yixian.core.cases.models import Case
    from yixian.core.orgs.models import CadreType, Membership, OrgUnit, OrgUnitKind, Person
    from yixian.modules.projects.models import AnnualPlan, Blocker, InvestmentReport, Light, Project, Stage

    for model in (Blocker, InvestmentReport, AnnualPlan, Activity, Project, Membership):
        model.objects.all().delete()
    Person.objects.filter(name__startswith="bench干部").delete()
    groups = []
    for i in range(1, 13):
        unit = OrgUnit.objects.filter(code=f"SG{i:02d}").first()
        groups.append(
            unit or world.district.add_child(code=f"SG{i:02d}", name=f"第{i}专项服务组", kind=OrgUnitKind.SERVICE_GROUP)
        )
        world.district.refresh_from_db()
    types = [CadreType.PROFESSIONAL] * 143 + [CadreType.SECOND_LINE] * 54 + [CadreType.YOUNG] * 24
    people = Person.objects.bulk_create(
        [
            Person(name=f"bench干部{i:05d}", org_unit=groups[i % 12], cadre_type=types[i % len(types)])
            for i in range(DEMO_CADRES * factor)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [Membership(person=p, org_unit=groups[i % 12], start_date=dt.date(2025, 3, 1)) for i, p in enumerate(people)],
        batch_size=5000,
    )
    lights = [Light.GREEN] * 7 + [Light.YELLOW, Light.RED, Light.GREEN]
    stages = list(Stage.values)
    rows = Project.objects.bulk_create(
        [
            Project(
                code=f"BENCH-{i:06d}",
                name=f"基准项目{i}",
                owner_name="基准业主",
                org_unit=world.streets[i % len(world.streets)],
                lead_department=world.departments[i % len(world.departments)],
                service_group=groups[i % 12],
                total_investment=Decimal("100000"),
                stage=stages[i % len(stages)],
                light=lights[i % len(lights)],
                light_reason="基准",
            )
            for i in range(DEMO_PROJECTS * factor)
        ],
        batch_size=5000,
    )
    AnnualPlan.objects.bulk_create([AnnualPlan(project=p, year=2026, amount=Decimal("12000")) for p in rows], batch_size=5000)
    InvestmentReport.objects.bulk_create(
        [InvestmentReport(project=p, month=dt.date(2026, m, 1), amount=Decimal("950.5")) for p in rows for m in range(1, 11)],
        batch_size=5000,
    )
    subject = ContentType.objects.get_for_model(Project)
    today = clock.now.date()
    Activity.objects.bulk_create(
        [
            Activity(
                kind=ActivityKind.VISIT,
                title="走访",
                org_unit=p.service_group,
                area=p.org_unit,
                subject_type=subject,
                subject_id=str(p.pk),
                occurred_on=today - dt.timedelta(days=i % 300),
            )
            for i, p in enumerate(rows[i % len(rows)] for i in range(DEMO_VISITS * factor))
        ],
        batch_size=5000,
    )
    cases = list(Case.objects.order_by("pk").values_list("pk", flat=True)[: DEMO_BLOCKERS * factor])
    Blocker.objects.bulk_create(
        [Blocker(project=rows[i % len(rows)], case_id=pk, kind="other") for i, pk in enumerate(cases)], batch_size=5000
    )
    return {"projects": len(rows), "cadres": len(people), "blockers": len(cases)}


def dashboard_plan():
    """(figure codes, ranking codes) of the district dashboard: its default items."""
    from yixian.core.indicators import base, services

    services.ensure_defaults()
    try:
        from yixian.core.indicators.dashboard import dashboard_items

        items = dashboard_items("district")
        codes = list(dict.fromkeys(i.code for i in items))
        rankings = list(dict.fromkeys(i.code for i in items if i.chart == "ranking"))
    except ImportError:
        codes = [i.code for i in base.all_indicators()]
        rankings = codes
    return codes, rankings


def measure(q, codes, rankings) -> dict:
    from yixian.core.indicators import services

    def dashboard():
        services.evaluate(codes, q)
        for code in rankings:
            services.ranking(code, q, kind="street")

    with CaptureQueriesContext(connection) as captured:
        dashboard()
    statements = [c["sql"] for c in captured.captured_queries]

    def by_hand():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    orm = timed(dashboard)
    hand = timed(by_hand)
    return {"queries": len(statements), "orm": orm, "hand": hand}


def run() -> None:
    from django.utils import timezone

    from bench import cases as case_bench
    from yixian.core.indicators import base
    from yixian.framework.periods import parse_period
    from yixian.framework.scope import Scope

    sql = case_bench.Sql()
    large = int(os.environ.get("BENCH_IND_CASES", 24_000 if sql.pg else 2_400))
    small = max(large // 10, 100)
    world = case_bench.World()
    world.lookup_tables(sql)
    clock = case_bench.Clock()
    codes, rankings = dashboard_plan()
    period = parse_period(None, today=timezone.localdate(clock.now))
    q = base.Query(scope=Scope(everything=True), period=period, now=clock.now)
    print()
    print(f"yixian indicator bench — {connection.vendor}, the district dashboard for {period.code}")
    print(f"  {len(codes)} figures ({', '.join(codes)}); rankings by street: {', '.join(rankings) or '—'}")
    results = []
    for factor, n in ((1, small), (10, large)):
        counts = case_bench.generate(n, world, clock, sql)
        stations(DEMO_STATIONS * factor, world)
        counts.update(projects(factor, world, clock))
        result = measure(q, codes, rankings)
        result.update(factor=factor, cases=counts["cases"], stations=DEMO_STATIONS * factor)
        result["figures"] = measure(q, codes, [])
        result["by_ranking"] = {code: measure(q, [], [code]) for code in rankings}
        results.append(result)
        print(
            f"  {factor:>2}×: {counts['cases']:,} cases, {DEMO_STATIONS * factor} stations, {counts['projects']:,} projects, "
            f"{counts['cadres']:,} cadres, {counts['blockers']:,} blockers — "
            f"dashboard p50 {result['orm'][0]:.1f} ms (p95 {result['orm'][1]:.1f}), "
            f"the same SQL by hand p50 {result['hand'][0]:.1f} ms; {result['queries']} queries"
        )
    print("  result (server time ÷ the same SQL run by hand, p50):")
    for r in results:
        parts = [("figures", r["figures"]), *((f"ranking {c}", m) for c, m in r["by_ranking"].items())]
        detail = "; ".join(f"{name} {ratio(m):.2f}× ({m['queries']} q)" for name, m in parts)
        verdict = "ok" if ratio(r) <= 1.5 else "ABOVE GOAL"
        print(f"    {r['factor']:>2}× data: dashboard {ratio(r):.2f}× (goal ≤ 1.5×, {verdict}) — {detail}")
    grow = results[1]["queries"] / results[0]["queries"] if results[0]["queries"] else float("inf")
    print(
        f"    queries per dashboard: {results[0]['queries']} at 1×, {results[1]['queries']} at 10× "
        f"(ratio {grow:.2f}×; {'bounded' if results[1]['queries'] == results[0]['queries'] else 'GROWS'})"
    )


def ratio(m: dict) -> float:
    return m["orm"][0] / m["hand"][0] if m["hand"][0] else float("inf")
