"""Indicators of major projects and service groups, each counted in the database.

Scope and unit narrow through each model's scope path (a project belongs to its street, its
service group and its lead department; a visit to the group that made it and the street it
was in); the period narrows through a date of the record. Lights and stages are the
project's current ones for the running month and the month-end light record for a past one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from yixian.core.indicators.base import Indicator, Query, Result, rank_counts, register, shared
from yixian.core.orgs.models import CadreType

from .models import AnnualPlan, Blocker, InvestmentReport, Light, LightRecord, Project, ProjectStatus, Stage

MODULE = "projects"


def _fmt(template, **values):
    """A lazily translated text with values filled in when it is shown."""
    return lazy(lambda: str(template) % {k: str(v) for k, v in values.items()}, str)()


def _live(q: Query) -> bool:
    """Whether the period is the running month (or contains it): current values apply."""
    return q.as_of.replace(day=1) >= timezone.localdate(q.now).replace(day=1)


def _all_projects(q: Query):
    return Project.objects.exclude(status=ProjectStatus.CANCELLED)


def _projects(q: Query):
    return q.narrow(_all_projects(q))


def _total(q: Query) -> Result:
    return Result.count(_projects(q))


def _light_records(light: str):
    """The projects on `light` at the period's end (before scope), for compute and ranking."""

    def records(q: Query):
        projects = _all_projects(q)
        if _live(q):
            return projects.filter(light=light)
        month = q.as_of.replace(day=1)
        return projects.filter(pk__in=LightRecord.objects.filter(month=month, light=light).values("project_id"))

    return records


def _by_light(light: str):
    records = _light_records(light)

    def compute(q: Query) -> Result:
        return Result.count(q.narrow(records(q)))

    return compute


def _stage_records(stage: str):
    return lambda q: _all_projects(q).filter(stage=stage)


def _by_stage(stage: str):
    def compute(q: Query) -> Result:
        return Result.count(q.narrow(_stage_records(stage)(q)))

    return compute


def _investment_rate(q: Query) -> Result:
    """Done in the year through the as-of month / the year's plans."""
    year, month = q.as_of.year, q.as_of.month
    plan = q.narrow(AnnualPlan.objects.filter(year=year)).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    done = q.narrow(
        InvestmentReport.objects.filter(month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, month, 1))
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    records = q.narrow(Project.objects.filter(annual_plans__year=year)).distinct()
    return Result.ratio(done, plan, records=records)


def _investment_done(q: Query) -> Result:
    reports = q.in_period(q.narrow(InvestmentReport.objects.all()), "month")
    done = reports.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return Result(value=done.quantize(Decimal("0.01")), numerator=done, records=reports)


def _window(q: Query) -> tuple[dt.datetime, dt.datetime]:
    start, end = q.period.bounds()
    return start, min(end, q.now)


def _blockers(q: Query):
    return q.narrow(Blocker.objects.select_related("case", "project"))


def _blockers_raised(q: Query) -> Result:
    start, end = _window(q)
    return Result.count(_blockers(q).filter(case__received_at__gte=start, case__received_at__lt=end))


def _blockers_resolved(q: Query) -> Result:
    start, end = _window(q)
    return Result.count(_blockers(q).filter(case__replied_at__gte=start, case__replied_at__lt=end))


def _blockers_on_time(q: Query) -> Result:
    start, end = _window(q)
    due = _blockers(q).filter(case__handle_due__gte=start, case__handle_due__lt=end)
    return Result.rate_of(due, Q(case__replied_on_time=True))


def _visits(q: Query) -> Result:
    from yixian.core.activities.models import Activity, ActivityKind

    visits = Activity.objects.filter(kind=ActivityKind.VISIT, subject_type=ContentType.objects.get_for_model(Project))
    return Result.count(q.in_period(q.narrow(visits), "occurred_on"))


def _groups(q: Query) -> Result:
    from yixian.core.orgs.models import OrgUnit, OrgUnitKind

    return Result.count(q.narrow(OrgUnit.objects.filter(kind=OrgUnitKind.SERVICE_GROUP, is_active=True)))


def _group_people(q: Query):
    """The people with an active membership (on q.as_of) in an active service group, in scope."""
    from yixian.core.orgs.models import Membership, OrgUnitKind, Person

    memberships = q.narrow(
        Membership.objects.active(q.as_of).filter(org_unit__kind=OrgUnitKind.SERVICE_GROUP, org_unit__is_active=True),
        path="org_unit",
    )
    return Person.objects.filter(pk__in=memberships.values("person_id"))


def _members(cadre_type: str | None = None):
    def compute(q: Query) -> Result:
        from django.db.models import Count

        people = _group_people(q)
        # one grouped count serves groups.members and every groups.cadres.* of a dashboard
        by_type = shared(
            q, "groups.people_by_type", lambda: dict(people.order_by().values_list("cadre_type").annotate(n=Count("pk")))
        )
        if cadre_type:
            n = by_type.get(cadre_type, 0)
            return Result(value=n, numerator=n, records=people.filter(cadre_type=cadre_type))
        n = sum(by_type.values())
        return Result(value=n, numerator=n, records=people)

    return compute


