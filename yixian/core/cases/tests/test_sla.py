"""The SLA watch (时限监控): due-soon and overdue notices, once per deadline, and the worker."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from yixian.core.cases import services, tasks
from yixian.core.cases.management.commands.worker import enqueue_periodic, enqueue_sweep, make_worker
from yixian.core.cases.models import Case, CaseStep, Notification
from yixian.core.cases.selectors import light
from yixian.core.cases.tasks import sla_sweep
from yixian.framework.registry import PeriodicJob, registry

from .conftest import at

pytestmark = pytest.mark.django_db


def step(case, action, actor, now, **kw):
    case.refresh_from_db()
    return services.act(case, action, actor=actor, expected_version=case.version, now=at(now), **kw)


def sweep(now):
    return sla_sweep.call(now_iso=at(now).isoformat())


def watch_steps(case, action):
    return list(CaseStep.objects.filter(case=case, action=action).order_by("at", "id"))


def notices(case, kind):
    return sorted(Notification.objects.filter(case=case, kind=kind).values_list("unit__name", flat=True))


@pytest.fixture
def dispatched(world, new_case):
    """Dispatched to 区城管局 on Monday 2026-03-02 10:00: sign by 03-03 end of day, reply by 03-09."""
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    case.refresh_from_db()
    return case


@pytest.fixture
def worker_in_test_transaction(monkeypatch):
    # The worker drops a connection it finds inside a transaction; each test runs inside one.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_nothing_happens_before_the_due_soon_window(dispatched):
    result = sweep("2026-03-02 12:00")  # the sign deadline is 36 hours away
    assert (result["due_soon"], result["overdue"], result["failed"]) == (0, 0, 0)
    assert not watch_steps(dispatched, "due_soon")
    assert not Notification.objects.filter(case=dispatched, kind__in=["due_soon", "overdue"]).exists()


def test_due_soon_is_noticed_once(world, dispatched):
    result = sweep("2026-03-03 09:00")  # 15 hours before the sign deadline
    assert result["due_soon"] == 1 and result["overdue"] == 0
    case = Case.objects.get(pk=dispatched.pk)
    assert case.due_soon_noticed_at == at("2026-03-03 09:00")
    assert not case.is_supervised
    (notice,) = watch_steps(case, "due_soon")
    assert notice.actor_name == "系统" and not notice.public
    assert notice.data["due"] == case.sign_due.isoformat()
    assert notices(case, "due_soon") == ["区城管局"]
    assert "即将到期（2026-03-03）" in Notification.objects.get(case=case, kind="due_soon").message
    assert light(case, at("2026-03-03 09:00")).color == "yellow"

    again = sweep("2026-03-03 10:00")
    assert again["due_soon"] == 0
    assert len(watch_steps(case, "due_soon")) == 1
    assert notices(case, "due_soon") == ["区城管局"]


def test_overdue_raises_supervision_and_tells_every_unit_concerned(world, new_case):
    case = new_case()
    step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.org.street_a)
    step(case, "sign", world.street, "2026-03-02 10:30")
    step(case, "dispatch", world.street, "2026-03-02 11:00", target_unit=world.org.community_a)
    case.refresh_from_db()
    handling, responsible, intake = case.handling_unit, case.responsible_unit, case.intake_unit
    assert len({handling.pk, responsible.pk, intake.pk}) == 3

    result = sweep("2026-03-04 09:00")  # the community's sign deadline passed at midnight
    assert result["overdue"] == 1
    assert result["due_soon"] == 0  # found already late: the overdue notice only
    case.refresh_from_db()
    assert case.is_supervised and case.supervised_at == at("2026-03-04 09:00")
    assert case.overdue_noticed_at == at("2026-03-04 09:00")
    (overdue,) = watch_steps(case, "overdue")
    assert overdue.data["supervised"] is True
    assert notices(case, "overdue") == sorted([handling.name, responsible.name, intake.name])
    assert all(
        "已超期，转督办" in m for m in Notification.objects.filter(case=case, kind="overdue").values_list("message", flat=True)
    )
    red = light(case, at("2026-03-04 09:00"))
    assert red.color == "red" and "签收期限 2026-03-03" in red.reason and "已超期" in red.reason

    assert sweep("2026-03-04 10:00")["overdue"] == 0
    assert len(watch_steps(case, "overdue")) == 1
    assert Notification.objects.filter(case=case, kind="overdue").count() == 3


def test_each_deadline_is_watched_the_sign_deadline_then_the_handling_one(world, dispatched):
    sweep("2026-03-03 09:00")
    step(dispatched, "sign", world.handler, "2026-03-03 10:00")
    assert sweep("2026-03-03 11:00")["due_soon"] == 0  # the handling deadline (03-09) is far
    assert sweep("2026-03-09 09:00")["due_soon"] == 1
    first, second = watch_steps(dispatched, "due_soon")
    case = Case.objects.get(pk=dispatched.pk)
    assert first.data["due"] == case.sign_due.isoformat()
    assert second.data["due"] == case.handle_due.isoformat()
    assert sweep("2026-03-10 09:00")["overdue"] == 1
    case.refresh_from_db()
    assert case.is_supervised


def test_urgent_case_new_deadline_inside_the_old_window_is_noticed_again(world, new_case):
    case = new_case(priority="urgent")
    step(case, "dispatch", world.dispatcher, "2026-03-06 22:00", target_unit=world.dept)  # sign by 03-07 00:00
    assert sweep("2026-03-06 22:05")["due_soon"] == 1
    step(case, "sign", world.handler, "2026-03-06 23:00")  # handle by 03-07 22:00, also within 24 hours
    assert sweep("2026-03-06 23:05")["due_soon"] == 1
    noticed = [dt.datetime.fromisoformat(s.data["due"]) for s in watch_steps(case, "due_soon")]
    assert noticed == [at("2026-03-07 00:00"), at("2026-03-07 22:00")]


def test_a_reopened_case_gets_a_new_clock_and_is_watched_again(world, dispatched):
    assert sweep("2026-03-04 09:00")["overdue"] == 1  # late to sign in the first round
    step(dispatched, "sign", world.handler, "2026-03-04 10:00")
    step(dispatched, "reply", world.handler, "2026-03-04 11:00", note="已处理")
    step(dispatched, "follow_up", world.dispatcher, "2026-03-05 09:00", satisfaction="unsatisfied", resolved=False)
    case = Case.objects.get(pk=dispatched.pk)
    assert case.reopen_count == 1
    assert case.due_soon_noticed_at is None and case.overdue_noticed_at is None
    assert sweep("2026-03-05 10:00") | {"now": None} == {"now": None, "due_soon": 0, "overdue": 0, "skipped": 0, "failed": 0}
    assert sweep("2026-03-06 09:00")["due_soon"] == 1  # the new sign deadline is 03-06 end of day
    assert sweep("2026-03-07 09:00")["overdue"] == 1
    assert len(watch_steps(case, "overdue")) == 2
    assert Notification.objects.filter(case=case, kind="overdue").count() == 2 * 2  # 城管局 + the district, twice


def test_follow_up_overdue_tells_the_intake_unit_without_supervision(world, dispatched):
    step(dispatched, "sign", world.handler, "2026-03-02 11:00")
    step(dispatched, "reply", world.handler, "2026-03-03 11:00", note="已处理")  # follow up by 03-04
    assert sweep("2026-03-05 09:00")["overdue"] == 1
    case = Case.objects.get(pk=dispatched.pk)
    assert not case.is_supervised
    assert notices(case, "overdue") == [world.org.district.name]
    assert "回访已超期" in Notification.objects.get(case=case, kind="overdue").message


def test_an_extended_case_is_judged_by_its_new_deadline(world, dispatched):
    step(dispatched, "sign", world.handler, "2026-03-02 11:00")
    assert sweep("2026-03-09 09:00")["due_soon"] == 1  # handling deadline 03-09 end of day
    step(dispatched, "request_extension", world.handler, "2026-03-09 10:00", days=3, note="需协调多部门")
    step(dispatched, "decide_extension", world.dispatcher, "2026-03-09 11:00", approve=True)
    case = Case.objects.get(pk=dispatched.pk)
    assert case.handle_due.date().isoformat() == "2026-03-12"
    assert case.due_soon_noticed_at is None

    assert sweep("2026-03-10 09:00") | {"now": None} == {"now": None, "due_soon": 0, "overdue": 0, "skipped": 0, "failed": 0}
    case.refresh_from_db()
    assert not case.is_supervised  # past the old deadline, not the new one
    assert sweep("2026-03-12 09:00")["due_soon"] == 1
    assert sweep("2026-03-13 09:00")["overdue"] == 1
    assert len(watch_steps(case, "due_soon")) == 2


def test_one_failing_case_does_not_stop_the_sweep(world, new_case, monkeypatch, caplog):
    bad, good = new_case(), new_case(title="路灯不亮", description="左家新村 3 幢旁路灯坏了一周。")
    for case in (bad, good):
        step(case, "dispatch", world.dispatcher, "2026-03-02 10:00", target_unit=world.dept)
    real_act = services.act

    def flaky_act(case, action, **kw):
        if case == bad.pk:
            raise RuntimeError("database hiccup")
        return real_act(case, action, **kw)

    monkeypatch.setattr(services, "act", flaky_act)
    with caplog.at_level(logging.ERROR, logger="yixian.core.cases.tasks"):
        result = sweep("2026-03-04 09:00")
    assert (result["overdue"], result["failed"]) == (1, 1)
    assert watch_steps(good, "overdue") and not watch_steps(bad, "overdue")
    assert any(f"case {bad.pk}" in r.getMessage() and r.exc_info for r in caplog.records)

    monkeypatch.setattr(services, "act", real_act)
    assert sweep("2026-03-04 09:05")["overdue"] == 1  # the next sweep catches up
    assert watch_steps(bad, "overdue")


def test_two_sweeps_racing_notify_once(dispatched, monkeypatch):
    now = at("2026-03-04 09:00")
    seen_by_the_second = tasks.overdue_candidates(now)
    assert tasks.sweep(now)["overdue"] == 1
    monkeypatch.setattr(tasks, "overdue_candidates", lambda now: seen_by_the_second)
    result = tasks.sweep(now)
    assert (result["overdue"], result["skipped"]) == (0, 1)
    assert len(watch_steps(dispatched, "overdue")) == 1


def test_enqueued_sweep_is_run_by_the_database_worker(dispatched, worker_in_test_transaction):
    result = sla_sweep.enqueue(now_iso=at("2026-03-04 09:00").isoformat())
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "yixian.core.cases.tasks.sla_sweep"
    assert not watch_steps(dispatched, "overdue")

    make_worker(queue_names=["*"], backend_name="default", poll=0, batch=True, worker_id="test").run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value["overdue"] == 1
    assert len(watch_steps(dispatched, "overdue")) == 1
    assert Case.objects.get(pk=dispatched.pk).is_supervised


def test_worker_once_sweeps_and_runs_the_queue(dispatched, worker_in_test_transaction, capsys):
    queued = sla_sweep.enqueue(now_iso=at("2026-03-04 09:00").isoformat())
    call_command("worker", "--once", "--now", "2026-03-04T09:00:00+08:00")
    assert "超期 1 件" in capsys.readouterr().out
    assert len(watch_steps(dispatched, "overdue")) == 1  # the queued sweep found it done
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value["overdue"] == 0


def test_worker_once_fails_loudly_when_a_case_could_not_be_handled(dispatched, worker_in_test_transaction, monkeypatch):
    monkeypatch.setattr(services, "act", lambda *a, **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(CommandError, match="1 件工单未能处理"):
        call_command("worker", "--once", "--now", "2026-03-04T09:00:00+08:00")
    with pytest.raises(CommandError, match="--now"):
        call_command("worker", "--now", "2026-03-04T09:00:00+08:00")


def test_the_scheduler_does_not_pile_up_sweeps():
    assert enqueue_sweep() is True
    assert enqueue_sweep() is False  # one is still waiting for the worker
    assert DBTaskResult.objects.filter(task_path=sla_sweep.module_path).count() == 1


def test_periodic_jobs_are_enqueued_on_their_own_interval(monkeypatch):
    monkeypatch.setattr(registry, "periodic", [PeriodicJob(key="test.sweep", task=sla_sweep, every=3600)])
    last: dict = {}
    assert enqueue_periodic(last, at=1000.0) == ["test.sweep"]
    assert enqueue_periodic(last, at=1000.0 + 3599) == []  # not due yet
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    assert enqueue_periodic(last, at=1000.0 + 3600) == ["test.sweep"]  # due again
    assert enqueue_periodic(last, at=1000.0 + 7200) == []  # due, but the last run still waits in the queue
    assert DBTaskResult.objects.filter(task_path=sla_sweep.module_path).count() == 2
