"""Case-engine benchmark: KPIs and the handler's work list on a year of cases.

Generates cases and their timelines with set-based SQL (one INSERT … SELECT per stage, no
Python loop over rows), for 30 responsible units (18 streets, 12 departments) over the last 12
months, then prints:

(a) the KPI computation behind the KPI page and API (`kpis.compute(qs, a 12-month period,
    by_unit=True, by_month=True)`) against the fastest of two hand-written SQL versions of the
    same numerators and denominators (checked equal);
(b) a department handler's work list (`queue=to_handle`) through the API (50 rows a page) and
    the HTML page (25 rows a page): p50/p95 server time with django.test.Client, the ratio to
    a bare Django view that runs the best hand-written SQL for the same 50 rows and returns
    them as JSON, and the number of queries per page (page 1 and a later page, both sizes);
(c) the peak Python memory of the KPI computation (tracemalloc) at two data sizes.

    BENCH_CASES=1000000        the large size (default 1,000,000 on PostgreSQL, 20,000 on SQLite)
    BENCH_CASES_SMALL=100000   the small size (default a tenth of the large one)
    BENCH_REPEAT=40            samples per timing

Called by bench/run.py inside its test database.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import math
import os
import statistics
import time
import tracemalloc
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

TZ = ZoneInfo("Asia/Shanghai")
OFFSET = 8 * 3600  # Beijing has no daylight saving: local epoch = UTC epoch + 8 h
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
PAGE_SIZE = 50  # settings.REST_FRAMEWORK["PAGE_SIZE"]

STREETS = [
    ("330105001", "米市巷街道"), ("330105002", "湖墅街道"), ("330105003", "小河街道"), ("330105004", "和睦街道"),
    ("330105005", "拱宸桥街道"), ("330105007", "大关街道"), ("330105008", "上塘街道"), ("330105009", "祥符街道"),
    ("330105010", "康桥街道"), ("330105011", "半山街道"), ("330105012", "天水街道"), ("330105013", "武林街道"),
    ("330105014", "长庆街道"), ("330105015", "潮鸣街道"), ("330105016", "朝晖街道"), ("330105017", "文晖街道"),
    ("330105018", "东新街道"), ("330105019", "石桥街道"),
]  # fmt: skip
DEPARTMENTS = [
    ("D-CGJ", "区城管局"), ("D-ZJJ", "区住建局"), ("D-RSJ", "区人力社保局"), ("D-FGJ", "区发改局"),
    ("D-SCJ", "区市场监管局"), ("D-JXJ", "区经信局"), ("D-GZJ", "区国资局"), ("D-JYJ", "区教育局"),
    ("D-WJJ", "区卫健局"), ("D-MZJ", "区民政局"), ("D-JTJ", "区交通运输局"), ("D-STJ", "区生态环境分局"),
]  # fmt: skip
TEXTS = [
    ("小区门口占道经营", "小区门口每天晚上有流动摊贩占道经营，油烟很大，影响居民通行和休息，希望尽快处理。"),
    ("垃圾清运不及时", "小区垃圾分类点的垃圾已经三天没有清运，气味很大，夏天蚊蝇多，请相关部门督促清运。"),
    ("夜间施工噪音扰民", "附近工地晚上十点以后仍在施工，噪音很大，老人孩子无法休息，请核实是否办理夜间施工许可。"),
    ("电梯经常故障", "单元电梯本月已故障四次，有老人被困，物业维修不及时，请督促物业和维保单位彻底检修。"),
    ("路灯不亮", "沿河步道有一段路灯已经一周不亮，晚上散步很不安全，请尽快维修。"),
    ("道路破损积水", "路口人行道砖块松动破损，下雨后大面积积水，行人和电动车经过容易摔倒。"),
    ("停车位被长期占用", "小区公共停车位被僵尸车长期占用，车主联系不上，请协调清理。"),
    ("社保转移办理咨询", "外地社保关系转入本区需要准备哪些材料，线上办理一直提示信息不符，请帮助核实。"),
    ("企业用工招聘难", "企业扩产急需技术工人约三十名，希望人社部门协助对接招聘渠道和技能培训补贴政策。"),
    ("政策兑现进度", "去年申报的研发费用补助至今未到账，请帮助查询兑现进度。"),
]
REPLY = "已联系诉求人并现场核实，问题已按规定处理，后续将加强日常巡查，防止反弹。"


def timed(fn, repeat=REPEAT):
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


# ---------------------------------------------------------------- SQL dialect
class Sql:
    """The few spellings that differ between PostgreSQL and SQLite; all times are integer
    seconds of Beijing wall-clock time ("local epoch") until converted by `ts`."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"

    def rand(self):
        return "random()" if self.pg else "(((random() % 1000000) + 1000000) % 1000000 / 1000000.0)"

    def fl(self, x):
        return f"CAST(floor({x}) AS bigint)" if self.pg else f"CAST({x} AS INTEGER)"

    def least(self, *args):
        return ("least(" if self.pg else "min(") + ", ".join(map(str, args)) + ")"

    def greatest(self, *args):
        return ("greatest(" if self.pg else "max(") + ", ".join(map(str, args)) + ")"

    def ts(self, x):
        return f"to_timestamp({x} - {OFFSET})" if self.pg else f"datetime({x} - {OFFSET}, 'unixepoch')"

    def ymd(self, x):
        return (
            f"to_char(to_timestamp({x}) AT TIME ZONE 'UTC', 'YYYYMMDD')" if self.pg else f"strftime('%Y%m%d', {x}, 'unixepoch')"
        )

    def pad(self, x, n):
        return f"lpad(CAST({x} AS text), {n}, '0')" if self.pg else f"substr('{'0' * n}' || ({x}), -{n}, {n})"

    def big(self, x):
        return f"CAST({x} AS bigint)" if self.pg else x

    def create(self, name, select):
        return f"CREATE {'UNLOGGED ' if self.pg else ''}TABLE {name} AS {select}"

    def fence(self):
        """Keeps a subquery from being merged into the outer query (its columns computed once)."""
        return " OFFSET 0" if self.pg else " LIMIT -1 OFFSET 0"

    def month(self, col):
        """Month of an aware timestamp column in Beijing time (hand-written KPI SQL)."""
        return (
            f"date_trunc('month', {col} AT TIME ZONE 'Asia/Shanghai')" if self.pg else f"strftime('%%Y-%%m', {col}, '+8 hours')"
        )

    # working days (weekends only; the calendar's holidays are left out: approximate is fine)
    def add_wd_end(self, day, n):
        """End (23:59:59) of the n-th working day after local day number `day`."""
        w = f"((({day}) + 3) % 7)"  # 1970-01-01 was a Thursday: Monday = 0
        wa = self.least(w, 4)
        return f"(((({day}) - ({w} - {wa})) + {n} + 2 * (({wa} + {n}) / 5)) * 86400 + 86399)"

    def workdays_between(self, a, b):
        """Working days in (day of a, day of b]."""

        def count(x):
            d = f"({x} / 86400 + 3)"
            return f"(5 * ({d} / 7) + {self.least(f'{d} % 7 + 1', 5)})"

        return f"({count(b)} - {count(a)})"


