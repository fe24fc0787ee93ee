"""The demo cases: believable KPIs that differ between units, work in every demo login's lists,
a second load that adds nothing, cases whose facts are exactly what the engine produces."""

import datetime as dt
import re
from itertools import pairwise

import pytest

from yixian.core.accounts import demo as accounts_demo
from yixian.core.accounts.models import User
from yixian.core.audit.models import ObjectChange
from yixian.core.cases import demo, kpis, services, tasks
from yixian.core.cases.models import Case, CaseCategory, CaseState, CaseStep, Notification
from yixian.core.cases.selectors import queue_counts
from yixian.core.orgs import demo as orgs_demo
from yixian.framework.context import acting
from yixian.framework.scope import get_scope

from .conftest import at

pytestmark = pytest.mark.django_db

NOW = at("2026-06-10 15:20")  # a Wednesday; the demo's year runs from 2025-06-11
SIZE = 260
S = CaseState


class Ctx:
    def __init__(self):
        self.notes, self.logins = [], []

    def note(self, text):
        self.notes.append(text)

    def login(self, *args):
        self.logins.append(args)


def load_all(size=SIZE, now=NOW):
    ctx = Ctx()
    with acting(source="demo"):
        orgs_demo.load(ctx)
        accounts_demo.load(ctx)
        demo.load(ctx, size=size, now=now)
    return ctx


def counts():
    return (Case.objects.count(), CaseStep.objects.count(), Notification.objects.count(), ObjectChange.objects.count())


def queues(username, now=NOW):
    user = User.objects.get(username=username)
    return queue_counts(get_scope(user).filter(Case.objects.all()), user, now=now)


def test_every_demo_login_has_work_in_its_lists():
    load_all()
    mine = {"to_sign", "to_handle", "due_soon", "overdue"}
    for username in ("fagaiju", "mishixiang", "shequ"):
        got = queues(username)
        assert all(got[name] > 0 for name in mine), (username, got)
    street = queues("mishixiang")
    assert street["to_dispatch"] > 0 and street["to_follow_up"] > 0  # the visits it received itself
    center = queues("paidan")
    for name in ("to_dispatch", "extension", "to_follow_up", "supervised", "overdue"):
        assert center[name] > 0, (name, center)


def test_kpis_are_believable_and_differ_between_units():
    ctx = load_all(size=600)
    assert any("诉求工单 600 件" in note for note in ctx.notes), ctx.notes
    assert not any("拒绝" in note for note in ctx.notes), ctx.notes  # the engine refused none of the demo's steps
    year = kpis.Period("demo", dt.date(2025, 6, 11), dt.date(2026, 6, 11))
    by_unit = kpis.compute(Case.objects.all(), year, now=NOW)
    busy = {unit: values for (unit, _month), values in by_unit.items() if unit and values["sign_on_time"].denominator >= 15}
    assert len(busy) >= 6
    for code in ("sign_on_time", "close_on_time", "handling_days"):
        assert len({values[code].value for values in busy.values()}) >= 4, code
    total = kpis.total(Case.objects.all(), year, now=NOW)
    assert 75 <= total["sign_on_time"].value < 99
    assert 75 <= total["close_on_time"].value < 99
    assert 0 < total["return"].value < 15 and 0 < total["extension"].value < 20 and 0 < total["repeat"].value < 25
    assert 1 < total["handling_days"].value < 6
    # unsatisfied follow-ups happened (and reopened their cases), merges and urgent cases too
    assert CaseStep.objects.filter(action="follow_up", data__satisfaction="unsatisfied").exists()
    assert Case.objects.filter(reopen_count__gt=0).exists()
    assert Case.objects.filter(duplicate_of__isnull=False, state=S.CLOSED).exists()
    assert Case.objects.filter(priority="urgent").exists()
    channels = set(Case.objects.values_list("channel", flat=True))
    assert {"public", "hotline", "window", "visit"} <= channels
    assert Case.objects.filter(requester_kind="enterprise").exclude(requester_org="").exists()


