"""The projects demo: the 12 service groups' cadres, some 80 projects at every stage and every
light on the demo's today (2026-11-27), and a second load that adds nothing."""

import datetime as dt

import pytest
from django.db import transaction

from yixian.core.accounts import demo as accounts_demo
from yixian.core.accounts.models import User
from yixian.core.activities.models import Activity
from yixian.core.cases.models import CaseState
from yixian.core.orgs import demo as orgs_demo
from yixian.core.orgs.models import CadreType, Membership, OrgUnit, Person
from yixian.framework.context import acting
from yixian.modules.projects import demo, selectors
from yixian.modules.projects.models import Blocker, InvestmentReport, Light, LightRecord, Project, Stage

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


class Ctx:
    def __init__(self):
        self.notes, self.logins = [], []

    def note(self, text):
        self.notes.append(text)

    def login(self, *args):
        self.logins.append(args)


def load():
    ctx = Ctx()
    with acting(source="demo"):
        orgs_demo.load(ctx)
        accounts_demo.load(ctx)
        demo.load(ctx)
    return ctx


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for this module's tests (rolled back at the end)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)


def counts():
    return (
        Person.objects.count(),
        Membership.objects.count(),
        Project.objects.count(),
        InvestmentReport.objects.count(),
        Blocker.objects.count(),
        Activity.objects.count(),
        LightRecord.objects.count(),
    )


def test_a_second_load_adds_nothing(loaded):
    ctx = loaded
    assert any("重大项目 80 个" in n for n in ctx.notes), ctx.notes
    first = counts()
    load()
    assert counts() == first


def test_groups_have_their_cadres_and_fuwuzu_still_sees_sg01(loaded):
    groups = OrgUnit.objects.filter(kind="service_group")
    assert groups.count() == 12
    active = Membership.objects.active(on=TODAY).filter(org_unit__in=groups)
    by_type = {
        kind: active.filter(person__cadre_type=kind).values("person").distinct().count()
        for kind in (CadreType.PROFESSIONAL, CadreType.SECOND_LINE, CadreType.YOUNG)
    }
    assert by_type[CadreType.PROFESSIONAL] == 143
    assert by_type[CadreType.SECOND_LINE] == 54
    assert by_type[CadreType.YOUNG] > 0
    for group in groups:
        assert active.filter(org_unit=group, title="组长").count() == 1, group
    fuwuzu = User.objects.get(username="fuwuzu")
    assert fuwuzu.has_perm("projects.view_project")
    mine = selectors.projects_for(fuwuzu)
    assert mine.count() >= 5
    assert set(mine.values_list("service_group__code", flat=True)) == {"SG01"}


def test_projects_cover_every_street_stage_and_light_with_reasons(loaded):
    projects = Project.objects.filter(code__startswith=demo.CODE_PREFIX)
    assert projects.count() == 80
    assert projects.values("org_unit").distinct().count() == 18
    lights = {light: projects.filter(light=light).count() for light in Light.values}
    assert lights[Light.RED] >= 8 and lights[Light.YELLOW] >= 6 and lights[Light.NONE] >= 1
    assert lights[Light.GREEN] > lights[Light.RED] + lights[Light.YELLOW]
    stages = set(projects.values_list("stage", flat=True))
    assert {"", *Stage.values} <= stages | {""}
    assert len(stages) >= 7
    red = " ".join(projects.filter(light=Light.RED).values_list("light_reason", flat=True))
    assert "仍未开工" in red  # not started 3 months after its planned start
    assert "逾期未" in red  # a milestone overdue
    assert "年度投资完成率" in red  # investment lag above 30 pp
    assert "已超期未答复" in red  # an overdue blocker
    for project in projects.filter(light__in=[Light.RED, Light.YELLOW]):
        assert project.light_reason, project.code


def test_investment_blockers_and_visits_are_believable(loaded):
    projects = Project.objects.filter(code__startswith=demo.CODE_PREFIX)
    done = sum(InvestmentReport.objects.filter(project__in=projects, month__year=2026).values_list("amount", flat=True))
    assert 1_000_000 < done < 10_000_000  # 万元: some hundred 亿 in the district
    months = set(InvestmentReport.objects.values_list("month__month", flat=True))
    assert months == set(range(1, 11))
    progress = selectors.district_progress(projects, 2026, 10)
    assert progress.rate is not None and progress.rate > 50
    blockers = Blocker.objects.filter(project__in=projects).select_related("case")
    states = {b.case.state for b in blockers}
    assert CaseState.CLOSED in states and (states & {CaseState.DISPATCHED, CaseState.SIGNED})
    assert blockers.filter(supervised_at__isnull=False, case__closed_at__isnull=True).count() >= 2
    late = [b for b in blockers if b.case.replied_at and not b.case.replied_on_time]
    on_time = [b for b in blockers if b.case.replied_on_time]
    assert late and len(on_time) > len(late)
    assert blockers.filter(visit__isnull=False).exists()
    visits = Activity.objects.filter(kind="visit", subject_type__model="project")
    assert visits.filter(occurred_on__gte=dt.date(2026, 11, 1)).count() >= 3