def execute(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def scalar(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- the world
class World:
    """30 responsible units (18 streets with 3 communities each, 12 departments), the
    dispatch centre (the district), a district-wide dispatcher and a handler in 区城管局,
    the busiest department."""

    def __init__(self):
        from yixian.core.accounts.models import User
        from yixian.core.cases.services import sync_categories
        from yixian.core.orgs.models import OrgUnit, OrgUnitKind
        from yixian.framework.testing.fixtures import make_role, make_user

        self.district = OrgUnit.objects.filter(code="330105").first() or OrgUnit.add_root(
            code="330105", name="拱墅区", kind=OrgUnitKind.DISTRICT
        )
        self.streets, self.communities = [], {}
        for code, name in STREETS:
            street = self._unit(code, name, OrgUnitKind.STREET)
            self.streets.append(street)
            self.communities[street.pk] = [
                self._unit(f"{code}{j:03d}", f"{name[:-2]}第{j}社区", OrgUnitKind.COMMUNITY, street) for j in (1, 2, 3)
            ]
        self.departments = [self._unit(code, name, OrgUnitKind.DEPARTMENT) for code, name in DEPARTMENTS]
        sync_categories()
        # busiest first: 区城管局, then the streets and the other departments interleaved
        self.units = [self.departments[0]]
        for i, street in enumerate(self.streets):
            self.units += [street, *self.departments[i + 1 : i + 2]]
        assert len(self.units) == 30
        self.dept = self.departments[0]
        handle = ["cases.view_case", "cases.add_case", "cases.handle_case", "cases.view_casecategory"]
        dispatch = ["cases.view_case", "cases.add_case", "cases.dispatch_case", "cases.supervise_case", "cases.view_casecategory"]
        users = {u.username: u for u in User.objects.filter(username__in=["bench_cgj", "bench_center"])}
        self.handler = users.get("bench_cgj") or make_user(
            "bench_cgj", units=[self.dept], roles=[make_role("bench_handler", handle)]
        )
        self.center = users.get("bench_center") or make_user(
            "bench_center", units=[self.district], roles=[make_role("bench_center", dispatch, data_scope="all")]
        )

    def _unit(self, code, name, kind, parent=None):
        from yixian.core.orgs.models import OrgUnit

        found = OrgUnit.objects.filter(code=code).first()
        if found:
            return found
        parent = OrgUnit.objects.get(pk=(parent or self.district).pk)
        return parent.add_child(code=code, name=name, kind=kind, short_name=name[:-2] if kind == "street" else name[1:])

    def lookup_tables(self, sql: Sql):
        from yixian.core.cases.models import CaseCategory

        for name in ("bench_unit", "bench_unitmap", "bench_cat", "bench_text"):
            execute(f"DROP TABLE IF EXISTS {name}")
        execute(
            "CREATE TABLE bench_unit (k integer PRIMARY KEY, unit_id bigint, wrong_id bigint, p0 bigint, p1 bigint, p2 bigint)"
        )
        all_communities = [c for cs in self.communities.values() for c in cs]
        rows = []
        for k, unit in enumerate(self.units):
            places = self.communities.get(unit.pk) or [all_communities[(k * 7 + j * 13) % len(all_communities)] for j in range(3)]
            rows.append((k, unit.pk, self.units[(k + 7) % 30].pk, *(p.pk for p in places)))
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_unit VALUES (%s, %s, %s, %s, %s, %s)", rows)
            # unit k gets a share proportional to 1/(k+3): 区城管局 about 13 %, the quietest about 1.3 %
            weights = [1 / (k + 3) for k in range(30)]
            total, cum, mapping = sum(weights), 0.0, []
            for k, w in enumerate(weights):
                lo, cum = cum, cum + w / total
                mapping += [(b, k) for b in range(round(lo * 1000), round(cum * 1000))]
            cursor.execute("CREATE TABLE bench_unitmap (b integer PRIMARY KEY, k integer)")
            cursor.executemany("INSERT INTO bench_unitmap VALUES (%s, %s)", mapping)
            leaves = list(CaseCategory.objects.filter(children__isnull=True).order_by("code").values_list("pk", "case_type"))
            cursor.execute("CREATE TABLE bench_cat (c integer PRIMARY KEY, category_id bigint, case_type varchar(40))")
            cursor.executemany("INSERT INTO bench_cat VALUES (%s, %s, %s)", [(i, pk, t) for i, (pk, t) in enumerate(leaves)])
            cursor.execute(
                "CREATE TABLE bench_text (t integer PRIMARY KEY, title varchar(100), description text, keywords varchar(500))"
            )
            cursor.executemany(
                "INSERT INTO bench_text VALUES (%s, %s, %s, %s)",
                [(i, t, d, " ".join([t[:2], t[2:4], t[-2:]])) for i, (t, d) in enumerate(TEXTS)],
            )
        self.n_categories = len(leaves)


# ---------------------------------------------------------------- generation
class Clock:
    """The generated year: cases received over the 12 months up to today's midnight
    (Beijing), 'now' is the real now; the KPI period is those 12 months."""

    def __init__(self):
        from django.utils import timezone

        from yixian.core.cases.kpis import Period

        now = timezone.now().replace(microsecond=0)
        local = now.astimezone(TZ)
        today = local.date()
        last = today - dt.timedelta(days=1)
        end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        start = end
        for _ in range(12):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        self.now = now
        self.now_l = int(now.timestamp()) + OFFSET
        self.e0 = int(dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC).timestamp())
        self.ndays = (today - start).days
        self.period = Period(f"{start:%Y-%m}~{last:%Y-%m}", start, end)


def generate(n: int, world: World, clock: Clock, sql: Sql) -> dict:
    """Replace all cases by `n` generated cases and their timelines; returns row counts."""
    started = time.perf_counter()
    pg, R, FL = sql.pg, sql.rand(), sql.fl
    NOW, D = clock.now_l, world.district.pk
    for table in ("bench_seq", "bench_p", "bench_l"):
        execute(f"DROP TABLE IF EXISTS {table}")
    from yixian.core.cases import models

    followups = hasattr(models, "FollowUp")
    related = [r.related_model._meta.db_table for r in models.Case._meta.related_objects if r.related_model is not models.Case]
    big = ["cases_case", "cases_casestep", *(["cases_followup"] if followups else [])]
    if pg:
        execute(f"TRUNCATE {', '.join(dict.fromkeys(related + ['cases_case']))} RESTART IDENTITY")
        execute("SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; SET synchronous_commit = off; SET jit = off")
        execute("SELECT setseed(0.2026)")
        execute(sql.create("bench_seq", f"SELECT i FROM generate_series(1, {n}) AS g(i)"))
    else:
        for table in dict.fromkeys([*related, "cases_case"]):
            execute(f"DELETE FROM {table}")
        execute(
            sql.create(
                "bench_seq", f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"
            )
        )
    dropped = drop_indexes(big) if pg else []
    superuser = pg and scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if superuser:
        execute("SET session_replication_role = replica")  # rows are consistent by construction: skip FK triggers

    # 1. the plan: receipt time (ids follow time, 07:00-21:00) and one random number per decision
    names = [
        "ru",
        "rc",
        "rt",
        "rpr",
        "rpath",
        "rdisp",
        "rsign",
        "rext",
        "rprog",
        "rreply",
        "rfol",
        "rsat",
        "rstuck",
        "rrep",
        "rchan",
        "rplace",
    ]
    recv = f"{clock.e0} + 86400 * (({sql.big('i')} - 1) * {clock.ndays} / {n}) + 25200 + {FL(f'{R} * 50400')}"
    execute(sql.create("bench_p", f"SELECT i, {recv} AS recv, " + ", ".join(f"{R} AS {x}" for x in names) + " FROM bench_seq"))

    # 2. the life of each case: round 1 (dispatch, maybe a return, sign, maybe an extension,
    #    reply, follow-up or closure without one), round 2 after an unsatisfied follow-up.
    l1 = f"""SELECT p.*, u.unit_id, u.wrong_id, CASE WHEN p.rplace < 0.34 THEN u.p0 WHEN p.rplace < 0.67 THEN u.p1 ELSE u.p2 END AS place,
        CASE WHEN rpr < 0.05 THEN 1 ELSE 0 END AS urgent,
        CASE WHEN rpath < 0.02 THEN 1 ELSE 0 END AS merged,
        CASE WHEN rpath >= 0.02 AND rpath < 0.05 THEN 1 ELSE 0 END AS returned,
        CASE WHEN rstuck < 0.003 THEN 1 ELSE 0 END AS stuck_s,
        CASE WHEN rstuck >= 0.003 AND rstuck < 0.013 THEN 1 ELSE 0 END AS stuck_r,
        recv + 600 + {FL("rdisp * 7200")} AS merge_at,
        recv + 300 + {FL("rdisp * 14400")} AS disp0,
        recv + 300 + {FL("rdisp * 14400")} + 3600 + {FL("rsign * 30000")} AS ret,
        recv + 300 + {FL("rdisp * 14400")} + CASE WHEN rpath >= 0.02 AND rpath < 0.05 THEN 5400 + {FL("rsign * 30000")} ELSE 0 END AS disp
        FROM bench_p p JOIN bench_unitmap m ON m.b = {FL("p.ru * 1000")} JOIN bench_unit u ON u.k = m.k"""
    l2 = f"""SELECT l1.*,
        CASE WHEN urgent = 1 THEN disp + 7200 ELSE {sql.add_wd_end("disp / 86400", 1)} END AS sd,
        CASE WHEN urgent = 1 THEN disp + 86400 ELSE {sql.add_wd_end("disp / 86400", 5)} END AS hd0,
        {sql.add_wd_end("disp / 86400", 2)} AS rdue FROM ({l1}{sql.fence()}) l1"""
    l3 = f"""SELECT l2.*,
        CASE WHEN stuck_s = 1 THEN disp + 1000000000 WHEN rsign < 0.93 THEN disp + {FL("(sd - disp) * rsign / 0.93")}
             ELSE sd + 60 + {FL("172800 * (rsign - 0.93) / 0.07")} END AS sgn,
        CASE WHEN urgent = 0 AND rext < 0.05 THEN 1 ELSE 0 END AS ext FROM ({l2}{sql.fence()}) l2"""
    l4 = f"""SELECT l3.*, CASE WHEN ext = 1 THEN hd0 + 7 * 86400 ELSE hd0 END AS hdf,
        CASE WHEN ext = 1 THEN sgn + {FL(f"{sql.greatest('hd0 - sgn', 3600)} * 0.4")} END AS req,
        CASE WHEN ext = 1 THEN sgn + {FL(f"{sql.greatest('hd0 - sgn', 3600)} * 0.4")} + 14400 ELSE sgn END AS work FROM ({l3}{sql.fence()}) l3"""
    l5 = f"""SELECT l4.*, CASE WHEN ext = 1 THEN work END AS decided,
        CASE WHEN stuck_s = 1 OR stuck_r = 1 THEN sgn + 1000000000
             WHEN rreply < 0.88 THEN work + 600 + {FL(f"{sql.greatest('hdf - work - 600', 0)} * rreply / 0.88")}
             ELSE {sql.greatest("hdf", "work")} + 3600 + {FL("432000 * (rreply - 0.88) / 0.12")} END AS rep FROM ({l4}{sql.fence()}) l4"""
    l6 = f"""SELECT l5.*,
        CASE WHEN rprog < 0.15 THEN sgn + (rep - sgn) / 2 END AS prog,
        CASE WHEN rfol < 0.7 THEN 1 ELSE 0 END AS followed,
        CASE WHEN rfol < 0.7 THEN rep + 7200 + {FL("108000 * rfol / 0.7")} END AS fol,
        CASE WHEN rfol < 0.7 AND rsat >= 0.93 THEN 1 ELSE 0 END AS reopen,
        {sql.add_wd_end("rep / 86400", 1)} AS fdue,
        CASE WHEN urgent = 0 AND ext = 0 AND rep > hd0 - 86400 AND sgn < hd0 - 86400 THEN hd0 - 86100 END AS ds,
        CASE WHEN sgn > sd THEN sd + 600 WHEN rep > hdf THEN hdf + 600 END AS ov FROM ({l5}{sql.fence()}) l5"""
    l7 = f"""SELECT l6.*,
        CASE WHEN followed = 1 AND reopen = 0 THEN fol WHEN followed = 0 THEN rep + 172800 END AS close1,
        CASE WHEN urgent = 1 THEN fol + 7200 ELSE {sql.add_wd_end("fol / 86400", 1)} END AS sd2,
        CASE WHEN urgent = 1 THEN fol + 86400 ELSE {sql.add_wd_end("fol / 86400", 5)} END AS hd2,
        {sql.add_wd_end("fol / 86400", 2)} AS rdue2 FROM ({l6}{sql.fence()}) l6"""
    l8 = f"""SELECT l7.*, fol + (sd2 - fol) * 3 / 10 AS s2, fol + (sd2 - fol) * 3 / 10 + (hd2 - fol - (sd2 - fol) * 3 / 10) * 6 / 10 AS r2
        FROM ({l7}{sql.fence()}) l7"""
    l9 = f"""SELECT l8.*, r2 + 14400 AS f2, {sql.add_wd_end("r2 / 86400", 1)} AS fdue2,
        CASE WHEN reopen = 1 AND fol <= {NOW} THEN 1 ELSE 0 END AS rn FROM ({l8}{sql.fence()}) l8"""
    execute(sql.create("bench_l", l9))

    # 3. the cases as the service would have left them at `now`
    def F(x):
        return f"CASE WHEN {x} <= {NOW} THEN {x} END"

    state = f"""CASE WHEN merged = 1 THEN CASE WHEN merge_at <= {NOW} THEN 'closed' ELSE 'received' END
        WHEN rn = 1 THEN CASE WHEN f2 <= {NOW} THEN 'closed' WHEN r2 <= {NOW} THEN 'replied' WHEN s2 <= {NOW} THEN 'signed' ELSE 'dispatched' END
        WHEN close1 <= {NOW} THEN 'closed' WHEN rep <= {NOW} THEN 'replied' WHEN prog <= {NOW} THEN 'in_progress'
        WHEN sgn <= {NOW} THEN 'signed' WHEN disp <= {NOW} THEN 'dispatched' WHEN returned = 1 AND ret <= {NOW} THEN 'received'
        WHEN disp0 <= {NOW} THEN 'dispatched' ELSE 'received' END"""
    resp = f"""CASE WHEN merged = 1 THEN NULL WHEN rn = 1 OR disp <= {NOW} THEN unit_id WHEN returned = 1 AND ret <= {NOW} THEN NULL
        WHEN disp0 <= {NOW} THEN CASE WHEN returned = 1 THEN wrong_id ELSE unit_id END END"""
    live = f"merged = 0 AND disp0 <= {NOW}"
    sign_due = f"CASE WHEN merged = 1 THEN NULL WHEN rn = 1 THEN sd2 WHEN {live} THEN sd END"
    handle_due = f"CASE WHEN merged = 1 THEN NULL WHEN rn = 1 THEN hd2 WHEN {live} THEN CASE WHEN ext = 1 AND decided <= {NOW} THEN hdf ELSE hd0 END END"
    followup_due = f"CASE WHEN rn = 1 THEN CASE WHEN r2 <= {NOW} THEN fdue2 END WHEN rep <= {NOW} THEN fdue END"
    pending = f"ext = 1 AND rn = 0 AND req <= {NOW} AND decided > {NOW}"
    followed_now = f"followed = 1 AND fol <= {NOW}"
    sat = "CASE WHEN rsat < 0.80 THEN 'satisfied' WHEN rsat < 0.93 THEN 'basic' ELSE 'unsatisfied' END"
    T = sql.ts
    columns = {
        "id": "i",
        "created_at": T("recv"),
        "updated_at": T("recv"),
        "version": "1",
        "number": f"'YX' || {sql.ymd('recv')} || {sql.pad('i', 7)}",
        "tracking_code": f"'B' || {sql.pad('i', 9)}",
        "case_type": "c.case_type",
        "category_id": "c.category_id",
        "title": "x.title",
        "description": "x.description",
        "priority": "CASE WHEN urgent = 1 THEN 'urgent' ELSE 'normal' END",
        "channel": "CASE WHEN rchan < 0.6 THEN 'hotline' WHEN rchan < 0.8 THEN 'public' WHEN rchan < 0.9 THEN 'window' WHEN rchan < 0.97 THEN 'visit' ELSE 'system' END",
        "requester_kind": "CASE WHEN c.case_type = 'enterprise_demand' THEN 'enterprise' WHEN rchan > 0.95 THEN 'rider' ELSE 'resident' END",
        "requester_name": "CASE WHEN rrep < 0.5 THEN '王先生' ELSE '李女士' END",
        "requester_phone": f"'138' || {sql.pad('i % 100000000', 8)}",
        "requester_org": "CASE WHEN c.case_type = 'enterprise_demand' THEN '杭州拱墅某科技有限公司' ELSE '' END",
        "requester_key": f"'bench' || ({sql.big('i')} * 7919 % {n // 3 + 1})",
        "org_unit_id": "place",
        "address": "'测试路 ' || (i % 997) || ' 号'",
        "state": "st",
        "intake_unit_id": str(D),
        "handling_unit_id": f"COALESCE(resp, {D})",
        "dispatcher_unit_id": f"CASE WHEN resp IS NOT NULL THEN {D} END",
        "responsible_unit_id": "resp",
        "received_at": T("recv"),
        "round_started_at": T("CASE WHEN rn = 1 THEN fol ELSE recv END"),
        "dispatched_at": T(f"CASE WHEN merged = 1 THEN NULL WHEN rn = 1 THEN fol ELSE COALESCE({F('disp')}, {F('disp0')}) END"),
        "signed_at": T(f"CASE WHEN rn = 1 THEN {F('s2')} ELSE {F('sgn')} END"),
        "replied_at": T(f"CASE WHEN rn = 1 THEN {F('r2')} ELSE {F('rep')} END"),
        "followed_up_at": T(f"CASE WHEN rn = 1 THEN COALESCE({F('f2')}, fol) WHEN followed = 1 THEN {F('fol')} END"),
        "closed_at": T(f"CASE WHEN merged = 1 THEN {F('merge_at')} WHEN rn = 1 THEN {F('f2')} ELSE {F('close1')} END"),
        "sign_due": T(sign_due),
        "return_due": T(f"CASE WHEN merged = 1 THEN NULL WHEN rn = 1 THEN rdue2 WHEN {live} THEN rdue END"),
        "handle_due": T(handle_due),
        "followup_due": T(followup_due),
        "current_due": T(
            f"CASE st WHEN 'dispatched' THEN {sign_due} WHEN 'signed' THEN {handle_due} WHEN 'in_progress' THEN {handle_due} "
            f"WHEN 'replied' THEN {followup_due} END"
        ),
        "signed_on_time": f"CASE WHEN rn = 1 THEN CASE WHEN s2 <= {NOW} THEN s2 <= sd2 END WHEN sgn <= {NOW} THEN sgn <= sd END",
        "replied_on_time": f"CASE WHEN rn = 1 THEN CASE WHEN r2 <= {NOW} THEN r2 <= hd2 END WHEN rep <= {NOW} THEN rep <= hdf END",
        "handling_workdays": f"CASE WHEN rn = 1 THEN CASE WHEN r2 <= {NOW} THEN {sql.workdays_between('fol', 'r2')} END "
        f"WHEN rep <= {NOW} THEN {sql.workdays_between('recv', 'rep')} END",
        "returns_count": f"CASE WHEN returned = 1 AND rn = 0 AND ret <= {NOW} THEN 1 ELSE 0 END",
        "extensions_count": f"CASE WHEN ext = 1 AND rn = 0 AND decided <= {NOW} THEN 1 ELSE 0 END",
        "reopen_count": "rn",
        "reminders_count": "0",
        "extension_pending_days": f"CASE WHEN {pending} THEN 5 END",
        "extension_pending_reason": f"CASE WHEN {pending} THEN '需协调多部门现场处置' ELSE '' END",
        "is_supervised": f"CASE WHEN ov <= {NOW} THEN TRUE ELSE FALSE END",
        "supervised_at": T(F("ov")),
        "due_soon_noticed_at": T(f"CASE WHEN rn = 0 THEN {F('ds')} END"),
        "overdue_noticed_at": T(f"CASE WHEN rn = 0 THEN {F('ov')} END"),
        "reply": f"CASE WHEN rep <= {NOW} THEN '{REPLY}' ELSE '' END",
        "satisfaction": f"CASE WHEN rn = 1 THEN CASE WHEN f2 <= {NOW} THEN 'basic' ELSE 'unsatisfied' END WHEN {followed_now} THEN {sat} ELSE '' END",
        "resolved": f"CASE WHEN rn = 1 THEN CASE WHEN f2 <= {NOW} THEN TRUE ELSE rsat < 0.95 END WHEN {followed_now} THEN rsat < 0.95 END",
        "followup_note": f"CASE WHEN {followed_now} THEN '电话回访' ELSE '' END",
        "is_repeat": "CASE WHEN merged = 1 OR rrep < 0.06 THEN TRUE ELSE FALSE END",
        "duplicate_of_id": f"CASE WHEN merged = 1 AND merge_at <= {NOW} AND i > 10 THEN i - 7 END",
        "keywords": "x.keywords",
        "source_id": "''",
    }
    execute(
        f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {', '.join(columns.values())} FROM "
        f"(SELECT b.*, {state} AS st FROM (SELECT l.*, {resp} AS resp FROM bench_l l{sql.fence()}) b{sql.fence()}) l "
        f"JOIN bench_cat c ON c.c = {FL(f'l.rc * {world.n_categories}')} JOIN bench_text x ON x.t = {FL(f'l.rt * {len(TEXTS)}')}"
    )

    # 4. the timeline: one SELECT per kind of step, each only where it has happened by `now`
    from_prog = "CASE WHEN prog IS NOT NULL THEN 'in_progress' ELSE 'signed' END"
    steps = [
        # action, from, to, actor name, actor unit, target unit, at, note, public, condition
        ("receive", "''", "'received'", "'受理员'", D, "NULL", "recv", "'受理渠道：12345 热线'", "TRUE", "1 = 1"),
        ("merge", "'received'", "'closed'", "'派单员'", D, "NULL", "merge_at", "'与已有工单为同一诉求，合并办理。'", "TRUE", "merged = 1"),
        ("dispatch", "'received'", "'dispatched'", "'派单员'", D, "CASE WHEN returned = 1 THEN wrong_id ELSE unit_id END", "disp0", "''", "TRUE", "merged = 0"),
        ("return", "'dispatched'", "'received'", "'承办人'", "wrong_id", D, "ret", "'不属于本单位职责，请改派。'", "TRUE", "returned = 1"),
        ("dispatch", "'received'", "'dispatched'", "'派单员'", D, "unit_id", "disp", "''", "TRUE", "returned = 1"),
        ("sign", "'dispatched'", "'signed'", "'承办人'", "unit_id", "NULL", "sgn", "''", "TRUE", "merged = 0"),
        ("progress", "'signed'", "'in_progress'", "'承办人'", "unit_id", "NULL", "prog", "'已联系诉求人，正在现场处置。'", "TRUE", "1 = 1"),
        ("request_extension", "st1", "st1", "'承办人'", "unit_id", "NULL", "req", "'需协调多部门现场处置'", "FALSE", "ext = 1"),
        ("decide_extension", "st1", "st1", "'派单员'", D, "NULL", "decided", "''", "TRUE", "ext = 1"),
        ("due_soon", "st1", "st1", "'系统'", "NULL", "NULL", "ds", "''", "FALSE", "1 = 1"),
        ("overdue", "CASE WHEN sgn > sd THEN 'dispatched' ELSE st1 END", "CASE WHEN sgn > sd THEN 'dispatched' ELSE st1 END", "'系统'", "NULL", "NULL", "ov", "''", "FALSE", "1 = 1"),
        ("reply", from_prog, "'replied'", "'承办人'", "unit_id", "NULL", "rep", f"'{REPLY}'", "TRUE", "merged = 0"),
        ("follow_up", "'replied'", "'followed_up'", "'回访员'", D, "NULL", "fol", "'电话回访'", "TRUE", "followed = 1"),
        ("close", "CASE WHEN followed = 1 THEN 'followed_up' ELSE 'replied' END", "'closed'", "'系统'", "NULL", "NULL", "close1", "''", "TRUE", "1 = 1"),
        ("reopen", "'followed_up'", "'dispatched'", "'系统'", "NULL", "unit_id", "fol", "'诉求人不满意或问题未解决，重新办理。'", "TRUE", "reopen = 1"),
        ("sign", "'dispatched'", "'signed'", "'承办人'", "unit_id", "NULL", "s2", "''", "TRUE", "reopen = 1"),
        ("reply", "'signed'", "'replied'", "'承办人'", "unit_id", "NULL", "r2", f"'{REPLY}'", "TRUE", "reopen = 1"),
        ("follow_up", "'replied'", "'followed_up'", "'回访员'", D, "NULL", "f2", "'电话回访'", "TRUE", "reopen = 1"),
        ("close", "'followed_up'", "'closed'", "'系统'", "NULL", "NULL", "f2", "''", "TRUE", "reopen = 1"),
    ]  # fmt: skip

    def no_unit(x):
        return f"CAST({x} AS bigint)" if x == "NULL" else x

    st1 = "CASE WHEN prog <= req THEN 'in_progress' ELSE 'signed' END"
    data = "CAST('{}' AS jsonb)" if pg else "'{}'"
    if pg:
        # one pass over the cases: the possible steps' times and conditions as two arrays,
        # unnested; the other columns picked by the step's number, after the filter
        def pick(k):
            groups: dict[str, list[int]] = {}
            for n, step in enumerate(steps, start=1):
                groups.setdefault(f"'{step[k]}'" if k == 0 else no_unit(step[k]), []).append(n)
            return "CASE " + " ".join(f"WHEN u.n IN ({', '.join(map(str, ns))}) THEN {x}" for x, ns in groups.items()) + " END"

        times = ", ".join(step[6] for step in steps)
        oks = ", ".join(step[9] for step in steps)
        source = (
            f"SELECT i * 20 + u.n AS id, i AS case_id, {pick(0)} AS action, "
            f"{pick(1)} AS fs, {pick(2)} AS ts_, {pick(3)} AS who, {pick(4)} AS au, {pick(5)} AS tu, u.at_, {pick(7)} AS note, {pick(8)} AS pub "
            f"FROM bench_l CROSS JOIN LATERAL unnest(ARRAY[{times}], ARRAY[{oks}]) WITH ORDINALITY AS u(at_, ok, n) "
            f"WHERE u.ok AND u.at_ <= {NOW}"
        )
    else:
        source = " UNION ALL ".join(
            f"SELECT NULL AS id, i AS case_id, '{a}' AS action, {fr} AS fs, {to} AS ts_, {who} AS who, {au} AS au, {tu} AS tu, "
            f"{at} AS at_, {note} AS note, {pub} AS pub FROM bench_l WHERE {cond} AND {at} <= {NOW}"
            for a, fr, to, who, au, tu, at, note, pub, cond in steps
        )
    execute(
        "INSERT INTO cases_casestep (id, case_id, action, from_state, to_state, actor_name, actor_unit_id, target_unit_id, at, note, data, public) "
        f"SELECT id, case_id, action, fs, ts_, who, CAST(au AS bigint), CAST(tu AS bigint), {T('at_')}, note, {data}, pub "
        f"FROM ({source.replace('st1', st1)}) s"
    )
    if followups:  # every valid follow-up, as the service records them: round 1, and round 2 after a reopening
        sat = "CASE WHEN rsat < 0.80 THEN 'satisfied' WHEN rsat < 0.93 THEN 'basic' ELSE 'unsatisfied' END"
        execute(
            "INSERT INTO cases_followup (case_id, at, responsible_unit_id, satisfaction, resolved, by_requester) "
            f"SELECT i, {T('fol')}, unit_id, {sat}, rsat < 0.95, FALSE FROM bench_l WHERE followed = 1 AND fol <= {NOW} "
            f"UNION ALL SELECT i, {T('f2')}, unit_id, 'basic', TRUE, FALSE FROM bench_l WHERE reopen = 1 AND f2 <= {NOW}"
        )
    generated = time.perf_counter() - started
    if superuser:
        execute("SET session_replication_role = DEFAULT")
    if pg:
        for table in big:
            execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        restore_indexes(dropped)
        execute("RESET work_mem; RESET maintenance_work_mem; RESET synchronous_commit; RESET jit")
        for table in big:
            execute(f"VACUUM (ANALYZE) {table}")
        execute("ANALYZE orgs_orgunit; ANALYZE orgs_membership; ANALYZE cases_casecategory")
    else:
        execute("ANALYZE")
    for table in () if os.environ.get("BENCH_KEEP_STAGING") else ("bench_seq", "bench_p", "bench_l"):
        execute(f"DROP TABLE IF EXISTS {table}")
    counts = {
        "cases": scalar("SELECT count(*) FROM cases_case"),
        "steps": scalar("SELECT count(*) FROM cases_casestep"),
        "followups": scalar("SELECT count(*) FROM cases_followup") if followups else 0,
        "seconds": time.perf_counter() - started,
        "insert_seconds": generated,
    }
    if pg:
        counts["size"] = scalar("SELECT pg_size_pretty(" + " + ".join(f"pg_total_relation_size('{t}')" for t in big) + ")")
    return counts


def drop_indexes(tables: list[str]) -> list[str]:
    """Drop the secondary indexes and unique constraints of the big tables (rebuilt after the
    load, which is much faster than maintaining them row by row); returns the DDL to restore
    them."""
    restore = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
            for name, definition in cursor.fetchall():
                restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [table],
            )
            for name, definition in cursor.fetchall():
                restore.append(definition)
                cursor.execute(f"DROP INDEX {name}")
    return restore