def test_a_second_load_adds_nothing_and_categories_get_their_units():
    load_all()
    assert CaseCategory.objects.get(code="E-POLICY").default_unit.code == "D-FGJ"
    first = counts()
    ctx = load_all(size=None)  # the default size would be 2,400: nothing must be generated
    assert counts() == first
    assert any("未重复生成" in note for note in ctx.notes)
    # the demo gave its cases their ids: the next case received gets a new one (PostgreSQL sequence)
    district = User.objects.get(username="paidan")
    case = services.receive_case(
        case_type="resident_request",
        title="路灯不亮",
        description="环城北路路灯不亮。",
        intake_unit=district.person.org_unit,
        actor=district,
        now=NOW,
    )
    assert case.pk > max(Case.objects.exclude(pk=case.pk).values_list("pk", flat=True))


def test_the_same_seed_on_the_same_day_gives_the_same_cases():
    def story():
        return list(
            Case.objects.order_by("pk").values_list("received_at", "title", "requester_phone", "state", "responsible_unit__code")
        )

    load_all(size=120)
    first = story()
    Case.objects.filter(duplicate_of__isnull=False).delete()
    Case.objects.all().delete()
    load_all(size=120)
    assert story() == first and len(first) == 120


def test_an_administrators_default_unit_is_kept():
    load_all(size=0)
    category = CaseCategory.objects.get(code="R-CITY-STALL")
    street = category.default_unit.__class__.objects.get(code="330105001")
    category.default_unit = street
    category.save()
    demo.link_default_units()
    category.refresh_from_db()
    assert category.default_unit == street


def test_every_case_is_consistent_with_its_clock_and_timeline():
    load_all()
    start = NOW - dt.timedelta(days=366)
    steps = {}
    for step in CaseStep.objects.order_by("at", "id"):
        steps.setdefault(step.case_id, []).append(step)
    cases = list(Case.objects.all())
    assert len(cases) == SIZE
    for case in cases:
        label = f"{case.number} {case.state}"
        assert re.fullmatch(rf"YX{case.received_at.astimezone(NOW.tzinfo):%Y%m%d}{case.pk:06d}", case.number), label
        assert start <= case.received_at <= NOW, label
        times = [case.received_at, case.dispatched_at, case.signed_at, case.replied_at, case.followed_up_at, case.closed_at]
        assert all(t is None or t <= NOW for t in times), label
        history = steps[case.pk]
        assert history[0].action == "receive" and history[0].data == {"demo": True}
        assert all(a.to_state == b.from_state for a, b in pairwise(history)), label  # an unbroken chain
        assert history[-1].to_state == case.state, label
        assert all(a.at <= b.at for a, b in pairwise(history)), label
        if case.state == S.CLOSED:
            assert case.closed_at is not None and case.current_due is None, label
            assert case.duplicate_of_id or case.replied_at, label
        else:
            assert case.closed_at is None, label
        if case.state == S.RECEIVED:
            assert case.current_due is None and case.responsible_unit_id is None, label
        if case.state == S.DISPATCHED:
            assert case.dispatched_at and case.current_due == case.sign_due, label
        if case.state in (S.SIGNED, S.IN_PROGRESS):
            assert case.signed_at and case.current_due == case.handle_due and case.handle_due, label
            assert case.signed_on_time is not None, label
        if case.state == S.REPLIED:
            assert case.replied_at and case.current_due == case.followup_due, label
        if case.replied_at:
            assert case.replied_on_time is not None and case.handling_workdays is not None, label
            assert case.dispatched_at <= case.replied_at, label
        if case.state in (S.SIGNED, S.IN_PROGRESS, S.REPLIED, S.FOLLOWED_UP) or case.replied_at:
            assert case.dispatched_at <= case.signed_at, label
        if case.state in (S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REPLIED) and case.current_due < NOW:
            assert case.overdue_noticed_at is not None, label  # the SLA watch has seen it
            if case.state != S.REPLIED:
                assert case.is_supervised, label
        assert normalised(case.requester_phone), label
    # the real SLA watch, run at load time, finds nothing the replay did not already do
    assert tasks.overdue_candidates(NOW) == [] and tasks.due_soon_candidates(NOW) == []


