"""Demo data of major projects: the 12 service groups' cadres, industries, stage templates and
some 80 projects across the 18 streets of Gongshu, at every stage and every light on the demo's
today (2026-11-27), with 2026 annual plans, monthly investment January–October, site visits
and blockers handled through the case engine.

Everything goes through the project services (`create_project`, `reach_stage`,
`report_investment`, `log_visit`, `raise_blocker`, `sweep`) and the case engine's `act`, with
explicit `now=` moments in 2026, replayed in time order so the light history of each month is
what the nightly sweep would have recorded. Deterministic (`random.Random(SEED)`); idempotent:
the cadres are matched by staff number, the projects by code (when any demo project exists no
project is added).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.utils import timezone

from yixian.core.orgs.gongshu import STREETS
from yixian.core.orgs.models import CadreType, Membership, OrgUnit, OrgUnitKind, Person

from . import services
from .models import (
    STAGE_ORDER,
    Blocker,
    BlockerKind,
    Industry,
    InvestmentReport,
    Light,
    Milestone,
    Project,
    ProjectKind,
    Stage,
    StageTemplate,
)

ORDER = 60  # after orgs (10), accounts (20) and cases (30): needs the units, the logins, the case categories
SEED = 20261127
TODAY = dt.date(2026, 11, 27)
GROUP_START = dt.date(2025, 3, 1)  # the service groups were formed
CREATED_ON = dt.date(2026, 1, 5)  # the projects were entered into the system
CODE_PREFIX = "ZDXM-"
PROJECTS = 80
CENT = Decimal("0.01")

INDUSTRIES = [
    ("digital", "数字经济"),
    ("health", "生命健康"),
    ("manufacturing", "智能制造"),
    ("culture", "文化创意"),
    ("commerce", "商贸商务"),
    ("finance", "金融服务"),
    ("logistics", "现代物流"),
    ("renewal", "城市更新"),
    ("low-altitude", "低空经济"),
    ("synbio", "合成生物"),
    ("infrastructure", "基础设施"),
    ("livelihood", "社会民生"),
]

# kind → (stage, planned months after signing); "other" keeps all eight stages (no rows)
STAGE_TEMPLATES = {
    ProjectKind.INDUSTRIAL: [
        (Stage.SIGNED, 0),
        (Stage.REGISTERED, 1),
        (Stage.LAND, 3),
        (Stage.STARTED, 6),
        (Stage.COMPLETED, 24),
        (Stage.PRODUCTION, 27),
        (Stage.CAPACITY, 36),
        (Stage.OUTPUT, 48),
    ],
    ProjectKind.INVESTMENT: [
        (Stage.SIGNED, 0),
        (Stage.REGISTERED, 1),
        (Stage.LAND, 4),
        (Stage.STARTED, 8),
        (Stage.COMPLETED, 26),
        (Stage.PRODUCTION, 30),
    ],
    ProjectKind.CONSTRUCTION: [(Stage.LAND, 0), (Stage.STARTED, 3), (Stage.COMPLETED, 24)],
    ProjectKind.RENEWAL: [(Stage.SIGNED, 0), (Stage.STARTED, 4), (Stage.COMPLETED, 18)],
}

# per service group (SG01…SG12): industries, kinds it serves
GROUP_FOCUS = [
    (("commerce", "finance", "digital"), (ProjectKind.INDUSTRIAL, ProjectKind.INVESTMENT)),
    (("digital", "commerce", "health"), (ProjectKind.INVESTMENT,)),
    (("manufacturing", "digital", "health"), (ProjectKind.INDUSTRIAL,)),
    (("digital",), (ProjectKind.INDUSTRIAL, ProjectKind.INVESTMENT)),
    (("health",), (ProjectKind.INDUSTRIAL, ProjectKind.INVESTMENT)),
    (("low-altitude", "manufacturing"), (ProjectKind.INDUSTRIAL, ProjectKind.INVESTMENT)),
    (("synbio", "health"), (ProjectKind.INDUSTRIAL,)),
    (("renewal",), (ProjectKind.RENEWAL,)),
    (("culture", "commerce", "logistics"), (ProjectKind.INDUSTRIAL, ProjectKind.RENEWAL, ProjectKind.OTHER)),
    (("commerce", "culture"), (ProjectKind.INVESTMENT, ProjectKind.OTHER)),
    (("infrastructure", "logistics"), (ProjectKind.CONSTRUCTION,)),
    (("livelihood",), (ProjectKind.CONSTRUCTION, ProjectKind.OTHER)),
]
LEAD_DEPARTMENTS = {
    ProjectKind.INDUSTRIAL: ("D-FGJ", "D-JXJ", "D-KJJ"),
    ProjectKind.INVESTMENT: ("D-TCJ", "D-SWJ", "D-FGJ"),
    ProjectKind.CONSTRUCTION: ("D-ZJJ", "D-FGJ"),
    ProjectKind.RENEWAL: ("D-ZJJ", "D-GZJ"),
    ProjectKind.OTHER: ("D-FGJ", "D-SWJ"),
}
BLOCKER_DEPARTMENTS = {
    BlockerKind.LAND: "D-GZJ",
    BlockerKind.APPROVAL: "D-ZJJ",
    BlockerKind.POLICY: "D-FGJ",
    BlockerKind.FUNDING: "D-FGJ",
    BlockerKind.INFRA: "D-CGJ",
    BlockerKind.DEMOLITION: "D-ZJJ",
    BlockerKind.TALENT: "D-RSJ",
    BlockerKind.OTHER: "D-SWJ",
}
BLOCKER_TEXTS = {
    BlockerKind.LAND: ("地块规划指标调整待批", "项目用地容积率需按产业用地新政调整，规划条件核定尚未完成，影响土地出让。"),
    BlockerKind.APPROVAL: ("施工许可办理卡在消防审查", "消防设计审查意见反复修改，施工许可证迟迟未能核发，总包单位已进场待命。"),
    BlockerKind.POLICY: ("产业扶持资金兑现滞后", "去年签约时承诺的设备投入补助尚未兑现，企业追加投资决策受影响。"),
    BlockerKind.FUNDING: ("项目贷款授信未落实", "银行授信审批进度慢，项目二期建设资金存在缺口，需协调政银企对接。"),
    BlockerKind.INFRA: ("市政配套道路未贯通", "项目北侧规划支路尚未贯通，施工车辆进出受限，影响主体结构施工进度。"),
    BlockerKind.DEMOLITION: ("红线内两户未完成腾退", "项目红线范围内仍有两户未签约腾退，影响交地和桩基施工。"),
    BlockerKind.TALENT: ("研发人员人才公寓需求", "企业新引进研发团队约 40 人，急需人才公寓和子女入学政策支持。"),
    BlockerKind.OTHER: ("施工夜间作业许可", "混凝土浇筑需连续作业，夜间施工许可审批时间长，影响工期。"),
}
REPLIES = (
    "已会同相关部门现场协调，明确办理路径和时间节点，问题已解决。",
    "已召开专题协调会，相关审批已完成，企业表示满意。",
    "已出具书面意见并督促责任单位落实，后续将持续跟踪。",
)
VISIT_FINDINGS = (
    "项目现场施工有序，主体结构按计划推进，企业反映用工基本稳定。",
    "与企业负责人座谈，了解下一步投资计划和需要政府协调的事项。",
    "实地查看项目进度，督促按节点推进，提醒做好安全生产和文明施工。",
    "走访了解企业达产达效情况，企业希望在人才引进方面得到支持。",
    "现场核实月度投资完成情况，指导企业规范填报统计数据。",
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建文斌宇浩凯健俊帆帅旭宁婷雪琳晨晓峰海波云飞鑫鸿毅诚立志国庆春荣"
)
SPECIALTIES = (
    "规划审批",
    "招商引资",
    "财务金融",
    "工程建设",
    "企业服务",
    "法律政策",
    "统计分析",
    "产业研究",
    "土地征迁",
    "环境评价",
)
LEADERS = ("周卫东", "陈立群", "沈晓燕", "王建国", "许明华", "朱海峰")
PLACES = (
    "运河",
    "拱宸",
    "大关",
    "祥符",
    "康桥",
    "半山",
    "武林",
    "湖墅",
    "申花",
    "上塘",
    "石桥",
    "东新",
    "文晖",
    "朝晖",
    "潮鸣",
    "和睦",
    "小河",
    "天水",
)
ROADS = (
    "莫干山路",
    "湖墅南路",
    "丽水路",
    "上塘路",
    "石祥路",
    "东新路",
    "延安路",
    "中山北路",
    "登云路",
    "大关路",
    "香积寺路",
    "沈半路",
    "半山路",
    "康桥路",
    "祥园路",
    "学院路",
    "体育场路",
    "环城北路",
)
SUFFIX = {
    "digital": ("数字产业园", "智算中心", "数字经济总部", "软件产业基地"),
    "health": ("生物医药研发中心", "医疗器械产业园", "生命健康创新中心"),
    "manufacturing": ("智能装备产业基地", "高端制造中心", "智能工厂"),
    "culture": ("文创街区", "数字文化产业园", "文旅综合体"),
    "commerce": ("商业综合体", "商务总部大楼", "首店经济街区"),
    "finance": ("金融科技中心", "财富管理总部"),
    "logistics": ("城市物流枢纽", "智慧冷链中心"),
    "renewal": ("有机更新项目", "老旧小区综合改造", "工业遗存更新项目"),
    "low-altitude": ("低空经济产业园", "无人机研发中心"),
    "synbio": ("合成生物创新中心", "生物制造中试基地"),
    "infrastructure": ("综合管廊工程", "快速路配套工程", "地下停车场"),
    "livelihood": ("九年一贯制学校", "社区卫生服务中心", "养老服务综合体"),
}
OWNER_WORDS = (
    "华创",
    "恒达",
    "中瑞",
    "博远",
    "运通",
    "众诚",
    "汇智",
    "新禾",
    "宏图",
    "云启",
    "金桥",
    "天行",
    "鼎盛",
    "安澜",
    "瑞丰",
    "启明",
)

# scenario → how many projects; what the light shows on TODAY and why
SCENARIOS = [
    ("done", 2),  # reached 达效: no light
    ("overdue", 4),  # red: a milestone overdue
    ("not_started", 2),  # red: not started 3 months after planned start
    ("lag_red", 3),  # red: investment lag > 30 pp
    ("blocker_red", 2),  # red: a blocker past its deadline (supervised)
    ("soon", 6),  # yellow: a milestone due within 15 days
    ("lag_yellow", 6),  # yellow: investment lag 10–30 pp
]


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load(ctx, *, now: dt.datetime | None = None, seed: int = SEED) -> None:
    started = time.monotonic()
    now = now or moment(TODAY, 9)
    rng = random.Random(seed)
    industries = ensure_reference()
    groups = list(OrgUnit.objects.filter(kind=OrgUnitKind.SERVICE_GROUP, code__regex=r"^SG\d\d$").order_by("code"))
    if len(groups) != 12:
        ctx.note("重大项目：未找到 12 个专项服务组，跳过演示数据")
        return
    members = ensure_cadres(rng, groups)
    leaders = ensure_leaders()
    if Project.objects.filter(code__startswith=CODE_PREFIX).exists():
        ctx.note(f"重大项目：已有演示项目 {Project.objects.filter(code__startswith=CODE_PREFIX).count()} 个，未重复生成")
        return
    demo = DemoProjects(rng, now, groups, members, leaders, industries)
    demo.run()
    lights = dict.fromkeys(Light.values, 0)
    for light in Project.objects.filter(code__startswith=CODE_PREFIX).values_list("light", flat=True):
        lights[light] += 1
    ctx.note(
        f"重大项目 {demo.created} 个（红灯 {lights['red']}、黄灯 {lights['yellow']}、绿灯 {lights['green']}、已达效 {lights['none']}），"
        f"服务组干部 {sum(len(m) for m in members.values())} 人，堵点 {demo.blockers} 个，走访 {demo.visits} 次，"
        f"用时 {time.monotonic() - started:.1f} 秒"
    )


def ensure_reference() -> dict[str, Industry]:
    industries = {}
    for order, (code, name) in enumerate(INDUSTRIES, start=1):
        industry, _created = Industry.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
        industries[code] = industry
    for kind, rows in STAGE_TEMPLATES.items():
        for stage, months in rows:
            StageTemplate.objects.get_or_create(kind=kind, stage=stage, defaults={"offset_months": months})
    return industries


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name


def ensure_cadres(rng: random.Random, groups: list[OrgUnit]) -> dict[int, list[Person]]:
    """143 professional, 54 second-line and 24 young cadres, each a member of one group; the
    first professional cadre of each group leads it (组长). Returns group pk → its persons."""
    homes = list(OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT).order_by("code"))
    streets = list(OrgUnit.objects.filter(kind=OrgUnitKind.STREET).order_by("code"))
    used: set[str] = set()
    plan = []  # (staff_no, cadre_type, group index, title)
    for kind, prefix, count in (
        (CadreType.PROFESSIONAL, "SGP", 143),
        (CadreType.SECOND_LINE, "SGS", 54),
        (CadreType.YOUNG, "SGY", 24),
    ):
        for i in range(count):
            group = i % 12
            if kind == CadreType.PROFESSIONAL:
                title = "组长" if i < 12 else "成员"
            elif kind == CadreType.SECOND_LINE:
                title = "副组长" if i < 12 else "成员"
            else:
                title = "联络员"
            plan.append((f"{prefix}{i + 1:03d}", kind, group, title))
    existing = {p.staff_no: p for p in Person.objects.filter(staff_no__in=[s for s, *_r in plan])}
    new = []
    for index, (staff_no, kind, _group, _title) in enumerate(plan):
        name = _name(rng, used)
        gender = rng.choice("MF")
        specialty = rng.choice(SPECIALTIES)
        if staff_no in existing:
            continue
        if kind == CadreType.PROFESSIONAL:
            home, position = rng.choice(homes), rng.choice(("科长", "副科长", "一级主任科员", "二级主任科员"))
        elif kind == CadreType.SECOND_LINE:
            home = rng.choice(homes + streets)
            position = "原" + rng.choice(("副局长", "副主任", "调研员", "党工委委员"))
        else:
            home, position = rng.choice(streets + homes), rng.choice(("科员", "一级科员"))
        new.append(
            Person(
                name=name,
                gender=gender,
                org_unit=home,
                position=position,
                cadre_type=kind,
                specialty=specialty,
                mobile=f"13{7 + index % 3}0571{index:04d}",
                staff_no=staff_no,
            )
        )
    Person.objects.bulk_create(new)
    people = {p.staff_no: p for p in Person.objects.filter(staff_no__in=[s for s, *_r in plan])}
    have = set(Membership.objects.filter(person__in=people.values(), org_unit__in=groups).values_list("person_id", "org_unit_id"))
    Membership.objects.bulk_create(
        [
            Membership(person=people[s], org_unit=groups[g], title=title, start_date=GROUP_START)
            for s, _k, g, title in plan
            if (people[s].pk, groups[g].pk) not in have
        ]
    )
    members: dict[int, list[Person]] = {g.pk: [] for g in groups}
    for s, _k, g, _t in plan:
        members[groups[g].pk].append(people[s])
    return members


def ensure_leaders() -> list[Person]:
    district = OrgUnit.objects.filter(kind=OrgUnitKind.DISTRICT).order_by("depth").first()
    leaders = []
    for i, name in enumerate(LEADERS, start=1):
        person, _created = Person.objects.get_or_create(
            staff_no=f"QLD{i:02d}", defaults={"name": name, "org_unit": district, "position": "副区长"}
        )
        leaders.append(person)
    return leaders


def credit_code(rng: random.Random) -> str:
    """A valid unified social credit code registered in Gongshu (DOMAIN_RULES §1)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    head = "91330105" + org
    alphabet = services.CREDIT_ALPHABET
    total = sum(alphabet.index(c) * w for c, w in zip(head, services.CREDIT_WEIGHTS, strict=True))
    return head + alphabet[(31 - total % 31) % 31]