def restore_indexes(ddl: list[str]) -> None:
    for statement in ddl:
        execute(statement)


# ---------------------------------------------------------------- (a) KPIs
# (table, anchor column, KPI codes): the date that puts a row in a period, as in kpis.definitions
KPI_GROUPS = (
    ("cases_case", "dispatched_at", ("sign_on_time", "return")),
    ("cases_case", "handle_due", ("close_on_time", "overdue", "extension")),
    ("cases_followup", "at", ("satisfaction", "resolution")),
    ("cases_case", "received_at", ("repeat",)),
    ("cases_case", "replied_at", ("handling_days",)),
)
WIDTH = max(len(codes) for _t, _a, codes in KPI_GROUPS)


def kpi_conditions() -> dict[str, tuple[str, str | None]]:
    """code → (denominator, numerator) as SQL over the group's table; `%(now)s` is the clock.
    The numerator of the one average (handling_days) is the sum of the days (None here)."""
    from yixian.core.cases import kpis

    # a deadline counts once it has passed while the case was open (not merged away before it)
    due = "(replied_at IS NOT NULL OR (handle_due < %(now)s AND (closed_at IS NULL OR closed_at > handle_due)))"
    satisfied = ", ".join(f"'{s}'" for s in kpis._satisfied())
    return {
        "sign_on_time": (
            "sign_due IS NOT NULL AND (signed_at IS NOT NULL OR (sign_due < %(now)s AND (closed_at IS NULL OR closed_at > sign_due)))",
            "signed_on_time",
        ),
        "return": ("dispatched_at IS NOT NULL", "returns_count > 0"),
        "close_on_time": (due, "replied_on_time"),
        "overdue": (due, "(NOT replied_on_time OR replied_at IS NULL)"),
        "extension": (due, "extensions_count > 0"),
        "satisfaction": ("true", f"satisfaction IN ({satisfied})"),
        "resolution": ("true", "resolved"),
        "repeat": ("true", "is_repeat"),
        "handling_days": ("handling_workdays IS NOT NULL", None),
    }


