"""Benchmarks: the scoped list (API and HTML page) against the best hand-written SQL for the
same rows. Prints p50/p95 server times, their ratio to the raw-SQL floor, and queries per page.
Then the case engine (bench/cases.py): KPIs and a handler's work list on a year of cases.

    make bench                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yixian make bench
    BENCH_ROWS=200000 make bench    # scale the rider stations
    BENCH_CASES=300000 make bench   # scale the cases (default 1,000,000 on PostgreSQL, 20,000 on SQLite)
    BENCH_ONLY=cases make bench     # only one of them (stations, cases, indicators)
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yixian.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "50000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))


def timed(fn, repeat=REPEAT):
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    from django.core import signals
    from django.db import close_old_connections

    # Keep one persistent connection, as production does with CONN_MAX_AGE.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    from django.template.base import Template

    render = Template._render
    setup_test_environment()
    Template._render = render  # time the server, not the test client's template instrumentation
    if connection.vendor == "postgresql":
        # its own database, so a bench never clobbers a test run's test_<name>
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{connection.settings_dict['NAME']}_bench"
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    only = os.environ.get("BENCH_ONLY", "")
    try:
        if only in ("", "stations"):
            run()
        if only in ("", "cases"):
            from bench import cases

            cases.run()
        if only in ("", "indicators"):
            from bench import indicators

            indicators.run()
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


def run():
    from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user
    from yixian.modules.riders.models import RiderStation

    org = OrgFixture()
    units = [org.street_a, org.community_a, org.street_b, org.community_b]
    RiderStation.objects.bulk_create(
        [RiderStation(name=f"驿站{i:07d}", org_unit=units[i % 4], address=f"测试路 {i} 号") for i in range(ROWS)], batch_size=5000
    )
    role = make_role("bench", ["riders.view_riderstation"])
    user = make_user("bench", units=[org.street_a], roles=[role])
    client = Client()
    client.force_login(user)
    path = org.street_a.path

    def api():
        response = client.get("/api/riders/stations/")
        assert response.status_code == 200

    def page():
        response = client.get("/riders/stations/")
        assert response.status_code == 200

    sql = (
        "SELECT s.id, s.name, s.address, s.opening_hours, s.status, s.operator, s.version, u.name "
        "FROM riders_riderstation s JOIN orgs_orgunit u ON u.id = s.org_unit_id "
        "WHERE u.path LIKE %s ORDER BY u.path, s.name LIMIT 50"
    )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, [path + "%"])
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT count(*) FROM riders_riderstation s JOIN orgs_orgunit u ON u.id = s.org_unit_id WHERE u.path LIKE %s",
                [path + "%"],
            )
            total = cursor.fetchone()[0]
        json.dumps({"count": total, "results": [list(r) for r in rows]}, ensure_ascii=False)

    with CaptureQueriesContext(connection) as api_q:
        api()
    api_queries = len(api_q)
    if os.environ.get("BENCH_SHOW_SQL"):
        for q in api_q.captured_queries:
            print(q["time"], q["sql"][:300])
    with CaptureQueriesContext(connection) as page_q:
        page()
    page_queries = len(page_q)
    f50, f95 = timed(floor)
    a50, a95 = timed(api)
    p50, p95 = timed(page)
    print(f"yixian bench — {connection.vendor}, {ROWS:,} rider stations, user scoped to one street (half the rows)")
    print(f"  raw SQL floor (50 rows + count, JSON) p50 {f50:7.2f} ms  p95 {f95:7.2f} ms")
    print(
        f"  API list page                          p50 {a50:7.2f} ms  p95 {a95:7.2f} ms  ratio {a50 / f50:5.2f}x  queries {api_queries}"
    )
    print(
        f"  HTML list page                         p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ratio {p50 / f50:5.2f}x  queries {page_queries}"
    )


if __name__ == "__main__":
    main()
