"""Reads of the projects module: scoped lists, the stage board, red and yellow lists, the
timeline, investment progress and a service group's summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yixian.core.indicators.base import Result, quantize
from yixian.framework.scope import get_scope

from . import lights
from .models import STAGE_ORDER, AnnualPlan, Blocker, InvestmentReport, Light, Milestone, Project, Stage
from .services import OPEN_BLOCKER_STATES, assessed_month

NO_STAGE = ""


def projects_for(user) -> QuerySet:
    """The projects `user` may see (their street, service group or lead department)."""
    return get_scope(user).filter(
        Project.objects.select_related("org_unit", "service_group", "lead_department", "industry", "leader")
    )


def board(queryset: QuerySet) -> list[tuple[str, str, list[Project]]]:
    """Projects grouped by current stage: (stage, label, projects), "未签约/未开始" first."""
    columns: dict[str, list] = {NO_STAGE: []}
    for stage in Stage.values:
        columns[stage] = []
    for project in queryset.order_by("code"):
        columns.setdefault(project.stage or NO_STAGE, []).append(project)
    labels = {NO_STAGE: _("未签约/未开始"), **{s: str(Stage(s).label) for s in Stage.values}}
    return [(stage, labels[stage], items) for stage, items in columns.items()]


def _light_list(queryset: QuerySet, light: str) -> QuerySet:
    return (
        queryset.filter(light=light)
        .select_related("org_unit", "service_group", "lead_department")
        .order_by("org_unit__path", "code")
    )


def red_list(queryset: QuerySet) -> QuerySet:
    """Red projects ordered by street; each carries `light_reason`."""
    return _light_list(queryset, Light.RED)


def yellow_list(queryset: QuerySet) -> QuerySet:
    """Yellow projects ordered by street; each carries `light_reason`."""
    return _light_list(queryset, Light.YELLOW)


def reasons_of(project: Project) -> list[str]:
    """The light's reasons one by one."""
    return [r for r in (project.light_reason or "").split("；") if r]


def timeline(projects) -> dict:
    """For a Gantt-like view: {"start", "end", "rows": [{"project", "stages": [{stage, label,
    planned, actual, late}]}]} with the date range covering every date shown."""
    projects = list(projects)
    by_project: dict[int, list] = {p.pk: [] for p in projects}
    for m in Milestone.objects.filter(project__in=[p.pk for p in projects]).order_by("project_id", "order"):
        by_project[m.project_id].append(m)
    dates: list[dt.date] = []
    rows = []
    for project in projects:
        stages = []
        for m in by_project[project.pk]:
            stages.append(
                {
                    "stage": m.stage,
                    "label": m.get_stage_display(),
                    "planned": m.planned_date,
                    "actual": m.actual_date,
                    "late": bool(m.planned_date and m.actual_date and m.actual_date > m.planned_date),
                }
            )
            dates += [d for d in (m.planned_date, m.actual_date) if d]
        rows.append({"project": project, "stages": stages})
    return {"start": min(dates) if dates else None, "end": max(dates) if dates else None, "rows": rows}


def progress_of(project: Project, year: int, month: int) -> lights.Progress:
    """A project's investment progress in `year` through `month`."""
    from .services import progress_for

    return progress_for(project, year, month)


def district_progress(queryset: QuerySet, year: int, month: int) -> lights.Progress:
    """The progress of all projects in `queryset` (sums in the database)."""
    ids = queryset.values("pk")
    plan = AnnualPlan.objects.filter(project__in=ids, year=year).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    done = InvestmentReport.objects.filter(
        project__in=ids, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, month, 1)
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return lights.investment_progress(plan, done, month)


def cumulative_done(project_or_queryset) -> Decimal:
    """Investment completed since the start (万元): of a project, or summed over a queryset."""
    if isinstance(project_or_queryset, Project):
        reports = InvestmentReport.objects.filter(project=project_or_queryset)
    else:
        reports = InvestmentReport.objects.filter(project__in=project_or_queryset.values("pk"))
    return quantize(reports.aggregate(s=Sum("amount"))["s"] or Decimal(0))


def current_progress(project: Project, today: dt.date) -> lights.Progress:
    """The progress the light looks at on `today` (through the last complete month)."""
    year, month = assessed_month(today)
    return progress_of(project, year, month)


