"""Demo cases: a year of resident requests and enterprise demands across departments and streets.

About 2,400 cases received over the twelve months up to today, dispatched by the district's
dispatcher (`paidan`) to departments (the category's default unit) or to the street of the
place (some passed on to a community), handled by units with "personalities" (some sign late,
some return more, some ask for extensions, some leave requesters unsatisfied), so the KPI page shows
believable and different figures; plus a few cases per demo login so every work list has
something to sign, to handle, due soon and overdue.

Every case goes through the engine's own steps. Writing each step to the database through
`services.act` costs about 10 ms (row lock, before-image read and change-log row of the audit
signal, full-row update, step and notice inserts), which for ~23,000 steps is several minutes.
So the seeder *replays* the engine in memory: `EngineReplay` calls the very rule functions and
`services._apply` of the service (the same checks of state, permission and scope, the same
deadlines, KPI facts and timeline steps), with the step and notice inserts collected instead
of written (`services.CaseStep` and `services.Notification` are swapped for collectors while
the replay runs: process-wide, so only for a command such as `load_demo`, never in a server),
and it stores the result in bulk at the end. What it does not produce is the
change log (`ObjectChange`) of each step: a bulk load writes none, as for any data import.
The SLA watch (`tasks.sweep`, every few minutes) is replayed the same way, so overdue cases
carry their 超期 step and are under supervision as they would be in a running system.

Idempotent: a demo case is marked by `{"demo": true}` in the data of its receive step; when
any exists, nothing is added. Deterministic for a given day: `random.Random(seed)`.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.calendar.services import UnknownYearError, add_working_days, is_working_day
from yixian.core.orgs.models import OrgUnit
from yixian.framework.validators import normalise_mobile

from . import demo_text as T
from . import services
from .models import Case, CaseCategory, CaseState, CaseStep, Channel, FollowUp, Notification, Priority, StepAction
from .similar import keywords_for
from .types import get_case_type, policy_for

ORDER = 30  # after orgs (10) and accounts (20): needs the units and the demo logins
SIZE = 2400  # cases; `settings.YIXIAN_DEMO_CASES` overrides
SEED = 20260
DEMO_KEY = "demo"  # key in the receive step's data that marks a demo case

S = CaseState
WATCHED = (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED)  # as tasks.WATCHED_STATES
SWEEP_SECONDS = 300  # the SLA watch runs every five minutes
UTC = dt.UTC
DATETIME_FIELDS = [f.attname for f in Case._meta.concrete_fields if f.get_internal_type() == "DateTimeField"]


def demo_cases():
    """The cases this seeder made."""
    ids = CaseStep.objects.filter(action=StepAction.RECEIVE, data__has_key=DEMO_KEY).values("case_id")
    return Case.objects.filter(pk__in=ids)


def load(ctx, size: int | None = None, seed: int = SEED, now: dt.datetime | None = None) -> None:
    """Link the categories' default units, then (once) generate about `size` cases received in
    the year up to `now`; the few cases made for the demo logins' work lists are always made."""
    services.sync_categories()
    linked = link_default_units()
    if linked:
        ctx.note(f"诉求分类：{linked} 个分类关联了默认承办单位")
    existing = demo_cases().count()
    if existing:
        ctx.note(f"诉求工单：已有演示工单 {existing} 件，未重复生成")
        return
    size = size if size is not None else getattr(settings, "YIXIAN_DEMO_CASES", SIZE)
    started = time.monotonic()
    demo = DemoCases(random.Random(seed), now or timezone.now(), size)
    demo.run()
    summary = demo.replay.flush()
    if demo.refused:
        ctx.note(f"诉求工单：引擎拒绝了 {len(demo.refused)} 个演示步骤（这些工单停在当时的环节），如 {demo.refused[0]}")
    ctx.note(
        f"诉求工单 {summary['cases']} 件（近 12 个月，办理环节 {summary['steps']} 条；在办 {summary['open']} 件，"
        f"其中超期 {summary['overdue']} 件），用时 {time.monotonic() - started:.1f} 秒"
    )


def link_default_units() -> int:
    """Give categories the default unit their case type declares when that unit exists now
    (the post-migrate sync may have run before the demo units); an admin's choice is kept."""
    from yixian.framework.registry import registry

    units = dict(OrgUnit.objects.values_list("code", "pk"))
    declared = {code: unit for t in registry.case_types for code, _name, _parent, unit in t.categories if unit}
    linked = 0
    for category in CaseCategory.objects.filter(code__in=declared, default_unit__isnull=True):
        unit_id = units.get(declared[category.code])
        if unit_id:
            category.default_unit_id = unit_id
            category.version += 1
            category.save()
            linked += 1
    return linked


# ---------------------------------------------------------------- the engine, replayed in memory
class _StepSink:
    """Stands in for `CaseStep` inside `services` while the replay runs: records, never writes."""

    def __init__(self, replay):
        self.objects = self
        self._replay = replay

    def create(self, **fields):
        step = CaseStep(**fields)
        self._replay.steps.append(step)
        return step

    def filter(self, *args, **kwargs):  # only a return from a sub-unit reads steps back
        raise NotImplementedError("the demo replay does not return cases from sub-units")


class _NoticeSink:
    """Stands in for `Notification` inside `services`: builds real notices, collects them."""

    def __init__(self, replay):
        self.objects = self
        self._replay = replay

    def __call__(self, **fields):
        return Notification(**fields)

    def bulk_create(self, notices):
        self._replay.notices.extend(notices)
        return notices


class _FollowUpSink:
    """Stands in for `FollowUp` inside `services`: builds real follow-ups, collects them."""

    def __init__(self, replay):
        self.objects = self
        self._replay = replay

    def create(self, **fields):
        followup = FollowUp(**fields)
        self._replay.followups.append(followup)
        return followup


def _no_save(*args, **kwargs):
    return None


