import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.testing.fixtures import OrgFixture, make_role, make_user

TZ = ZoneInfo("Asia/Shanghai")

DISPATCH = ["cases.view_case", "cases.add_case", "cases.dispatch_case", "cases.supervise_case", "cases.view_casecategory"]
HANDLE = ["cases.view_case", "cases.add_case", "cases.handle_case", "cases.view_casecategory"]


def at(text: str) -> dt.datetime:
    """A Beijing-time moment: at("2026-03-02 09:00")."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


class World:
    def __init__(self):
        self.org = OrgFixture()
        district = OrgUnit.objects.get(pk=self.org.district.pk)
        self.dept = OrgUnit.objects.filter(code="D-CGJ").first() or district.add_child(
            code="D-CGJ", name="区城管局", kind=OrgUnitKind.DEPARTMENT, short_name="城管局"
        )
        district = OrgUnit.objects.get(pk=self.org.district.pk)
        self.dept2 = OrgUnit.objects.filter(code="D-ZJJ").first() or district.add_child(
            code="D-ZJJ", name="区住建局", kind=OrgUnitKind.DEPARTMENT, short_name="住建局"
        )
        dispatcher_role = make_role("t_dispatcher", DISPATCH, data_scope="all")
        handler_role = make_role("t_handler", HANDLE)
        street_role = make_role("t_street", [*HANDLE, "cases.dispatch_case"])
        self.dispatcher = make_user("t_paidan", units=[self.org.district], roles=[dispatcher_role])
        self.handler = make_user("t_cgj", units=[self.dept], roles=[handler_role])
        self.handler_b = make_user("t_cgj2", units=[self.dept], roles=[handler_role])
        self.other_handler = make_user("t_zjj", units=[self.dept2], roles=[handler_role])
        self.street = make_user("t_mishi", units=[self.org.street_a], roles=[street_role])
        self.community = make_user("t_zuojia", units=[self.org.community_a], roles=[handler_role])
        self.nobody = make_user("t_nobody", units=[self.org.street_b], roles=[make_role("t_viewer", ["cases.view_case"])])


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def new_case(world):
    from yixian.core.cases import services

    def make(now="2026-03-02 09:00", **kwargs):
        defaults = dict(
            case_type="resident_request",
            title="小区门口占道经营",
            description="米市巷街道左家新村门口每天晚上有流动摊贩占道经营，油烟很大。",
            intake_unit=world.org.district,
            org_unit=world.org.community_a,
            requester_name="王先生",
            requester_phone="13805710001",
            actor=world.dispatcher,
            now=at(now),
        )
        defaults.update(kwargs)
        return services.receive_case(**defaults)

    return make
