"""A small district for the dashboard and the briefing: two streets, two departments, a red
and a green project with an annual plan and investment, an overdue case, a target, and the
dashboard configured by hand (figures, a trend, a ranking)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yixian.core.cases import services as case_services
from yixian.core.cases.tests.conftest import World, at
from yixian.core.indicators.models import DashboardItem, Target
from yixian.framework.testing.fixtures import make_role, make_user

NOW = at("2026-11-20 10:00")
VIEW = ["indicators.view_dashboarditem", "cases.view_case", "projects.view_project"]

ITEMS = [
    ("projects.total", "figure"),
    ("projects.red", "figure"),
    ("projects.investment_rate", "figure"),
    ("projects.investment_rate", "trend"),
    ("projects.total", "ranking"),
]


def configure_dashboard(kind: str = "district", items=ITEMS) -> None:
    DashboardItem.objects.all().delete()
    for order, (code, chart) in enumerate(items, 1):
        DashboardItem.objects.create(dashboard=kind, code=code, chart=chart, order=order * 10)


class District(World):
    def __init__(self, *, with_data: bool = True):
        super().__init__()
        self.leader = make_user("t_leader", units=[self.org.district], roles=[make_role("t_leader", VIEW, data_scope="all")])
        street_view = make_role("t_street_view", VIEW)
        self.street_worker = make_user("t_street_a", units=[self.org.street_a], roles=[street_view])
        self.stranger = make_user("t_plain", units=[self.org.street_a], roles=[make_role("t_plain", ["cases.view_case"])])
        configure_dashboard()
        Target.objects.create(code="projects.investment_rate", org_unit=None, year=2026, value=Decimal("95.00"))
        if with_data:
            self._data()

    def _data(self):
        from yixian.modules.projects import services as project_services

        self.red = project_services.create_project(
            actor=None,
            code="T-2025-001",
            name="拱宸桥智慧产业园",
            kind="industrial",
            owner_name="杭州拱宸科技有限公司",
            org_unit=self.org.street_a,
            lead_department=self.dept2,
            total_investment=Decimal("50000"),
            signed_on=dt.date(2025, 1, 10),
            annual_plans={2026: Decimal("647.40")},
            now=NOW,
        )
        self.green = project_services.create_project(
            actor=None,
            code="T-2026-002",
            name="湖墅南路数字经济楼宇",
            kind="investment",
            owner_name="杭州湖墅数字有限公司",
            org_unit=self.org.street_b,
            lead_department=self.dept,
            total_investment=Decimal("8000"),
            signed_on=dt.date(2026, 11, 2),
            now=NOW,
        )
        project_services.report_investment(self.red, actor=None, month=dt.date(2026, 10, 1), amount=Decimal("629.00"), now=NOW)
        case = case_services.receive_case(
            case_type="resident_request",
            title="小区门口占道经营",
            description="米市巷街道左家新村门口每天晚上有流动摊贩占道经营，油烟很大。",
            intake_unit=self.org.district,
            org_unit=self.org.community_a,
            requester_name="王先生",
            requester_phone="13805710001",
            actor=self.dispatcher,
            now=at("2026-11-02 09:00"),
        )
        self.overdue_case = case_services.act(
            case, "dispatch", actor=self.dispatcher, target_unit=self.dept, now=at("2026-11-02 09:30")
        )


@pytest.fixture
def district(db):
    return District()


@pytest.fixture
def empty_district(db):
    return District(with_data=False)
