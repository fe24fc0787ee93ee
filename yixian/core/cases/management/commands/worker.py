"""The background worker: the SLA watch scheduler and the database task queue, in one process.

    manage.py worker                 # run until SIGTERM/SIGINT: enqueue the SLA sweep every
                                     # 300 s and run every task in the queue as it arrives
    manage.py worker --interval 120  # sweep every 2 minutes
    manage.py worker --once          # one sweep now, then the tasks already queued; exit (cron, tests)

The queue is run by django-tasks-db's own `Worker` (as `manage.py db_worker` runs it) in the main
thread, with its signal handling: the first SIGTERM/SIGINT lets the running task finish and
exits, a second one stops the task. A small daemon thread enqueues `sla_sweep` every
`--interval` seconds (not when one is still waiting in the queue), and prunes finished sweeps
older than `--keep-days`. A sweep is idempotent, so a second worker process (or a cron
`--once`) running next to this one does no harm; start extra workers with `--no-sla`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import InvalidTaskBackendError
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from yixian.core.cases.tasks import parse_now, sla_sweep, sweep
from yixian.framework.registry import registry

logger = logging.getLogger("yixian.core.cases.worker")


def enqueue_once(task, *, keep_days: int = 7) -> bool:
    """Enqueue `task` unless a run of it is already waiting; drop its finished runs older than
    `keep_days`. Returns whether it was enqueued."""
    runs = DBTaskResult.objects.filter(task_path=task.module_path, backend_name=task.backend)
    if runs.filter(status=TaskResultStatus.READY).exists():
        return False
    task.enqueue()
    cutoff = timezone.now() - dt.timedelta(days=keep_days)
    runs.filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff).delete()
    return True


def enqueue_sweep(*, keep_days: int = 7) -> bool:
    """Enqueue one SLA sweep unless one is already waiting (see enqueue_once)."""
    return enqueue_once(sla_sweep, keep_days=keep_days)


def enqueue_periodic(last: dict, *, keep_days: int = 7, at: float | None = None) -> list[str]:
    """Enqueue every registered periodic job (registry.periodic) whose interval has passed
    since `last[key]` (monotonic seconds; updated in place). Returns the keys enqueued."""
    at = time.monotonic() if at is None else at
    done = []
    for job in registry.periodic:
        if job.key in last and at - last[job.key] < job.every:
            continue
        last[job.key] = at
        if enqueue_once(job.task, keep_days=keep_days):
            done.append(job.key)
    return done


def make_worker(*, queue_names: list[str], backend_name: str, poll: float, batch: bool, worker_id: str) -> Worker:
    return Worker(
        queue_names=queue_names,
        interval=poll,
        batch=batch,
        backend_name=backend_name,
        startup_delay=not batch,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


class Scheduler(threading.Thread):
    """Enqueues the SLA sweep at once and then every `interval` seconds, and each module's
    periodic job (registry.periodic: light sweeps, indicator snapshots) on its own interval,
    until stopped."""

    def __init__(self, interval: float, keep_days: int, *, sla: bool = True):
        super().__init__(name="sla-scheduler", daemon=True)
        self.interval = interval
        self.keep_days = keep_days
        self.sla = sla
        self.last: dict[str, float] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    if self.sla:
                        enqueue_sweep(keep_days=self.keep_days)
                    enqueue_periodic(self.last, keep_days=self.keep_days)
                except Exception:  # the database may be away for a while: try again next time
                    logger.exception("scheduler: could not enqueue the periodic tasks")
                self.stopping.wait(min([self.interval, *(j.every for j in registry.periodic)]))
        finally:
            connections.close_all()  # this thread's connections

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.join(timeout)


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Run the background worker: enqueue the SLA watch (临期/超期 sweep) every --interval seconds "
        "and run the tasks of the database queue, until SIGTERM or SIGINT. With --once, run one sweep "
        "and the tasks already queued, then exit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=positive, default=300, help="seconds between SLA sweeps (default 300)")
        parser.add_argument("--poll", type=positive, default=1, help="seconds between looks at an empty queue (default 1)")
        parser.add_argument("--once", action="store_true", help="run one SLA sweep now, then the tasks already queued, and exit")
        parser.add_argument("--now", help="with --once: sweep as at this ISO 8601 moment (tests, replays)")
        parser.add_argument("--no-sla", action="store_true", help="only run the queue (for extra worker processes)")
        parser.add_argument("--queue-name", default="*", help="queues to run, comma-separated; '*' for all (default)")
        parser.add_argument("--backend", default=sla_sweep.backend, help="the task backend (default %(default)s)")
        parser.add_argument("--keep-days", type=int, default=7, help="keep finished sweeps this many days (default 7)")
        parser.add_argument("--worker-id", default="", help="a name unique among workers (default: random)")

    def handle(self, *args, **options):
        backend_name = options["backend"]
        try:
            uses_queue = isinstance(task_backends[backend_name], DatabaseBackend)
        except InvalidTaskBackendError as exc:
            raise CommandError(_("未配置名为“%(b)s”的后台任务后端。") % {"b": backend_name}) from exc
        worker_id = (options["worker_id"] or f"yixian-{get_random_string(12)}")[:64]
        queue_names = [name.strip() for name in options["queue_name"].split(",") if name.strip()] or ["*"]
        if options["now"] and not options["once"]:
            raise CommandError(_("--now 只能与 --once 一起使用。"))
        if options["once"]:
            return self.run_once(options, uses_queue, queue_names, backend_name, worker_id)
        if not uses_queue:
            raise CommandError(_("后台任务后端“%(b)s”不是数据库队列，worker 无任务可取。") % {"b": backend_name})

        worker = make_worker(
            queue_names=queue_names, backend_name=backend_name, poll=options["poll"], batch=False, worker_id=worker_id
        )
        scheduler = None if options["no_sla"] else Scheduler(options["interval"], options["keep_days"])
        if scheduler:
            self.stdout.write(_("时限监控：每 %(n)s 秒巡查一次临期、超期工单。") % {"n": f"{options['interval']:g}"})
        self.stdout.write(_("后台任务 worker %(id)s 已启动（队列：%(q)s）。") % {"id": worker_id, "q": ",".join(queue_names)})
        worker.configure_signals()
        try:
            if scheduler:
                scheduler.start()
            worker.run()
        finally:
            if scheduler:
                scheduler.stop()
            worker.reset_signals()
            self.stdout.write(_("后台任务 worker %(id)s 已停止。") % {"id": worker_id})

    def run_once(self, options, uses_queue: bool, queue_names, backend_name: str, worker_id: str) -> None:
        failed = 0
        if not options["no_sla"]:
            try:
                now = parse_now(options["now"])
            except ValueError as exc:
                raise CommandError(_("--now 不是有效的时间：%(v)s") % {"v": options["now"]}) from exc
            counts = sweep(now)
            failed = counts["failed"]
            self.stdout.write(
                _("时限监控：临期提醒 %(due_soon)s 件，超期 %(overdue)s 件，跳过 %(skipped)s 件，失败 %(failed)s 件。") % counts
            )
        if uses_queue:
            if not options["no_sla"]:
                for key in enqueue_periodic({}, keep_days=options["keep_days"]):
                    self.stdout.write(_("定时任务 %(k)s 已排队。") % {"k": key})
            make_worker(queue_names=queue_names, backend_name=backend_name, poll=0, batch=True, worker_id=worker_id).run()
        if failed:
            raise CommandError(_("有 %(n)s 件工单未能处理，详见日志。") % {"n": failed})
