"""Indicators of the organisation tree: how many streets and communities."""

from django.utils.translation import gettext_lazy as _

from yixian.core.indicators.base import Indicator, Query, Result, rank_counts, register

from .models import OrgUnit, OrgUnitKind


def _units(kind):
    def compute(q: Query) -> Result:
        return Result.count(q.narrow(OrgUnit.objects.filter(kind=kind, is_active=True), path=""))

    return compute


register(
    Indicator(
        code="orgs.streets",
        name=_("街道数"),
        name_en="Streets",
        unit=_("个"),
        definition=_("启用中的街道个数"),
        module="orgs",
        compute=_units(OrgUnitKind.STREET),
        rank=rank_counts(lambda q: OrgUnit.objects.filter(kind=OrgUnitKind.STREET, is_active=True), path=""),
        order=10,
    )
)
register(
    Indicator(
        code="orgs.communities",
        name=_("社区数"),
        name_en="Communities",
        unit=_("个"),
        definition=_("启用中的社区个数"),
        module="orgs",
        compute=_units(OrgUnitKind.COMMUNITY),
        rank=rank_counts(lambda q: OrgUnit.objects.filter(kind=OrgUnitKind.COMMUNITY, is_active=True), path=""),
        order=20,
    )
)