class DemoProjects:
    """Plans every project, then replays all its events (creation, stages, investment, visits,
    blockers and their handling) in time order through the services."""

    def __init__(self, rng, now, groups, members, leaders, industries):
        self.rng, self.now, self.today = rng, now, timezone.localdate(now)
        self.groups, self.members, self.leaders, self.industries = groups, members, leaders, industries
        self.streets = [OrgUnit.objects.get(code=code) for code, _n, _s in STREETS]
        self.units = {u.code: u for u in OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT)}
        self.events: list[tuple] = []
        self.created = self.blockers = self.visits = 0

    def days(self, a: int, b: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(a, b))

    def run(self) -> None:
        scenarios = [s for s, n in SCENARIOS for _ in range(n)]
        scenarios += ["green"] * (PROJECTS - len(scenarios))
        self.rng.shuffle(scenarios)
        names: set[str] = set()
        for i, scenario in enumerate(scenarios):
            self.plan_project(i, scenario, names)
        self.events.sort(key=lambda e: (e[0], e[1]))
        for _at, _seq, fn, args in self.events:
            fn(*args)
        services.sweep(now=self.now)

    def add(self, at: dt.datetime, fn, *args) -> None:
        self.events.append((at, len(self.events), fn, args))

    # ------------------------------------------------------------ planning
    def plan_project(self, i: int, scenario: str, names: set[str]) -> None:
        rng = self.rng
        group_index = i % 12
        focus, kinds = GROUP_FOCUS[group_index]
        industry = rng.choice(focus)
        kind = rng.choice(kinds)
        if scenario == "done":
            kind = ProjectKind.INDUSTRIAL  # only kinds that reach 达效 end as done
        stages = [s for s, _m in STAGE_TEMPLATES.get(kind, [(s, 0) for s in Stage.values])]
        start_index = stages.index(Stage.STARTED)
        if scenario == "done":
            reached = len(stages)
        elif scenario == "not_started":
            reached = start_index
        elif scenario in ("lag_red", "lag_yellow", "blocker_red"):
            reached = rng.randint(start_index + 1, len(stages) - 1)
        else:
            reached = rng.randint(0, len(stages) - 1)
        planned, actual = self.dates(stages, reached, scenario)
        while True:
            name = f"{rng.choice(PLACES)}{rng.choice(SUFFIX[industry])}"
            if name not in names:
                names.add(name)
                break
        total = Decimal(rng.choice((2, 3, 5, 8, 12, 15, 20, 30, 45, 60)) * 10000 + rng.randint(0, 99) * 100)
        building = reached > start_index and scenario != "done"
        annual = (total * Decimal(rng.randint(14, 32)) / 100).quantize(Decimal(1)) if building else None
        street = self.streets[(i * 7 + rng.randint(0, 1)) % 18]
        group = self.groups[group_index]
        spec = {
            "code": f"{CODE_PREFIX}{i + 1:03d}",
            "name": name,
            "kind": kind,
            "owner_name": f"杭州{rng.choice(OWNER_WORDS)}{SUFFIX[industry][0][:2]}{rng.choice(('科技', '实业', '发展', '置业'))}有限公司",
            "owner_credit_code": credit_code(rng),
            "industry": self.industries[industry],
            "org_unit": street,
            "location": f"{street.short_name}街道{rng.choice(ROADS)}{rng.randint(1, 600)}号",
            "total_investment": total,
            "lead_department": self.units[rng.choice(LEAD_DEPARTMENTS[kind])],
            "service_group": group,
            "leader": rng.choice(self.leaders),
            "cadres": rng.sample(self.members[group.pk], 2),
            "description": f"项目总投资约 {total / 10000:.1f} 亿元，建设{SUFFIX[industry][0]}及配套设施。",
            "plan": planned,
            "annual_plans": {2026: annual} if annual else None,
        }
        created_at = moment(CREATED_ON, 9)
        box: dict = {}
        history = {s: actual[s] for s in stages[:reached] if actual[s] < CREATED_ON}
        self.add(created_at, self.create, box, spec, history)
        for stage in stages[len(history) : reached]:
            day = actual[stage]
            self.add(moment(day, 17), self.reach, box, stage, day)
        if annual:
            self.plan_investment(box, annual, scenario)
        self.plan_visits(box, spec, scenario)
        self.plan_blockers(box, spec, scenario)

    def dates(self, stages: list[str], reached: int, scenario: str) -> tuple[dict, dict]:
        """Planned dates of every stage and actual dates of the first `reached` ones."""
        today = self.today
        if reached < len(stages):
            gap = {
                "overdue": (-55, -8),
                "not_started": (-200, -100),
                "soon": (3, 13),
            }.get(scenario, (25, 320))
            upcoming = today + self.days(*gap)
        else:
            upcoming = today + self.days(10, 40)  # after the last stage: only bounds the actual dates
        planned: dict[str, dt.date] = {}
        actual: dict[str, dt.date] = {}
        last = min(upcoming - self.days(15, 90), today - self.days(20, 300))
        for stage in reversed(stages[:reached]):
            actual[stage] = last
            last = last - self.days(30, 240)
        for stage in stages[:reached]:
            planned[stage] = actual[stage] + self.days(-25, 20)
        day = upcoming
        for stage in stages[reached:]:
            planned[stage] = day
            day = day + self.days(90, 420)
        ordered = sorted(planned, key=STAGE_ORDER.get)
        for a, b in zip(reversed(ordered[:-1]), reversed(ordered[1:]), strict=True):
            planned[a] = min(planned[a], planned[b])
        return planned, actual

    def plan_investment(self, box: dict, annual: Decimal, scenario: str) -> None:
        rng = self.rng
        ratio = {
            "lag_red": (30, 48),
            "lag_yellow": (58, 70),
        }.get(scenario, (78, 104))
        done = annual * Decimal(rng.randint(*ratio)) / 100
        weights = [rng.uniform(0.5, 1.0) * (0.6 if m in (1, 2) else 1.0) for m in range(1, 11)]
        scale = sum(weights)
        amounts = [(done * Decimal(w / scale)).quantize(CENT) for w in weights]
        amounts[-1] = (done - sum(amounts[:-1])).quantize(CENT)
        months = [(dt.date(2026, m, 1), max(a, Decimal(0))) for m, a in enumerate(amounts, start=1)]
        for batch in (months[:6], months[6:]):  # as reported at mid-year and in November
            reported = dt.date(2026, batch[-1][0].month + 1, rng.randint(3, 10))
            self.add(moment(reported, 11), self.invest, box, batch, reported)

    def plan_visits(self, box: dict, spec: dict, scenario: str) -> None:
        rng = self.rng
        count = rng.choice((0, 0, 1, 1, 2))
        days = sorted(dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(60, 325)) for _ in range(count))
        if rng.random() < 0.35:
            days.append(self.today - self.days(1, 20))  # some this month
        for day in days:
            people = rng.sample(self.members[spec["service_group"].pk], 2)
            self.add(moment(day, 15), self.visit, box, day, rng.choice(VISIT_FINDINGS), people, None)

    def plan_blockers(self, box: dict, spec: dict, scenario: str) -> None:
        rng = self.rng
        outcomes = []
        if scenario == "blocker_red":
            outcomes.append(("overdue", self.today - self.days(24, 34)))
        roll = rng.random()
        if roll < 0.30:
            outcomes.append(("on_time", dt.date(2026, 1, 1) + self.days(40, 290)))
        elif roll < 0.42:
            outcomes.append(("late", dt.date(2026, 1, 1) + self.days(40, 270)))
        elif roll < 0.52 and scenario != "blocker_red":
            outcomes.append(("open", self.today - self.days(1, 8)))
        for outcome, day in outcomes:
            kind = rng.choice(BlockerKind.values)
            via_visit = rng.random() < 0.5
            self.add(moment(day, 14), self.blocker, box, spec, kind, day, outcome, via_visit)

    # ------------------------------------------------------------ replay
    def create(self, box: dict, spec: dict, history: dict) -> None:
        """Enter the project; stages reached before it was entered are its history (as an
        import of the bureau's sheet would bring them), recorded without evidence."""
        at = moment(CREATED_ON, 9)
        project = services.create_project(actor=None, now=at, **spec)
        for stage, day in history.items():
            Milestone.objects.filter(project=project, stage=stage).update(actual_date=day)
        if history:
            services.refresh_project(project, now=at)
        box["project"] = project
        self.created += 1

    def reach(self, box: dict, stage: str, day: dt.date) -> None:
        when = max(moment(day, 17), moment(CREATED_ON, 9))
        services.reach_stage(box["project"], actor=None, stage=stage, actual_date=day, now=when)

    def invest(self, box: dict, months: list, reported: dt.date) -> None:
        """Months reported together (the earlier ones as a batch), the last through the service."""
        project = box["project"]
        InvestmentReport.objects.bulk_create([InvestmentReport(project=project, month=m, amount=a) for m, a in months[:-1]])
        month, amount = months[-1]
        services.report_investment(project, actor=None, month=month, amount=amount, now=moment(reported, 11))

    def visit(self, box: dict, day: dt.date, findings: str, people, blockers) -> None:
        services.log_visit(
            box["project"],
            actor=None,
            occurred_on=day,
            findings=findings,
            participants=people,
            blockers=blockers or (),
            now=moment(day, 16),
        )
        self.visits += 1

    def blocker(self, box: dict, spec: dict, kind: str, day: dt.date, outcome: str, via_visit: bool) -> None:
        from yixian.core.cases.services import act

        project = box["project"]
        title, text = BLOCKER_TEXTS[kind]
        department = self.units[BLOCKER_DEPARTMENTS[kind]]
        at = moment(day, 14)
        if via_visit:
            people = self.rng.sample(self.members[spec["service_group"].pk], 2)
            activity = services.log_visit(
                project,
                actor=None,
                occurred_on=day,
                findings=f"走访中企业反映：{text}",
                participants=people,
                blockers=[{"title": title, "description": text, "kind": kind, "department": department}],
                now=at,
            )
            blocker = Blocker.objects.filter(visit=activity).select_related("case").get()
            self.visits += 1
        else:
            blocker = services.raise_blocker(
                project, actor=None, title=title, description=text, kind=kind, department=department, now=at
            )
        self.blockers += 1
        case = blocker.case
        if outcome in ("overdue", "open"):
            if self.rng.random() < 0.6:
                act(case, "sign", system=True, now=at + dt.timedelta(hours=20), actor_name=department.name)
            return
        case = act(case, "sign", system=True, now=at + dt.timedelta(hours=18), actor_name=department.name)
        due = case.handle_due
        if outcome == "on_time":
            replied = at + (due - at) * self.rng.uniform(0.2, 0.85)
        else:
            services.supervise_overdue(Blocker.objects.filter(pk=blocker.pk), now=due + dt.timedelta(hours=10))
            replied = due + dt.timedelta(days=self.rng.randint(2, 12))
        replied = min(replied, self.now - dt.timedelta(hours=2))
        case = act(case, "reply", system=True, now=replied, note=self.rng.choice(REPLIES), actor_name=department.name)
        closing = min(replied + dt.timedelta(days=2), self.now - dt.timedelta(hours=1))
        act(case, "close", system=True, now=closing, note="企业确认问题已解决，办结。")