def _aggregates(codes, cond) -> list[str]:
    cols = []
    for code in codes:
        den, num = cond[code]
        cols.append(f"count(*) FILTER (WHERE {den})")
        cols.append(f"sum(handling_workdays) FILTER (WHERE {den})" if num is None else f"count(*) FILTER (WHERE {den} AND {num})")
    return cols + ["NULL"] * (2 * (WIDTH - len(codes)))


def kpi_sql_per_anchor(sql: Sql) -> str:
    """One grouped SELECT per anchor (what kpis.compute does, written tight), glued by UNION
    ALL into one statement."""
    cond = kpi_conditions()
    return " UNION ALL ".join(
        f"SELECT {n} AS a, responsible_unit_id, {sql.month(anchor)} AS m, {', '.join(_aggregates(codes, cond))} FROM {table} "
        f"WHERE {anchor} >= %(start)s AND {anchor} < %(end)s GROUP BY 2, 3"
        for n, (table, anchor, codes) in enumerate(KPI_GROUPS)
    )


def kpi_sql_combos(sql: Sql) -> str:
    """One pass over the cases grouped by unit and the month of each anchor (a few thousand
    groups), folded per anchor afterwards; months found by binary search over the period's
    month boundaries (`%(edges)s`) instead of a time-zone conversion per row (PostgreSQL)."""
    cond = kpi_conditions()
    case_groups = [(n, anchor, codes) for n, (table, anchor, codes) in enumerate(KPI_GROUPS) if table == "cases_case"]
    keys = ", ".join(f"width_bucket({anchor}, e.e) AS b{n}" for n, anchor, _codes in case_groups)
    aggregates, folds = [], []
    for n, _anchor, codes in case_groups:
        names = []
        for slot, col in enumerate(_aggregates(codes, cond)[: 2 * len(codes)]):
            aggregates.append(f"{col} AS x{n}_{slot}")
            names.append(f"sum(x{n}_{slot})")
        names += ["NULL"] * (2 * (WIDTH - len(codes)))
        folds.append(
            f"SELECT {n} AS a, u, to_char(e.e[b{n}] AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS m, {', '.join(names)} "
            f"FROM g, e WHERE b{n} BETWEEN 1 AND array_length(e.e, 1) - 1 GROUP BY 2, 3"
        )
    others = [
        f"SELECT {n} AS a, responsible_unit_id, to_char({sql.month(anchor)}, 'YYYY-MM') AS m, {', '.join(_aggregates(codes, cond))} "
        f"FROM {table} "
        f"WHERE {anchor} >= %(start)s AND {anchor} < %(end)s GROUP BY 2, 3"
        for n, (table, anchor, codes) in enumerate(KPI_GROUPS)
        if table != "cases_case"
    ]
    ranges = " OR ".join(f"({anchor} >= %(start)s AND {anchor} < %(end)s)" for _n, anchor, _codes in case_groups)
    return (
        "WITH e AS (SELECT CAST(%(edges)s AS timestamptz[]) AS e), "
        f"g AS (SELECT responsible_unit_id AS u, {keys}, {', '.join(aggregates)} FROM cases_case, e WHERE {ranges} "
        f"GROUP BY 1, {', '.join(str(k + 2) for k in range(len(case_groups)))}) " + " UNION ALL ".join([*folds, *others])
    )