def normalised(phone):
    from yixian.framework.validators import normalise_mobile

    return not phone or normalise_mobile(phone) == phone


# ---------------------------------------------------------------- the replay equals the service
CASE_FIELDS = [
    f.attname
    for f in Case._meta.concrete_fields
    if f.attname not in ("id", "number", "tracking_code", "created_at", "updated_at", "duplicate_of_id")
]


def script(engine, world, category):
    """The same story told through either engine: (receive(**kw), act(case, action, **kw))."""
    receive, act = engine
    base = dict(
        case_type="resident_request",
        category=category,
        title="小区门口占道经营",
        description="左家新村门口每天晚上有流动摊贩占道经营，油烟很大。",
        intake_unit=world.org.district,
        org_unit=world.org.community_a,
        requester_name="王先生",
        requester_phone="13805710001",
        actor=world.dispatcher,
        channel="hotline",
    )
    one = receive(**base, now=at("2026-03-02 09:00"))
    act(one, "dispatch", actor=world.dispatcher, now=at("2026-03-02 09:30"), target_unit=world.dept)
    act(one, "due_soon", system=True, now=at("2026-03-03 00:00"))
    act(one, "sign", actor=world.handler, now=at("2026-03-03 09:10"))
    act(one, "progress", actor=world.handler, now=at("2026-03-03 10:00"), note="已现场核实")
    act(one, "request_extension", actor=world.handler, now=at("2026-03-05 10:00"), note="需联合执法", days=5)
    act(one, "decide_extension", actor=world.dispatcher, now=at("2026-03-05 15:00"), approve=True)
    act(one, "remind", actor=world.dispatcher, now=at("2026-03-13 09:00"), note="请抓紧")
    act(one, "reply", actor=world.handler, now=at("2026-03-13 16:00"), note="已取缔摊贩")
    act(
        one,
        "follow_up",
        actor=world.dispatcher,
        now=at("2026-03-13 17:00"),
        satisfaction="unsatisfied",
        resolved=False,
        note="仍有摊贩",
    )
    act(one, "sign", actor=world.handler_b, now=at("2026-03-16 09:00"))
    act(one, "overdue", system=True, now=at("2026-03-24 00:05"))
    act(one, "reply", actor=world.handler_b, now=at("2026-03-24 11:00"), note="已设置夜间巡查点")
    act(one, "follow_up", actor=world.dispatcher, now=at("2026-03-24 15:00"), satisfaction="basic", resolved=True)

    two = receive(**{**base, "title": "再次反映：小区门口占道经营"}, now=at("2026-03-10 20:00"))  # a repeat
    act(two, "dispatch", actor=world.dispatcher, now=at("2026-03-11 08:40"), target_unit=world.org.street_a)
    act(two, "sign", actor=world.street, now=at("2026-03-11 09:00"))
    act(two, "dispatch", actor=world.street, now=at("2026-03-11 09:20"), target_unit=world.org.community_a)
    act(two, "sign", actor=world.community, now=at("2026-03-11 10:00"))
    act(two, "reply", actor=world.community, now=at("2026-03-12 10:00"), note="社区已劝离")
    act(two, "follow_up", actor=world.dispatcher, now=at("2026-03-12 11:00"), satisfaction="satisfied", resolved=True)

    three = receive(**{**base, "requester_phone": "13905710002", "priority": "urgent"}, now=at("2026-03-11 21:00"))
    act(three, "dispatch", actor=world.dispatcher, now=at("2026-03-11 21:10"), target_unit=world.dept2)
    act(three, "return", actor=world.other_handler, now=at("2026-03-11 21:40"), note="不属于本单位职责")
    act(three, "dispatch", actor=world.dispatcher, now=at("2026-03-11 22:00"), target_unit=world.dept)
    four = receive(**{**base, "requester_phone": "13905710003"}, now=at("2026-03-11 22:05"))
    act(four, "merge", actor=world.dispatcher, now=at("2026-03-11 22:15"), into=three)
    act(three, "reassign", actor=world.dispatcher, now=at("2026-03-11 22:30"), target_unit=world.dept2, note="改派")
    act(three, "overdue", system=True, now=at("2026-03-12 00:35"))
    return [one, two, three, four]