class EngineReplay:
    """The case service without its per-step database writes.

    `receive()` mirrors `services.receive_case` (which is one insert and cannot be run
    without one); `act()` does what `services.act` does — refuses an unknown or system-only
    step, a wrong state, an actor without the permission or scope (`services._check_actor`),
    then runs `services._apply` and the extra steps — on the in-memory case, and rolls the case
    back when a step is refused, as the transaction would. After each step the case's
    datetimes are put in UTC, as reading the row back gives them. `watch()` replays the SLA
    sweep. `flush()` writes everything. `test_demo` checks the result equals the service's.
    """

    def __init__(self, now: dt.datetime):
        self.now = now
        self.cases: list[Case] = []
        self.steps: list[CaseStep] = []
        self.notices: list[Notification] = []
        self.followups: list[FollowUp] = []
        self.next_pk = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.codes = set(Case.objects.values_list("tracking_code", flat=True))
        self.requests: dict[str, list] = defaultdict(list)  # requester key -> [(received_at, category_id, case_type)]
        since = now - dt.timedelta(days=400)
        for key, at, category_id, case_type in (
            Case.objects.filter(received_at__gte=since)
            .exclude(requester_key="")
            .values_list("requester_key", "received_at", "category_id", "case_type")
        ):
            self.requests[key].append((at, category_id, case_type))
        self.history: dict[int, list] = {}  # case pk -> [(at, state, handling unit)] after each step
        self.rng = random.Random(0)
        self._saved = None

    # -- the swap of the service's writers
    def __enter__(self):
        self._saved = (services.CaseStep, services.Notification, services.FollowUp)
        services.CaseStep, services.Notification = _StepSink(self), _NoticeSink(self)
        services.FollowUp = _FollowUpSink(self)
        return self

    def __exit__(self, *exc):
        services.CaseStep, services.Notification, services.FollowUp = self._saved

    def _tracking_code(self) -> str:
        while True:
            code = "".join(self.rng.choice(services.TRACKING_ALPHABET) for _ in range(10))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def receive(
        self,
        *,
        case_type: str,
        title: str,
        description: str,
        intake_unit,
        now: dt.datetime,
        actor=None,
        category=None,
        priority: str = Priority.NORMAL,
        channel: str = Channel.WINDOW,
        requester_kind: str = "resident",
        requester_name: str = "",
        requester_phone: str = "",
        requester_org: str = "",
        org_unit=None,
        address: str = "",
        actor_name: str = "",
    ) -> Case:
        kind = get_case_type(case_type)
        if kind is None or (category is not None and category.case_type != case_type):
            raise services.CaseError(f"unknown case type or category: {case_type}")
        title, description = title.strip(), description.strip()
        phone = normalise_mobile(requester_phone) if requester_phone else ""
        if not title or not description or phone is None:
            raise services.CaseError(f"incomplete demo case: {title}")
        policy = kind.policy()
        key = services.requester_key(phone)
        pk = self.next_pk
        self.next_pk += 1
        case = Case(
            pk=pk,
            tracking_code=self._tracking_code(),
            case_type=case_type,
            category=category,
            title=title[:100],
            description=description,
            priority=priority,
            channel=channel,
            requester_kind=requester_kind,
            requester_name=requester_name.strip()[:50],
            requester_phone=phone,
            requester_org=requester_org.strip()[:100],
            requester_key=key,
            org_unit=org_unit,
            address=address.strip()[:200],
            intake_unit=intake_unit,
            handling_unit=intake_unit,
            received_at=now,
            round_started_at=now,
            keywords=keywords_for(f"{title} {description}"),
        )
        case.save = _no_save  # `services._apply` saves; the replay stores the case at the end
        if key:
            since = now - dt.timedelta(days=policy.repeat_window_days)
            case.is_repeat = any(
                since <= at <= now and (cat == category.pk if category else ct == case_type) for at, cat, ct in self.requests[key]
            )
            self.requests[key].append((now, category.pk if category else None, case_type))
        case.number = f"YX{timezone.localtime(now):%Y%m%d}{pk:06d}"
        self.steps.append(
            CaseStep(
                case=case,
                action=StepAction.RECEIVE,
                from_state="",
                to_state=S.RECEIVED,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                actor_name=actor_name or (str(actor) if getattr(actor, "is_authenticated", False) else _("诉求人")),
                actor_unit=intake_unit,
                at=now,
                note=_("受理渠道：%(c)s") % {"c": Channel(channel).label},
                data={DEMO_KEY: True},
            )
        )
        self.notices.append(
            Notification(
                unit=intake_unit,
                case=case,
                kind=StepAction.RECEIVE,
                message=_("新工单待派单：%(t)s") % {"t": case.title},
                created_at=now,
            )
        )
        self.cases.append(case)
        case._demo_last = now
        self.history[pk] = [(now, case.state, case.handling_unit)]
        self._settle(case)
        return case

    def act(
        self,
        case: Case,
        action: str,
        *,
        now: dt.datetime,
        actor=None,
        note: str = "",
        system: bool = False,
        actor_name: str = "",
        **params,
    ) -> Case:
        rule_ = services.RULES.get(action)
        if rule_ is None or (rule_.perm is None and not system):
            raise services.CaseError(f"not a step the demo may take: {action}")
        if case.state not in rule_.states:
            raise services.CaseError(f"{action} refused in state {case.state}", 409)
        if not system:
            services._check_actor(case, rule_, actor)
        saved, cache = dict(case.__dict__), dict(case._state.fields_cache)
        marks = len(self.steps), len(self.notices)
        try:
            step = services._apply(case, rule_, actor=actor, now=now, note=note, params=params, actor_name=actor_name)
            for extra_action, extra_note in step.extra_steps:
                services._apply(
                    case, services.RULES[extra_action], actor=None, now=now, note=str(extra_note), params={}, actor_name=_("系统")
                )
        except Exception:
            case.__dict__.clear()
            case.__dict__.update(saved)
            case._state.fields_cache = cache
            del self.steps[marks[0] :], self.notices[marks[1] :]
            raise
        case._demo_last = now
        self.history[case.pk].append((now, case.state, case.handling_unit))
        self._settle(case)
        return case

    @staticmethod
    def _settle(case: Case) -> None:
        for name in DATETIME_FIELDS:
            value = getattr(case, name)
            if value is not None:
                setattr(case, name, value.astimezone(UTC))

    def as_of(self, case: Case, moment: dt.datetime) -> Case:
        """A copy of `case` with the state and handling unit it had at `moment`."""
        history = self.history[case.pk]
        index = bisect.bisect_right([at for at, _s, _u in history], moment) - 1
        if index < 0:
            return None
        _at, state, unit = history[index]
        past = copy.copy(case)
        past._state = copy.copy(case._state)
        past._state.fields_cache = dict(case._state.fields_cache)
        past.state, past.handling_unit = state, unit
        return past

    def watch(self, case: Case, until: dt.datetime) -> None:
        """The SLA sweep (every five minutes) between the case's last step and `until`:
        临期提醒 once the current deadline is within the due-soon window, 超期 once it has passed."""
        policy = policy_for(case.case_type)
        while case.state in WATCHED and case.current_due is not None:
            last, due = case._demo_last, case.current_due
            events = []
            if case.overdue_noticed_at is None:
                events.append((_tick_after(max(last, due)), "overdue"))
            if case.due_soon_noticed_at is None:
                tick = _tick_after(max(last, due - dt.timedelta(hours=policy.due_soon_hours) - dt.timedelta(microseconds=1)))
                if tick <= due:
                    events.append((tick, "due_soon"))
            events = [e for e in events if e[0] < until]
            if not events:
                return
            moment, action = min(events)
            self.act(case, action, now=moment, system=True)

    def flush(self) -> dict:
        for case in self.cases:
            case.__dict__.pop("save", None)
            case.__dict__.pop("_demo_last", None)
        for notice in self.notices:  # people read their notices; the last two days' are still unread
            if notice.created_at < self.now - dt.timedelta(days=2):
                notice.read_at = min(notice.created_at + dt.timedelta(minutes=self.rng.randint(10, 1200)), self.now)
        Case.objects.bulk_create(self.cases, batch_size=300)
        if connection.vendor == "postgresql":  # the pks were given: move the sequence past them
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                    cursor.execute(sql)
        CaseStep.objects.bulk_create(self.steps, batch_size=1000)
        Notification.objects.bulk_create(self.notices, batch_size=1000)
        FollowUp.objects.bulk_create(self.followups, batch_size=1000)
        open_cases = [c for c in self.cases if c.state in (S.RECEIVED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS)]
        return {
            "cases": len(self.cases),
            "steps": len(self.steps),
            "open": len(open_cases),
            "overdue": sum(1 for c in self.cases if c.state in WATCHED and c.current_due and c.current_due < self.now),
        }