def kpi_rows_to_figures(rows) -> dict:
    """{(unit, 'YYYY-MM'): {code: (numerator, denominator)}} from the hand-written SQL."""
    figures = {}
    for a, unit, month, *values in rows:
        key = (unit, month if isinstance(month, str) else f"{month:%Y-%m}")
        bucket = figures.setdefault(key, {})
        for slot, code in enumerate(KPI_GROUPS[a][2]):
            den, num = values[2 * slot], values[2 * slot + 1]
            bucket[code] = (num or 0, den or 0)
    return figures


def orm_figures(values) -> dict:
    return {key: {code: (v.numerator, v.denominator) for code, v in bucket.items()} for key, bucket in values.items()}


def same_figures(orm: dict, hand: dict) -> tuple[bool, str]:
    keys = set(orm) | set(hand)
    for key in keys:
        for code in set(orm.get(key, {})) | set(hand.get(key, {})):
            a = orm.get(key, {}).get(code, (0, 0))
            b = hand.get(key, {}).get(code, (0, 0))
            if a[1] != b[1] or not math.isclose(float(a[0]), float(b[0]), rel_tol=1e-9, abs_tol=1e-9):
                return False, f"{key} {code}: ORM {a} vs SQL {b}"
    return True, f"{len(keys)} unit-months × {len(next(iter(orm.values())))} KPIs"


