"""Background task of the projects module: the nightly light sweep (a periodic job)."""

from __future__ import annotations

from django_tasks import task

from yixian.framework import context
from yixian.framework.registry import PeriodicJob, registry


@task()
def sweep_projects(now_iso: str | None = None) -> dict:
    """Refresh every active project's light and this month's light record, and supervise
    overdue blockers: `sweep_projects.enqueue()` or `sweep_projects.call(now_iso=...)`."""
    from yixian.core.cases.tasks import parse_now

    from .services import sweep

    with context.acting(source="system"):
        return sweep(now=parse_now(now_iso))


registry.add_periodic(PeriodicJob(key="projects.sweep", task=sweep_projects, every=6 * 3600, label="重大项目亮灯刷新"))