register(
    Indicator(
        code="projects.total",
        name=_("重大项目数"),
        name_en="Major projects",
        unit=_("个"),
        definition=_("在库（未终止）的重大项目个数"),
        module=MODULE,
        compute=_total,
        rank=rank_counts(_all_projects),
        order=10,
    )
)
for _order, _stage in enumerate(Stage, start=1):
    register(
        Indicator(
            code=f"projects.by_stage.{_stage.value}",
            name=_fmt(_("处于“%(stage)s”阶段的项目数"), stage=_stage.label),
            name_en=f"Projects at stage {_stage.value}",
            unit=_("个"),
            definition=_fmt(_("当前已达到的最后一个节点为“%(stage)s”的在库重大项目个数"), stage=_stage.label),
            module=MODULE,
            compute=_by_stage(_stage.value),
            rank=rank_counts(_stage_records(_stage.value)),
            order=20 + _order,
        )
    )
for _order, (_light, _name, _en) in enumerate(
    [
        (Light.RED, _("红灯项目数"), "Projects on red"),
        (Light.YELLOW, _("黄灯项目数"), "Projects on yellow"),
        (Light.GREEN, _("绿灯项目数"), "Projects on green"),
    ],
    start=1,
):
    register(
        Indicator(
            code=f"projects.{_light.value}",
            name=_name,
            name_en=_en,
            unit=_("个"),
            definition=_fmt(_("统计期末亮%(light)s的重大项目个数（本月为实时亮灯，往月为月末亮灯记录）"), light=_light.label),
            module=MODULE,
            compute=_by_light(_light.value),
            rank=rank_counts(_light_records(_light.value)),
            higher_is_better=_light == Light.GREEN,
            order=10 + _order,
        )
    )
register(
    Indicator(
        code="projects.investment_rate",
        name=_("年度投资完成率"),
        name_en="Annual investment completion rate",
        unit="%",
        definition=_("统计期末所在年度 1 月至该月累计完成投资 ÷ 该年度计划投资"),
        module=MODULE,
        compute=_investment_rate,
        kind="rate",
        order=40,
    )
)
register(
    Indicator(
        code="projects.investment_done",
        name=_("完成投资"),
        name_en="Investment completed",
        unit=_("万元"),
        definition=_("统计期内各月填报的完成投资之和"),
        module=MODULE,
        compute=_investment_done,
        kind="amount",
        order=41,
    )
)
register(
    Indicator(
        code="projects.blockers_raised",
        name=_("新提堵点数"),
        name_en="Blockers raised",
        unit=_("个"),
        definition=_("统计期内在重大项目上提出并派给部门的堵点个数"),
        module=MODULE,
        compute=_blockers_raised,
        higher_is_better=False,
        order=50,
    )
)
register(
    Indicator(
        code="projects.blockers_resolved",
        name=_("答复堵点数"),
        name_en="Blockers answered",
        unit=_("个"),
        definition=_("统计期内部门已答复的项目堵点个数"),
        module=MODULE,
        compute=_blockers_resolved,
        order=51,
    )
)
register(
    Indicator(
        code="projects.blockers_on_time",
        name=_("堵点按时答复率"),
        name_en="Blockers answered on time",
        unit="%",
        definition=_("办理期限在统计期内届满的堵点中，在期限内答复的比例"),
        module=MODULE,
        compute=_blockers_on_time,
        kind="rate",
        order=52,
    )
)
register(
    Indicator(
        code="projects.visits",
        name=_("项目走访次数"),
        name_en="Project site visits",
        unit=_("次"),
        definition=_("统计期内记录的重大项目走访次数"),
        module=MODULE,
        compute=_visits,
        order=60,
    )
)
register(
    Indicator(
        code="groups.count",
        name=_("专项服务组数"),
        name_en="Service groups",
        unit=_("个"),
        definition=_("启用中的专项服务组个数"),
        module=MODULE,
        compute=_groups,
        order=70,
    )
)
register(
    Indicator(
        code="groups.members",
        name=_("服务组成员数"),
        name_en="Service group members",
        unit=_("人"),
        definition=_("统计期末在专项服务组内有有效任职的人数（一人多组计一次）"),
        module=MODULE,
        compute=_members(),
        order=71,
    )
)
for _order, (_type, _name, _en) in enumerate(
    [
        ("professional", _("服务组专业干部数"), "Professional cadres in service groups"),
        ("second_line", _("服务组“退二线”干部数"), "Second-line cadres in service groups"),
        ("young", _("服务组年轻干部数"), "Young cadres in service groups"),
    ],
    start=1,
):
    register(
        Indicator(
            code=f"groups.cadres.{_type}",
            name=_name,
            name_en=_en,
            unit=_("人"),
            definition=_fmt(_("统计期末在专项服务组内有有效任职、干部类型为“%(type)s”的人数"), type=CadreType(_type).label),
            module=MODULE,
            compute=_members(_type),
            order=71 + _order,
        )
    )