def _tick_after(moment: dt.datetime) -> dt.datetime:
    """The first run of the SLA watch strictly after `moment`."""
    seconds = math.floor(moment.timestamp() / SWEEP_SECONDS + 1) * SWEEP_SECONDS
    return dt.datetime.fromtimestamp(seconds, UTC)


# ---------------------------------------------------------------- the simulated district
class Stop(Exception):
    """The next step of a case would be in the future (or beyond the calendar): it stays here."""


@dataclass
class Persona:
    """How a unit works: the probabilities and speed that make its KPIs its own."""

    sign_late: float  # signs after the sign deadline
    returns: float  # returns the case to the dispatcher
    extension: float  # asks for more time
    late: float  # replies after the deadline
    satisfied: float  # share of follow-ups satisfied or basically satisfied
    speed: float  # typical working days from signing to reply


PERSONAS = {
    "D-CGJ": Persona(0.06, 0.03, 0.03, 0.10, 0.88, 2.2),
    "D-ZJJ": Persona(0.12, 0.08, 0.14, 0.15, 0.82, 3.2),
    "D-RSJ": Persona(0.03, 0.02, 0.02, 0.04, 0.95, 1.8),
    "D-FGJ": Persona(0.20, 0.02, 0.10, 0.06, 0.93, 2.8),
    "D-SCJ": Persona(0.02, 0.03, 0.02, 0.03, 0.97, 1.5),
    "D-JXJ": Persona(0.08, 0.05, 0.08, 0.07, 0.90, 2.6),
    "D-GZJ": Persona(0.10, 0.10, 0.16, 0.14, 0.81, 3.5),
    "D-KJJ": Persona(0.04, 0.03, 0.05, 0.05, 0.94, 2.4),
    "D-SWJ": Persona(0.05, 0.04, 0.03, 0.06, 0.92, 2.0),
    "D-TCJ": Persona(0.03, 0.05, 0.06, 0.05, 0.95, 2.5),
    "D-RCB": Persona(0.02, 0.02, 0.04, 0.03, 0.98, 2.0),
    "330105001": Persona(0.03, 0.02, 0.04, 0.04, 0.95, 1.8),  # 米市巷: the model street
    "330105002": Persona(0.08, 0.12, 0.05, 0.09, 0.86, 2.4),  # 湖墅: returns often
    "330105005": Persona(0.15, 0.04, 0.08, 0.16, 0.83, 3.0),  # 拱宸桥: slow
    "330105013": Persona(0.02, 0.03, 0.02, 0.03, 0.98, 1.4),  # 武林: fast and liked
}


def persona_for(unit: OrgUnit) -> Persona:
    if unit.code in PERSONAS:
        return PERSONAS[unit.code]
    rng = random.Random(f"persona:{unit.code}")  # stable per unit, independent of the case stream
    if unit.kind == "community":
        return Persona(
            rng.uniform(0.01, 0.06),
            0,
            rng.uniform(0, 0.04),
            rng.uniform(0.02, 0.08),
            rng.uniform(0.88, 0.98),
            rng.uniform(1.2, 2.2),
        )
    return Persona(
        rng.uniform(0.02, 0.14),
        rng.uniform(0.01, 0.08),
        rng.uniform(0.01, 0.10),
        rng.uniform(0.03, 0.13),
        rng.uniform(0.82, 0.97),
        rng.uniform(1.5, 3.0),
    )


RESIDENT_WEIGHTS = {
    "R-CITY-STALL": 12,
    "R-CITY-GARBAGE": 10,
    "R-CITY-NOISE": 12,
    "R-PROP-SERVICE": 14,
    "R-PROP-ELEVATOR": 6,
    "R-PROP-PARKING": 10,
    "R-ROAD-DAMAGE": 7,
    "R-ROAD-LIGHT": 5,
    "R-PUBLIC-SOCIAL": 8,
    "R-PUBLIC-OTHER": 9,
    "R-RIDER": 3,
}
ENTERPRISE_WEIGHTS = {"E-POLICY": 25, "E-APPROVAL": 16, "E-TALENT": 15, "E-FINANCE": 11, "E-SPACE": 10, "E-ENV": 14, "E-OTHER": 9}
MONTH_WEIGHTS = {1: 0.9, 2: 0.7, 3: 1.0, 4: 1.0, 5: 1.05, 6: 1.15, 7: 1.25, 8: 1.2, 9: 1.0, 10: 0.85, 11: 1.0, 12: 0.95}
STREET_WEIGHTS = {"330105013": 1.4, "330105018": 1.3, "330105009": 1.3, "330105005": 1.2, "330105001": 1.1}
MOBILE_PREFIXES = "130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 166 173 177 180 181 182 183 185 186 187 188 189 199".split()
STREET_INTAKE = ("330105001", "330105002")  # streets that receive visits themselves and pass them to communities


@dataclass
class Requester:
    name: str
    phone: str
    kind: str = "resident"
    org: str = ""


@dataclass
class Plan:
    at: dt.datetime
    case_type: str
    category: str  # code; R-RIDER is filed under R-PUBLIC-OTHER
    title: str
    description: str
    unit_hint: str | None
    replies: list
    place: OrgUnit
    street: OrgUnit
    requester: Requester
    channel: str
    priority: str = Priority.NORMAL
    intake_street: bool = False
    duplicate_of: Plan | None = None
    script: str = ""  # a showcase flow for a demo login
    script_unit: str = ""
    case: Case | None = None
    slots: dict = field(default_factory=dict)


