"""Indicators of the rider stations (小哥驿站)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yixian.core.indicators.base import Indicator, Query, Result, rank_counts, register

from .models import RiderStation, StationStatus

BUILT = (StationStatus.OPEN, StationStatus.UPGRADING)  # a station being upgraded is still a station


def _open(q: Query):
    return RiderStation.objects.filter(status__in=BUILT).filter(Q(opened_on__isnull=True) | Q(opened_on__lte=q.as_of))


def _stations_open(q: Query) -> Result:
    return Result.count(q.narrow(_open(q)))


register(
    Indicator(
        code="riders.stations",
        name=_("小哥驿站数"),
        name_en="Rider stations built",
        unit=_("个"),
        definition=_("统计期末已建成（运营中或提升改造中）的小哥驿站个数（筹建中、已停用及启用日期晚于期末的不计）"),
        module="riders",
        compute=_stations_open,
        rank=rank_counts(_open),
        order=10,
    )
)