# ---------------------------------------------------------------- (b) the floor view
FLOOR_COLUMNS = (
    "c.id, c.number, c.case_type, c.category_id, c.title, c.description, c.priority, c.channel, c.requester_kind, "
    "c.requester_name, c.requester_phone, c.requester_org, c.org_unit_id, c.address, c.state, c.intake_unit_id, "
    "c.responsible_unit_id, c.handling_unit_id, h.name, c.received_at, c.dispatched_at, c.sign_due, c.signed_at, "
    "c.handle_due, c.replied_at, c.followup_due, c.followed_up_at, c.closed_at, c.current_due, c.reply, c.satisfaction, "
    "c.resolved, c.returns_count, c.extensions_count, c.reopen_count, c.extension_pending_days, c.is_supervised, "
    "c.is_repeat, c.duplicate_of_id, c.version"
)
FLOOR_NAMES = [c.split(".")[-1] for c in FLOOR_COLUMNS.replace("h.name", "handling_unit_name").split(", ")]
_MINE = (
    "SELECT m.org_unit_id FROM orgs_membership m WHERE m.person_id = %s AND m.start_date <= %s "
    "AND (m.end_date IS NULL OR m.end_date >= %s)"
)
# the page's 50 ids and the total from a narrow top-N, then the 50 full rows (a deferred join)
FLOOR_SQL = (
    f"SELECT {FLOOR_COLUMNS}, t.total FROM (SELECT id, received_at, count(*) OVER () AS total FROM cases_case "
    f"WHERE handling_unit_id IN ({_MINE}) AND state IN ('signed', 'in_progress') "
    "ORDER BY received_at DESC, id DESC LIMIT 50 OFFSET %s) t "
    "JOIN cases_case c ON c.id = t.id JOIN orgs_orgunit h ON h.id = c.handling_unit_id ORDER BY t.received_at DESC, t.id DESC"
)
FLOOR_COUNT = f"SELECT count(*) FROM cases_case WHERE handling_unit_id IN ({_MINE}) AND state IN ('signed', 'in_progress')"