class DemoCases:
    def __init__(self, rng: random.Random, now: dt.datetime, size: int):
        self.rng = rng
        self.now = now
        self.size = size
        self.tz = timezone.get_default_timezone()
        self.replay = EngineReplay(now)
        self.replay.rng = random.Random(rng.random())
        units = {u.code: u for u in OrgUnit.objects.filter(is_active=True)}
        self.units = units
        self.district = next(u for u in units.values() if u.kind == "district")
        self.streets = [u for u in units.values() if u.kind == "street"]
        by_path = {u.path: u for u in units.values()}
        self.parent = {u.code: by_path.get(u.path[: -OrgUnit.steplen]) for u in units.values() if u.depth > 1}
        self.communities = defaultdict(list)
        self.commercial = defaultdict(list)
        for unit in units.values():
            parent = self.parent.get(unit.code)
            if unit.kind == "community" and parent:
                self.communities[parent.code].append(unit)
            elif unit.kind == "commercial_community" and parent:
                self.commercial[parent.code].append(unit)
        self.categories = {c.code: c for c in CaseCategory.objects.select_related("default_unit")}
        self.users, self.dispatcher = self._demo_users()
        self.staff_names: dict[str, list[str]] = {}
        self.personas: dict[str, Persona] = {}
        self.plans: list[Plan] = []
        self.recent: dict[str, list[Plan]] = defaultdict(list)  # category -> plans (for repeats and duplicates)
        self.refused: list[str] = []  # steps the engine refused (the planner's slips; expected none)

    def _demo_users(self):
        from yixian.core.accounts.demo import DEMO_USERS
        from yixian.core.accounts.models import User

        found = {u.username: u for u in User.objects.filter(username__in=[d[0] for d in DEMO_USERS], is_active=True)}
        by_unit, dispatcher = {}, None
        for username, _display, role, unit_code, _position in DEMO_USERS:
            user = found.get(username)
            if user is None:
                continue
            if role == "dispatcher" and dispatcher is None:
                dispatcher = user
            elif role in ("dept_handler", "street_worker", "community_worker"):
                by_unit.setdefault(unit_code, user)
        return by_unit, dispatcher

    # -- time
    def local(self, moment: dt.datetime) -> dt.datetime:
        return timezone.localtime(moment, self.tz)

    def at_local(self, day: dt.date, hour: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.tz) + dt.timedelta(hours=hour)

    @staticmethod
    def workday(day: dt.date) -> bool:
        try:
            return is_working_day(day)
        except UnknownYearError:
            return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.workday(day):
            day += dt.timedelta(days=1)
        return day

    def workdays_before(self, day: dt.date, n: int) -> dt.date:
        while n > 0:
            day -= dt.timedelta(days=1)
            if self.workday(day):
                n -= 1
        return day

    def office(self, moment: dt.datetime) -> dt.datetime:
        """`moment` if in office hours (8:30–17:30 of a working day), else the next opening, a little after."""
        local = self.local(moment)
        day, hour = local.date(), local.hour + local.minute / 60
        if self.workday(day) and 8.5 <= hour < 17.5:
            return moment
        if not (self.workday(day) and hour < 8.5):
            day = self.next_workday(day)
        return self.at_local(day, 8.5 + self.rng.uniform(0, 1.2))

    def later(self, moment: dt.datetime, lo: float, hi: float, *, office: bool = True) -> dt.datetime:
        """lo..hi hours after `moment`, moved into office hours unless `office` is False."""
        result = moment + dt.timedelta(hours=self.rng.uniform(lo, hi))
        return self.office(result) if office else result

    def after_workdays(self, moment: dt.datetime, days: float) -> dt.datetime:
        """About `days` working days after `moment`, at an office hour."""
        whole = int(days)
        day = self.local(moment).date()
        if whole >= 1:
            try:
                day = add_working_days(day, whole)
            except UnknownYearError as exc:
                raise Stop from exc
            moment = self.at_local(day, self.rng.uniform(8.8, 17.2))
        return self.later(moment, 0, (days - whole) * 8 + 0.05)

    # -- people and places
    def person(self, kind: str = "resident") -> Requester:
        rng = self.rng
        surname = rng.choice(T.SURNAMES)
        if rng.random() < 0.45:
            name = surname + rng.choice(["先生", "女士"])
        else:
            name = surname + rng.choice(T.GIVEN)
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        org = ""
        if kind == "enterprise":
            org = f"杭州{rng.choice(T.COMPANY_WORDS)}{rng.choice(T.COMPANY_TRADES)}有限公司"
        return Requester(name, phone, kind, org)

    def staff_name(self, unit: OrgUnit) -> str:
        names = self.staff_names.get(unit.code)
        if names is None:
            rng = random.Random(f"staff:{unit.code}")
            names = [rng.choice(T.SURNAMES) + rng.choice(T.GIVEN) for _ in range(3)]
            self.staff_names[unit.code] = names
        return self.rng.choice(names)

    def persona(self, unit: OrgUnit) -> Persona:
        if unit.code not in self.personas:
            self.personas[unit.code] = persona_for(unit)
        return self.personas[unit.code]

    def pick_street(self) -> OrgUnit:
        weights = [STREET_WEIGHTS.get(s.code, 1.0) for s in self.streets]
        return self.rng.choices(self.streets, weights)[0]

    def slots(self, plan_street: OrgUnit, place: OrgUnit, requester: Requester) -> dict:
        rng = self.rng
        roads = T.ROADS.get(plan_street.short_name) or ["环城北路"]
        place_name = place.short_name or place.name
        if place.kind == "community":
            place_name = f"{place_name}社区"
        elif place.kind == "commercial_community":
            place_name = place.name
        return {
            "place": place_name,
            "road": rng.choice(roads),
            "no": rng.randrange(1, 600),
            "building_no": rng.randrange(1, 40),
            "time": rng.choice(T.TIMES),
            "time_short": rng.choice(["夜间", "早晚高峰", "周末"]),
            "who": requester.name if requester.kind != "enterprise" else requester.org,
            "company": requester.org or "某企业",
            "building": rng.choice(T.BUILDINGS),
            "amount": rng.choice([3000, 6800, 12000, 15600, 500, 800, 1200]),
            "area": rng.choice([800, 1500, 3000, 5000]),
            "n": rng.choice([10, 20, 30, 50]),
        }

    # -- planning
    def run(self) -> None:
        showcase = self.plan_showcase()
        self.plan_year(max(self.size - len(showcase), 0))
        plans = sorted(self.plans, key=lambda p: p.at)
        with self.replay:
            for plan in plans:
                try:
                    self.simulate(plan)
                except Stop:
                    pass
            for case in self.replay.cases:  # the watch, up to now
                self.replay.watch(case, self.now)

    def plan_year(self, count: int) -> None:
        today = self.local(self.now).date()
        days = [today - dt.timedelta(days=i) for i in range(364, -1, -1)]
        weights = [MONTH_WEIGHTS[d.month] * (1.0 if self.workday(d) else 0.45) for d in days]
        made = tries = 0
        while made < count and tries < 3 * count:
            for day in sorted(self.rng.choices(days, weights, k=count - made)):
                tries += 1
                made += self.plan_one(day) is not None

    def plan_one(self, day: dt.date) -> Plan | None:
        rng = self.rng
        enterprise = rng.random() < 0.28
        weights = ENTERPRISE_WEIGHTS if enterprise else RESIDENT_WEIGHTS
        category = rng.choices(list(weights), list(weights.values()))[0]
        if enterprise:
            channel = rng.choices([Channel.PUBLIC, Channel.HOTLINE, Channel.WINDOW, Channel.VISIT], [35, 25, 15, 25])[0]
        else:
            channel = rng.choices([Channel.PUBLIC, Channel.HOTLINE, Channel.WINDOW, Channel.VISIT], [28, 52, 10, 10])[0]
        hour = self.receive_hour(channel, day)
        if hour is None:
            return None
        at = self.at_local(day, hour)
        if at > self.now - dt.timedelta(minutes=10):
            return None
        # a repeat (same requester, same matter) or a duplicate (the same matter again, soon after)
        recent = [p for p in self.recent[category] if dt.timedelta(hours=1) < at - p.at < dt.timedelta(days=25)]
        roll = rng.random()
        if recent and roll < 0.08:
            first = rng.choice(recent)
            plan = self.make_plan(
                at,
                category,
                channel,
                first.street,
                first.place,
                first.requester,
                template=(first.title, first.description, first.unit_hint),
                replies=first.replies,
            )
            plan.title = f"再次反映：{first.title}"[:100]
            plan.description = f"{first.requester.name}再次来电：{first.description}此前已反映过，希望尽快彻底解决。"
            return plan
        close = [p for p in self.recent[category] if dt.timedelta(minutes=30) < at - p.at < dt.timedelta(days=2) and not p.script]
        if close and roll < 0.12:
            first = rng.choice(close)
            requester = first.requester if rng.random() < 0.3 else self.person(first.requester.kind)
            plan = self.make_plan(
                at,
                category,
                Channel.HOTLINE,
                first.street,
                first.place,
                requester,
                template=(first.title, first.description, first.unit_hint),
                replies=first.replies,
            )
            plan.duplicate_of = first
            return plan
        street = self.pick_street()
        kind = "enterprise" if enterprise else ("rider" if category == "R-RIDER" else "resident")
        if enterprise:
            place = rng.choice(self.commercial[street.code] or [street])
        else:
            place = rng.choice(self.communities[street.code] or [street])
        plan = self.make_plan(at, category, channel, street, place, self.person(kind))
        if (
            channel in (Channel.VISIT, Channel.WINDOW)
            and not enterprise
            and street.code in STREET_INTAKE
            and place.kind == "community"
        ):
            plan.intake_street = True
        return plan

    def receive_hour(self, channel: str, day: dt.date) -> float | None:
        rng = self.rng
        if channel in (Channel.WINDOW, Channel.VISIT):
            if not self.workday(day):
                return None
            return rng.choice([rng.uniform(9, 11.5), rng.uniform(13.5, 17)])
        if channel == Channel.HOTLINE:
            return rng.choices([rng.uniform(7, 9), rng.uniform(9, 12), rng.uniform(13, 18), rng.uniform(18, 23)], [1, 4, 4, 2])[0]
        return rng.choices([rng.uniform(0, 7), rng.uniform(7, 18), rng.uniform(18, 24)], [1, 5, 3])[0]

    def make_plan(self, at, category, channel, street, place, requester, *, template=None, replies=None) -> Plan:
        priority = Priority.NORMAL
        if template is None:
            slots = self.slots(street, place, requester)
            if category.startswith("R-") and category != "R-RIDER" and self.rng.random() < 0.025:  # a few urgent ones
                category, title, description, unit_hint, replies = self.rng.choice(T.URGENT)
                priority, channel = Priority.URGENT, Channel.HOTLINE
            else:
                title, description, unit_hint, replies = self.rng.choice(T.TEMPLATES[category])
            title, description = title.format(**slots), description.format(**slots)
            replies = [r.format(**slots) for r in replies]
        else:
            title, description, unit_hint = template
        plan = Plan(
            at=at,
            case_type="enterprise_demand" if category.startswith("E-") else "resident_request",
            category=category,
            title=title,
            description=description,
            unit_hint=unit_hint,
            replies=replies,
            place=place,
            street=street,
            requester=requester,
            channel=channel,
            priority=priority,
        )
        self.plans.append(plan)
        self.recent[category].append(plan)
        return plan

    # -- routing
    def target_for(self, plan: Plan) -> OrgUnit:
        hint = plan.unit_hint
        if hint == "street" or hint is None and not self.default_unit(plan):
            return plan.street
        if hint and hint in self.units:
            # the territorial principle: part of the city-management and property matters go to the street
            if plan.case_type == "resident_request" and hint in ("D-CGJ", "D-ZJJ") and self.rng.random() < 0.3:
                return plan.street
            return self.units[hint]
        return self.default_unit(plan) or plan.street

    def default_unit(self, plan: Plan) -> OrgUnit | None:
        category = self.categories.get(self.category_code(plan))
        return category.default_unit if category and category.default_unit_id else None

    @staticmethod
    def category_code(plan: Plan) -> str:
        return "R-PUBLIC-OTHER" if plan.category == "R-RIDER" else plan.category

    def alternative(self, plan: Plan, unit: OrgUnit) -> OrgUnit:
        """Where the dispatcher sends a case that `unit` returned or that was sent wrongly."""
        if unit.kind == "street":
            default = self.default_unit(plan)
            return default if default and default.pk != unit.pk else self.units.get("D-CGJ", self.district)
        if plan.case_type == "resident_request":
            return plan.street
        choices = [c for c in ("D-FGJ", "D-JXJ", "D-KJJ", "D-SWJ", "D-TCJ") if c in self.units and c != unit.code]
        return self.units[self.rng.choice(choices)] if choices else plan.street

    # -- actors
    def by(self, unit: OrgUnit) -> dict:
        """Who acts for `unit`: its demo login (checked by the engine) or, without one, a named
        member of staff (the engine's system path with the actor's name)."""
        user = self.users.get(unit.code)
        if user is not None:
            return {"actor": user}
        return {"system": True, "actor_name": self.staff_name(unit)}

    def center(self) -> dict:
        if self.dispatcher is not None:
            return {"actor": self.dispatcher}
        return {"system": True, "actor_name": "受理派单员"}

    def step(self, case: Case, action: str, moment: dt.datetime, who: dict, **params) -> Case:
        moment = max(moment, case._demo_last + dt.timedelta(minutes=self.rng.randint(1, 9)))
        if moment > self.now:
            raise Stop
        self.replay.watch(case, moment)  # what the SLA watch did before this step
        try:
            return self.replay.act(case, action, now=moment, **who, **params)
        except services.CaseError as exc:  # beyond the calendar, or a slip of the planner: the case stays here
            if not isinstance(exc.__cause__, UnknownYearError):
                self.refused.append(f"{case.number} {action}: {exc.message}")
            raise Stop from exc

    # -- a case's life
    def receive(self, plan: Plan) -> Case:
        intake = plan.street if plan.intake_street else self.district
        who = self.by(plan.street) if plan.intake_street else (self.center() if plan.channel != Channel.PUBLIC else {})
        if plan.channel == Channel.VISIT and not plan.intake_street and plan.case_type == "enterprise_demand":
            who = {"actor_name": f"{plan.place.name}服务专员"}
        requester = plan.requester
        case = self.replay.receive(
            case_type=plan.case_type,
            category=self.categories.get(self.category_code(plan)),
            title=plan.title,
            description=plan.description,
            intake_unit=intake,
            priority=plan.priority,
            channel=plan.channel,
            requester_kind=requester.kind,
            requester_name=requester.name,
            requester_phone=requester.phone,
            requester_org=requester.org,
            org_unit=plan.place,
            address=self.address(plan),
            now=plan.at,
            actor=who.get("actor"),
            actor_name=who.get("actor_name", ""),
        )
        plan.case = case
        return case

    def address(self, plan: Plan) -> str:
        roads = T.ROADS.get(plan.street.short_name) or ["环城北路"]
        if plan.case_type == "enterprise_demand":
            return f"{self.rng.choice(roads)} {self.rng.randrange(1, 900)} 号 {self.rng.choice(T.BUILDINGS)}"
        return f"{plan.street.name}{plan.place.name if plan.place.kind == 'community' else ''}{self.rng.choice(roads)} {self.rng.randrange(1, 600)} 号"

    def simulate(self, plan: Plan) -> None:
        if plan.script:
            return SHOWCASE[plan.script](self, plan)
        case = self.receive(plan)
        if plan.duplicate_of is not None and self.merge(case, plan):
            return
        if plan.intake_street:
            return self.street_intake(case, plan)
        urgent = plan.priority == Priority.URGENT
        moment = self.later(plan.at, 0.05, 0.3, office=False) if urgent else self.later(plan.at, 0.15, 2.5)
        target = self.target_for(plan)
        self.step(case, "dispatch", moment, self.center(), target_unit=target)
        persona = self.persona(target)
        roll = self.rng.random()
        if roll < persona.returns and case.return_due:
            target = self.returned(case, plan, target)
        elif roll < persona.returns + 0.012:
            other = self.alternative(plan, target)
            note = self.rng.choice(T.REASSIGN_REASONS).format(other=other.short_name or other.name)
            self.step(case, "reassign", self.later(case._demo_last, 0.3, 3), self.center(), target_unit=other, note=note)
            target = other
        self.handle(case, plan, target)

    def merge(self, case: Case, plan: Plan) -> bool:
        first = plan.duplicate_of.case
        if first is None:
            return False
        moment = self.later(plan.at, 0.1, 1.2, office=False)
        into = self.replay.as_of(first, moment)
        if into is None or into.state == S.CLOSED or moment > self.now:
            return False
        self.step(case, "merge", moment, self.center(), into=into)
        return True

    def returned(self, case: Case, plan: Plan, target: OrgUnit) -> OrgUnit:
        persona = self.persona(target)
        moment = self.later(case._demo_last, 0.5, 6)
        if self.rng.random() < 0.5:
            self.sign(case, target, persona, urgent=False)
            moment = self.later(case._demo_last, 0.5, 4)
        if moment > case.return_due:
            return target
        other = self.alternative(plan, target)
        note = self.rng.choice(T.RETURN_REASONS).format(other=other.short_name or other.name)
        self.step(case, "return", moment, self.by(target), note=note)
        self.step(case, "dispatch", self.later(case._demo_last, 0.2, 2), self.center(), target_unit=other)
        return other

    def sign(self, case: Case, unit: OrgUnit, persona: Persona, *, urgent: bool) -> None:
        if case.state != S.DISPATCHED:
            return
        start = case._demo_last
        if urgent:
            moment = start + dt.timedelta(minutes=self.rng.randint(8, 80))
            if self.rng.random() < persona.sign_late:
                moment = case.sign_due + dt.timedelta(minutes=self.rng.randint(10, 150))
        elif self.rng.random() < persona.sign_late:
            moment = self.later(case.sign_due, 0.2, 20)
        else:
            moment = self.later(start, 0.1, 5)
            if moment > case.sign_due:
                moment = self.later(start, 0.05, 0.6, office=False)
        self.step(case, "sign", moment, self.by(unit))

    def handle(self, case: Case, plan: Plan, unit: OrgUnit, round_: int = 1) -> None:
        urgent = plan.priority == Priority.URGENT
        persona = self.persona(unit)
        self.sign(case, unit, persona, urgent=urgent)
        handler = unit
        community = plan.place if plan.place.kind == "community" and self.parent.get(plan.place.code) == unit else None
        if community is not None and self.rng.random() < 0.5:  # the street passes it to the community
            self.step(
                case, "dispatch", self.later(case._demo_last, 0.1, 2, office=not urgent), self.by(unit), target_unit=community
            )
            handler = community
            self.sign(case, community, self.persona(community), urgent=urgent)
        rng = self.rng
        first = self.later(case._demo_last, 0.2, 3, office=not urgent)
        self.step(case, "progress", first, self.by(handler), note=rng.choice(T.FIRST_NOTES))
        late = rng.random() < persona.late * (0.5 if round_ > 1 else 1)
        if not urgent and rng.random() < persona.extension:
            self.extension(case, plan, handler)
        due = case.handle_due
        if urgent:
            reply_at = case._demo_last + dt.timedelta(hours=rng.uniform(2, 16))
            if late:
                reply_at = due + dt.timedelta(hours=rng.uniform(1, 20))
        elif late:
            if rng.random() < 0.6:
                self.remind(case, due)
            reply_at = self.after_workdays(due, rng.uniform(0.3, 4))
        else:
            days = min(rng.expovariate(1 / persona.speed), 9)
            reply_at = self.after_workdays(case._demo_last, days)
            if reply_at > due:
                reply_at = self.later(due - dt.timedelta(hours=rng.uniform(8, 30)), 0, 0.5)
        if (reply_at - case._demo_last) > dt.timedelta(days=2) and rng.random() < 0.5:
            middle = case._demo_last + (reply_at - case._demo_last) / 2
            self.step(case, "progress", self.office(middle), self.by(handler), note=rng.choice(T.MORE_NOTES))
        self.step(case, "reply", reply_at, self.by(handler), note=rng.choice(plan.replies))
        self.follow_up(case, plan, unit, round_)

    def remind(self, case: Case, due: dt.datetime) -> None:
        moment = self.office(due - dt.timedelta(hours=self.rng.uniform(6, 20)))
        if moment <= case._demo_last or moment >= due:
            return
        self.step(case, "remind", moment, self.center(), note=self.rng.choice(T.REMIND_NOTES))
        moment = self.later(case._demo_last, 0.1, 2)
        if self.rng.random() < 0.15 and moment < due:  # before the deadline, when the watch has not supervised it
            self.replay.watch(case, moment)
            if not case.is_supervised:
                self.step(case, "supervise", moment, self.center(), note=self.rng.choice(T.SUPERVISE_NOTES))

    def extension(self, case: Case, plan: Plan, handler: OrgUnit, *, decide: bool = True, moment=None) -> None:
        due = case.handle_due
        moment = moment or self.office(due - dt.timedelta(days=self.rng.uniform(1, 3)))
        if moment <= case._demo_last:
            moment = self.later(case._demo_last, 0.5, 3)
        if moment >= due:
            return
        days = self.rng.choice([3, 5, 5, 7, 10])
        self.step(case, "request_extension", moment, self.by(handler), note=self.rng.choice(T.EXTENSION_REASONS), days=days)
        if not decide:
            return
        approve = self.rng.random() < 0.85
        who = self.by(case.intake_unit) if case.intake_unit.pk != self.district.pk else self.center()
        note = "" if approve else self.rng.choice(T.EXTENSION_REFUSALS)
        self.step(case, "decide_extension", self.later(case._demo_last, 0.3, 5), who, approve=approve, note=note)

    def follow_up(self, case: Case, plan: Plan, unit: OrgUnit, round_: int) -> None:
        rng = self.rng
        who = self.by(case.intake_unit) if case.intake_unit.pk != self.district.pk else self.center()
        if rng.random() < 0.02:  # unreachable: closed without a follow-up after the deadline
            self.step(case, "close", self.later(case.followup_due, 0.5, 6), who, note=T.UNREACHABLE)
            return
        moment = (
            self.later(case._demo_last, 0.3, 5)
            if rng.random() < 0.8
            else self.after_workdays(case._demo_last, rng.uniform(1, 1.6))
        )
        persona = self.persona(unit)
        satisfied = persona.satisfied if round_ == 1 else min(persona.satisfied + 0.08, 0.99)
        roll = rng.random()
        if roll < satisfied:
            satisfaction = "satisfied" if rng.random() < 0.78 else "basic"
            resolved = satisfaction == "satisfied" or rng.random() < 0.9
        else:
            satisfaction, resolved = "unsatisfied", rng.random() < 0.2
        note = rng.choice(T.FOLLOWUPS[satisfaction])
        self.step(case, "follow_up", moment, who, satisfaction=satisfaction, resolved=resolved, note=note)
        if case.state == S.DISPATCHED and round_ < 3:  # reopened: the same unit, a new clock
            self.handle(case, plan, case.handling_unit, round_ + 1)

    def street_intake(self, case: Case, plan: Plan) -> None:
        """A street receives a visit itself and passes it to the community (responsible there)."""
        street, community = plan.street, plan.place
        self.step(case, "dispatch", self.later(plan.at, 0.2, 3), self.by(street), target_unit=community)
        self.handle(case, plan, community)

    # -- showcase cases for the demo logins
    def plan_showcase(self) -> list[Plan]:
        plans = []
        fgj = self.units.get("D-FGJ")
        street = self.units.get("330105001")
        community = self.units.get("330105001001")
        if fgj is not None and street is not None:
            place = (self.commercial[street.code] or [street])[0]
            for script in ("to_sign", "to_handle", "due_soon", "overdue", "overdue_sign", "extension", "replied", "returned"):
                plans.append(self.showcase_plan(script, "E-POLICY", street, place, "enterprise", "D-FGJ"))
        if street is not None:
            others = [c for c in self.communities[street.code] if c.code != "330105001001"] or [street]
            for script in ("to_sign", "to_handle", "due_soon", "overdue", "overdue_sign", "extension", "replied"):
                plans.append(
                    self.showcase_plan(script, "R-PROP-PARKING", street, others[len(plans) % len(others)], "resident", "street")
                )
            plans.append(self.showcase_plan("street_to_dispatch", "R-PUBLIC-OTHER", street, others[0], "resident", "street"))
            if community is not None:
                plans.append(self.showcase_plan("street_replied", "R-PROP-SERVICE", street, community, "resident", "street"))
        hushu = self.units.get("330105002")
        if hushu is not None:  # the second street login gets a little too
            for script in ("to_sign", "to_handle", "overdue"):
                plans.append(self.showcase_plan(script, "R-CITY-STALL", hushu, None, "resident", "street"))
        if community is not None and street is not None:
            for script in ("to_sign", "to_handle", "due_soon", "overdue"):
                plans.append(self.showcase_plan(script, "R-CITY-GARBAGE", street, community, "resident", "community"))
        for _i in range(5):  # just received: the dispatcher's to-dispatch list
            plans.append(self.showcase_plan("to_dispatch", "R-CITY-NOISE", self.pick_street(), None, "resident", ""))
        return plans

    def showcase_plan(self, script: str, category: str, street: OrgUnit, place: OrgUnit | None, kind: str, unit: str) -> Plan:
        if place is None:
            place = self.rng.choice(self.communities[street.code] or [street])
        requester = self.person(kind)
        title, description, hint, replies = self.rng.choice(
            [t for t in T.TEMPLATES[category] if unit != "D-FGJ" or t[2] == "D-FGJ"]
        )
        slots = self.slots(street, place, requester)
        plan = Plan(
            at=self.now,  # set by the script
            case_type="enterprise_demand" if category.startswith("E-") else "resident_request",
            category=category,
            title=title.format(**slots),
            description=description.format(**slots),
            unit_hint=hint,
            replies=[r.format(**slots) for r in replies],
            place=place,
            street=street,
            requester=requester,
            channel=Channel.HOTLINE,
            script=script,
            script_unit=unit,
        )
        plan.at = self.showcase_start(plan)
        if script == "due_soon":
            plan.priority = Priority.URGENT
        if script in ("street_to_dispatch", "street_replied"):
            plan.intake_street, plan.channel = True, Channel.VISIT
        self.plans.append(plan)
        return plan

    def last_office_moment(self) -> dt.datetime:
        """The latest office-hours moment at least an hour before now."""
        local = self.local(self.now - dt.timedelta(hours=1))
        day, hour = local.date(), local.hour + local.minute / 60
        if self.workday(day) and hour >= 9.5:
            return self.at_local(day, min(hour, 17.0))
        day -= dt.timedelta(days=1)
        while not self.workday(day):
            day -= dt.timedelta(days=1)
        return self.at_local(day, 17.0)

    def showcase_start(self, plan: Plan) -> dt.datetime:
        base = self.last_office_moment()
        day = self.local(base).date()
        back = {"to_handle": 1, "overdue": 8, "overdue_sign": 3, "extension": 1, "replied": 3, "street_replied": 3, "returned": 0}
        if plan.script == "due_soon":
            return self.now - dt.timedelta(hours=9, minutes=self.rng.randint(0, 40))
        if plan.script in back and back[plan.script]:
            return self.at_local(self.workdays_before(day, back[plan.script]), self.rng.uniform(9, 10.5))
        return base - dt.timedelta(minutes=self.rng.randint(60, 150))