def snapshot(cases):
    ids = {c.pk: i for i, c in enumerate(cases)}
    result = []
    for case in cases:
        case = Case.objects.get(pk=case.pk)
        fields = {name: getattr(case, name) for name in CASE_FIELDS}
        fields["duplicate_of"] = ids.get(case.duplicate_of_id)
        steps = []
        for s in case.steps.order_by("at", "id"):
            data = {k: v for k, v in s.data.items() if k != "demo"}
            if "into" in data:
                data["into"], data["into_number"] = ids[data["into"]], "-"
            note = re.sub(r"YX\d{14}", "-", s.note)
            steps.append(
                (
                    s.action,
                    s.from_state,
                    s.to_state,
                    s.actor_id,
                    s.actor_name,
                    s.actor_unit_id,
                    s.target_unit_id,
                    s.at,
                    note,
                    data,
                    s.public,
                )
            )
        notices = sorted((n.unit_id, n.user_id, n.kind, n.message, n.created_at) for n in case.notifications.all())
        followups = sorted((f.at, f.responsible_unit_id, f.satisfaction, f.resolved, f.by_requester) for f in case.followups.all())
        result.append((fields, steps, notices + followups))
    return result


def test_the_replay_gives_exactly_what_the_service_gives(world):
    category = CaseCategory.objects.get(code="R-CITY-STALL")

    def act(case, action, **kw):  # as the API does: the case to merge into is read afresh
        kw = {k: Case.objects.get(pk=v.pk) if isinstance(v, Case) else v for k, v in kw.items()}
        return services.act(case.pk, action, **kw)

    real = script((services.receive_case, act), world, category)
    expected = snapshot(real)
    Case.objects.filter(duplicate_of__isnull=False).delete()
    Case.objects.all().delete()

    replay = demo.EngineReplay(at("2026-04-01 09:00"))
    with replay:
        cases = script((replay.receive, replay.act), world, category)
    replay.flush()
    got = snapshot(cases)
    for (fields, steps, notices), (want_fields, want_steps, want_notices) in zip(got, expected, strict=True):
        assert fields == want_fields
        assert steps == want_steps
        assert notices == want_notices
    assert got[1][0]["is_repeat"] is True and got[3][0]["state"] == S.CLOSED


def test_a_refused_step_leaves_the_replayed_case_as_it_was(world):
    category = CaseCategory.objects.get(code="R-CITY-STALL")
    replay = demo.EngineReplay(at("2026-04-01 09:00"))
    with replay:
        case = replay.receive(
            case_type="resident_request",
            category=category,
            title="路灯不亮",
            description="环城北路路灯不亮。",
            intake_unit=world.org.district,
            now=at("2026-03-02 09:00"),
        )
        replay.act(case, "dispatch", actor=world.dispatcher, now=at("2026-03-02 09:30"), target_unit=world.dept)
        before, steps = {name: getattr(case, name) for name in CASE_FIELDS}, len(replay.steps)
        with pytest.raises(services.CaseError) as refused:
            replay.act(case, "sign", actor=world.other_handler, now=at("2026-03-02 10:00"))  # not that unit's case
        assert refused.value.status == 403
        with pytest.raises(services.CaseError):
            replay.act(case, "reply", actor=world.handler, now=at("2026-03-02 10:00"), note="已修复")  # not signed yet
        with pytest.raises(services.CaseError):  # 2027 is not in the calendar: the dispatch is refused part-way
            replay.act(case, "reassign", actor=world.dispatcher, now=at("2026-12-31 10:00"), target_unit=world.dept2, note="改派")
        assert {name: getattr(case, name) for name in CASE_FIELDS} == before
        assert len(replay.steps) == steps
    assert services.CaseStep is CaseStep  # the service's own writers are back