def floor_view(request):
    """The floor: the handler's to-handle queue, 50 rows of it and the total, as JSON, from
    one hand-written query (a second one only for a page past the end)."""
    from django.utils import timezone

    if not request.user.is_authenticated:
        return JsonResponse({"detail": "login"}, status=403)
    page = int(request.GET.get("page", "1"))
    today = timezone.localdate()
    person = request.user.person_id
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [person, today, today, (page - 1) * PAGE_SIZE])
        rows = cursor.fetchall()
        if rows:
            total = rows[0][-1]
        else:
            cursor.execute(FLOOR_COUNT, [person, today, today])
            total = cursor.fetchone()[0]
    results = [dict(zip(FLOOR_NAMES, row[:-1], strict=True)) for row in rows]
    return JsonResponse({"count": total, "results": results}, json_dumps_params={"ensure_ascii": False})


urlpatterns: list = []


def install_floor_url() -> None:
    from django.urls import path

    root = importlib.import_module(settings.ROOT_URLCONF)
    urlpatterns[:] = [path("bench/cases-floor/", floor_view), *root.urlpatterns]
    for code in (400, 403, 404, 500):
        if hasattr(root, f"handler{code}"):
            globals()[f"handler{code}"] = getattr(root, f"handler{code}")


# ---------------------------------------------------------------- measuring
def measure(n: int, world: World, clock: Clock, sql: Sql, *, full: bool) -> dict:
    from yixian.core.cases import kpis
    from yixian.core.cases.models import Case
    from yixian.framework.registry import registry

    result: dict = {"n": n}
    resource = registry.resource_for(Case)
    qs = kpis.for_user(resource.get_queryset(world.center), world.center)  # as the KPI page and API do
    period = clock.period

    def orm():
        return kpis.compute(qs, period, now=clock.now, by_unit=True, by_month=True)

    adapt = connection.ops.adapt_datetimefield_value
    params = {"now": adapt(clock.now), "start": adapt(period.bounds()[0]), "end": adapt(period.bounds()[1])}
    if sql.pg:
        params["edges"] = [m.bounds()[0] for m in period.months()] + [period.bounds()[1]]
    candidates = {"per anchor": kpi_sql_per_anchor(sql)}
    if sql.pg:
        candidates["one pass"] = kpi_sql_combos(sql)

    def hand(text):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(text, params)
                return cursor.fetchall()

        return run

    values = orm()
    result["kpi_groups"] = len(values)
    for name, text in candidates.items():
        ok, detail = same_figures(orm_figures(values), kpi_rows_to_figures(hand(text)()))
        if not ok:
            raise AssertionError(f"KPI figures differ ({name}): {detail}")
        result["kpi_check"] = detail
    with CaptureQueriesContext(connection) as q:
        orm()
    result["kpi_queries"] = len(q)
    peaks = []
    for _ in range(3):  # the least of three: the first run also fills Django's caches
        gc.collect()
        tracemalloc.start()
        orm()
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    result["kpi_peak"] = min(peaks)
    if not full:
        result.update(worklist_queries(world))
        return result
    kpi_repeat = max(5, REPEAT // 8)
    # PostgreSQL's JIT (on by default) spends a second or more compiling a large one-off
    # statement such as the one-pass SQL; the KPIs are timed without it, on both sides.
    jit = sql.pg and scalar("SHOW jit") == "on"
    if jit:
        execute("SET jit = off")
    result["kpi_orm"] = timed(orm, kpi_repeat)
    result["kpi_sql"] = {name: timed(hand(text), kpi_repeat) for name, text in candidates.items()}
    if jit:
        execute("RESET jit")
    result["kpi_jit_off"] = jit
    result.update(worklist_queries(world))
    result.update(worklist_times(world))
    return result


def worklist_queries(world: World) -> dict:
    client = Client()
    client.force_login(world.handler)
    total = client.get("/api/cases/cases/?queue=to_handle").json()["count"]
    later = max(1, min(3, math.ceil(total / PAGE_SIZE)))
    counts = {"worklist_rows": total, "later_page": later}
    for kind, url in (("api", "/api/cases/cases/?queue=to_handle"), ("page", "/cases/cases/?queue=to_handle")):
        for page in (1, later):
            with CaptureQueriesContext(connection) as q:
                response = client.get(f"{url}&page={page}")
            assert response.status_code == 200, (url, response.status_code)
            counts[f"{kind}_q{page}"] = len(q)
    return counts


def worklist_times(world: World) -> dict:
    client = Client()
    client.force_login(world.handler)
    times = {}
    install_floor_url()
    with override_settings(ROOT_URLCONF=__name__):
        api = client.get("/api/cases/cases/?queue=to_handle").json()
        floor = client.get("/bench/cases-floor/").json()
        if [r["id"] for r in api["results"]] != [r["id"] for r in floor["results"]] or api["count"] != floor["count"]:
            raise AssertionError("the floor view does not return the API's rows")
        for kind, url in (
            ("floor", "/bench/cases-floor/?page=1"),
            ("api", "/api/cases/cases/?queue=to_handle&page=1"),
            ("page", "/cases/cases/?queue=to_handle&page=1"),
        ):

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            times[kind] = timed(get)
    return times


# ---------------------------------------------------------------- the run
def run() -> None:
    sql = Sql()
    default = 1_000_000 if sql.pg else 20_000
    large = int(os.environ.get("BENCH_CASES", default))
    small = int(os.environ.get("BENCH_CASES_SMALL", max(large // 10, 1000)))
    world = World()
    world.lookup_tables(sql)
    clock = Clock()
    print()
    print(f"yixian case bench — {connection.vendor}, 30 responsible units, cases received {clock.period.start:%Y-%m-%d} … today")
    if sql.pg:
        names = ("jit", "shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        print("  server: " + ", ".join(f"{name} {scalar(f'SHOW {name}')}" for name in names))
    else:
        print(f"  SQLite: {large:,} cases by default (1,000,000 on PostgreSQL; BENCH_CASES to change)")
    results = []
    for n in (small, large):
        counts = generate(n, world, clock, sql)
        size = f", {counts['size']} with indexes" if "size" in counts else ""
        print(
            f"  generated {counts['cases']:,} cases, {counts['steps']:,} steps, {counts['followups']:,} follow-ups "
            f"in {counts['seconds']:.0f} s (rows {counts['insert_seconds']:.0f} s, then indexes and VACUUM ANALYZE{size})"
        )
        results.append(measure(n, world, clock, sql, full=n == large))
    report(results, clock)


def report(results: list[dict], clock: Clock) -> None:
    small, large = results
    print(
        f"  load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores: more than ~0.5 means other work shared them)"
    )
    print(
        f"(a) KPIs for {clock.period.code}, by unit and month ({large['kpi_groups']} unit-months; {large['kpi_check']} equal to the SQL)"
        + ("; timed with jit off" if large["kpi_jit_off"] else "")
    )
    o50, o95 = large["kpi_orm"]
    best = min(large["kpi_sql"].items(), key=lambda kv: kv[1][0])
    for name, (s50, s95) in large["kpi_sql"].items():
        mark = "  ← floor" if name == best[0] else ""
        print(f"  hand-written SQL, {name:10s}          p50 {s50:8.0f} ms  p95 {s95:8.0f} ms{mark}")
    print(
        f"  kpis.compute (page and API)          p50 {o50:8.0f} ms  p95 {o95:8.0f} ms  ratio {o50 / best[1][0]:4.2f}x  "
        f"queries {large['kpi_queries']}"
    )
    later, small_later = large["later_page"], small["later_page"]
    print(
        f"(b) work list of a 区城管局 handler, queue=to_handle: {large['worklist_rows']:,} cases "
        f"(API 50 a page, HTML page 25; queries on page 1 / page {later})"
    )
    f50, f95 = large["floor"]
    print(f"  floor: bare view, hand SQL, 50 rows + total as JSON  p50 {f50:6.1f} ms  p95 {f95:6.1f} ms")
    for kind, label in (("api", "API  /api/cases/cases/?queue=to_handle"), ("page", "HTML /cases/cases/?queue=to_handle")):
        p50, p95 = large[kind]
        here = f"{large[kind + '_q1']} / {large[kind + f'_q{later}']}"
        there = f"{small[kind + '_q1']} / {small[kind + f'_q{small_later}']}"
        print(
            f"  {label:38s}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ratio {p50 / f50:4.2f}x  "
            f"queries {here} (at {small['n']:,} cases: {there})"
        )
    pages = all(r[k + "_q1"] == r[k + f"_q{r['later_page']}"] for r in results for k in ("api", "page"))
    sizes = all(large[k + "_q1"] == small[k + "_q1"] for k in ("api", "page"))
    print(
        f"  queries per page the same on every page: {'yes' if pages else 'NO'}; at both data sizes: {'yes' if sizes else 'NO'}"
    )
    print("(c) peak Python memory of kpis.compute (tracemalloc)")
    for r in results:
        print(
            f"  {r['n']:>10,} cases: {r['kpi_peak'] / 1024:7.0f} KiB ({r['kpi_groups']} unit-months, {r['kpi_queries']} queries)"
        )
    growth = large["kpi_peak"] / max(small["kpi_peak"], 1)
    print(f"  ×{growth:.2f} for ×{large['n'] / small['n']:.0f} the cases")