# Each showcase script: a fixed life relative to now, through the same steps.
def _target(demo: DemoCases, plan: Plan) -> OrgUnit:
    return demo.units["D-FGJ"] if plan.script_unit == "D-FGJ" else plan.street


def _dispatched(demo: DemoCases, plan: Plan) -> tuple[Case, OrgUnit]:
    """Received and dispatched; for the community's cases also signed by the street and passed on."""
    case = demo.receive(plan)
    urgent = plan.priority == Priority.URGENT
    demo.step(
        case, "dispatch", plan.at + dt.timedelta(minutes=demo.rng.randint(8, 25)), demo.center(), target_unit=_target(demo, plan)
    )
    unit = _target(demo, plan)
    if plan.script_unit == "community":
        demo.step(case, "sign", case._demo_last + dt.timedelta(minutes=demo.rng.randint(10, 30)), demo.by(unit))
        demo.step(
            case,
            "dispatch",
            case._demo_last + dt.timedelta(minutes=demo.rng.randint(5, 20)),
            demo.by(unit),
            target_unit=plan.place,
        )
        unit = plan.place
    if urgent:
        demo.step(case, "sign", case._demo_last + dt.timedelta(minutes=demo.rng.randint(10, 25)), demo.by(unit))
    return case, unit


def _show_to_sign(demo, plan):
    _dispatched(demo, plan)