def blockers_of(project_or_queryset) -> QuerySet:
    """Blockers of a project (or of the projects of a queryset), newest first, with their cases."""
    qs = Blocker.objects.select_related("case", "case__handling_unit", "project", "raised_by", "visit")
    if isinstance(project_or_queryset, Project):
        return qs.filter(project=project_or_queryset)
    return qs.filter(project__in=project_or_queryset.values("pk"))


def open_blockers(queryset: QuerySet) -> QuerySet:
    return queryset.filter(case__state__in=OPEN_BLOCKER_STATES)


def visits_of(project: Project) -> QuerySet:
    """Site visits (activities) whose subject is the project, newest first."""
    from yixian.core.activities.models import Activity

    return (
        Activity.objects.filter(subject_type=ContentType.objects.get_for_model(Project), subject_id=str(project.pk))
        .select_related("org_unit", "created_by")
        .prefetch_related("participants", "attachments")
        .order_by("-occurred_on", "-id")
    )


def blocker_on_time(queryset: QuerySet, now: dt.datetime) -> Result:
    """On-time resolution rate: blockers replied by their deadline / blockers replied, or past
    their deadline at `now` without a reply."""
    due = queryset.filter(Q(case__replied_at__isnull=False) | Q(case__handle_due__lt=now, case__state__in=OPEN_BLOCKER_STATES))
    return Result.rate_of(due, Q(case__replied_at__isnull=False, case__replied_on_time=True))


def visit_candidates(project, *, user=None, today: dt.date) -> QuerySet:
    """Who may be named as a participant of a visit to `project`: the active members of its
    service group and its street, its serving cadres, and the user recording the visit."""
    from yixian.core.orgs.models import Membership, Person

    units = [u for u in (project.service_group_id, project.org_unit_id) if u]
    members = Membership.objects.active(today).filter(org_unit__in=units).values("person_id")
    condition = Q(pk__in=members) | Q(pk__in=project.cadres.values("pk"))
    me = getattr(user, "person_id", None)
    if me:
        condition |= Q(pk=me)
    return Person.objects.filter(condition).order_by("name", "pk")


def group_summary(group, *, user, today: dt.date) -> dict:
    """A service group's page: members, counts by cadre type, its projects by light, open
    blockers, on-time resolution rate and visits this month."""
    from yixian.core.activities.models import Activity
    from yixian.core.orgs.models import CadreType, Membership

    members = list(
        Membership.objects.active(today).filter(org_unit=group).select_related("person").order_by("person__name", "pk")
    )
    by_type: dict[str, int] = {}
    seen = set()
    for m in members:
        if m.person_id in seen:
            continue
        seen.add(m.person_id)
        by_type[m.person.cadre_type or ""] = by_type.get(m.person.cadre_type or "", 0) + 1
    projects = projects_for(user).filter(service_group=group)
    lights_count = dict(projects.values_list("light").annotate(n=Count("pk")).values_list("light", "n"))
    blockers = blockers_of(projects)
    month_start = today.replace(day=1)
    visits = Activity.objects.visible_to(user).filter(
        kind="visit", org_unit=group, occurred_on__gte=month_start, occurred_on__lte=today
    )
    return {
        "group": group,
        "members": [
            {
                "person": m.person,
                "cadre_type": m.person.cadre_type,
                "cadre_type_label": CadreType(m.person.cadre_type).label if m.person.cadre_type else "",
                "title": m.title,
                "start_date": m.start_date,
            }
            for m in members
        ],
        "by_cadre_type": by_type,
        "projects": projects,
        "by_light": {light: lights_count.get(light, 0) for light in Light.values},
        "open_blockers": open_blockers(blockers).count(),
        "on_time": blocker_on_time(blockers, timezone.make_aware(dt.datetime.combine(today, dt.time.min))),
        "visits_this_month": visits.count(),
    }


def stage_counts(queryset: QuerySet) -> dict[str, int]:
    """How many projects are at each current stage ("" = none reached)."""
    counts = dict(queryset.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return {stage: counts.get(stage, 0) for stage in [NO_STAGE, *sorted(STAGE_ORDER, key=STAGE_ORDER.get)]}
