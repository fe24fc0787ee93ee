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
        result = measure(q, codes, rankings)
        result.update(factor=factor, cases=counts["cases"], stations=DEMO_STATIONS * factor)
        result["figures"] = measure(q, codes, [])
        result["by_ranking"] = {code: measure(q, [], [code]) for code in rankings}
        results.append(result)
        print(
            f"  {factor:>2}×: {counts['cases']:,} cases, {DEMO_STATIONS * factor} stations — "
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