def _show_to_handle(demo, plan):
    case, unit = _dispatched(demo, plan)
    demo.step(case, "sign", demo.later(case._demo_last, 0.5, 2), demo.by(unit))
    demo.step(case, "progress", demo.later(case._demo_last, 1, 4), demo.by(unit), note=demo.rng.choice(T.FIRST_NOTES))


def _show_due_soon(demo, plan):
    case, unit = _dispatched(demo, plan)  # urgent: handle within 24 natural hours of dispatch
    demo.step(
        case,
        "progress",
        case._demo_last + dt.timedelta(minutes=demo.rng.randint(30, 90)),
        demo.by(unit),
        note=demo.rng.choice(T.FIRST_NOTES),
    )


def _show_overdue(demo, plan):
    case, unit = _dispatched(demo, plan)
    demo.step(case, "sign", demo.later(case._demo_last, 0.5, 2), demo.by(unit))
    demo.step(case, "progress", demo.later(case._demo_last, 2, 6), demo.by(unit), note=demo.rng.choice(T.FIRST_NOTES))
    demo.remind(case, case.handle_due)


def _show_overdue_sign(demo, plan):
    _dispatched(demo, plan)  # never signed: the sign deadline passes and the watch supervises it


def _show_extension(demo, plan):
    case, unit = _dispatched(demo, plan)
    demo.step(case, "sign", demo.later(case._demo_last, 0.3, 1), demo.by(unit))
    demo.step(case, "progress", demo.later(case._demo_last, 0.5, 2), demo.by(unit), note=demo.rng.choice(T.FIRST_NOTES))
    moment = max(demo.last_office_moment() - dt.timedelta(minutes=demo.rng.randint(30, 120)), case._demo_last)
    demo.extension(case, plan, unit, decide=False, moment=moment)


def _show_replied(demo, plan):
    case, unit = _dispatched(demo, plan)
    demo.step(case, "sign", demo.later(case._demo_last, 0.3, 2), demo.by(unit))
    demo.step(case, "progress", demo.later(case._demo_last, 1, 5), demo.by(unit), note=demo.rng.choice(T.FIRST_NOTES))
    reply_at = max(demo.last_office_moment() - dt.timedelta(minutes=demo.rng.randint(20, 90)), case._demo_last)
    demo.step(case, "reply", reply_at, demo.by(unit), note=demo.rng.choice(plan.replies))


def _show_returned(demo, plan):
    case, unit = _dispatched(demo, plan)
    other = demo.alternative(plan, unit)
    note = demo.rng.choice(T.RETURN_REASONS).format(other=other.short_name or other.name)
    demo.step(case, "return", case._demo_last + dt.timedelta(minutes=demo.rng.randint(20, 50)), demo.by(unit), note=note)


def _show_to_dispatch(demo, plan):
    demo.receive(plan)


def _show_street_to_dispatch(demo, plan):
    demo.receive(plan)


def _show_street_replied(demo, plan):
    case = demo.receive(plan)
    demo.step(case, "dispatch", demo.later(plan.at, 0.2, 1), demo.by(plan.street), target_unit=plan.place)
    demo.step(case, "sign", demo.later(case._demo_last, 0.2, 1), demo.by(plan.place))
    demo.step(case, "progress", demo.later(case._demo_last, 1, 4), demo.by(plan.place), note=demo.rng.choice(T.FIRST_NOTES))
    reply_at = max(demo.last_office_moment() - dt.timedelta(minutes=demo.rng.randint(20, 90)), case._demo_last)
    demo.step(case, "reply", reply_at, demo.by(plan.place), note=demo.rng.choice(plan.replies))


SHOWCASE = {
    "to_sign": _show_to_sign,
    "to_handle": _show_to_handle,
    "due_soon": _show_due_soon,
    "overdue": _show_overdue,
    "overdue_sign": _show_overdue_sign,
    "extension": _show_extension,
    "replied": _show_replied,
    "returned": _show_returned,
    "to_dispatch": _show_to_dispatch,
    "street_to_dispatch": _show_street_to_dispatch,
    "street_replied": _show_street_replied,
}
