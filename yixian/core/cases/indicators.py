"""The case engine's indicators: each case KPI (kpis.py) and two counts.

The KPIs are the KPI page's own figures: `kpis.total` over the cases the query may see,
narrowed as `kpis.for_user` narrows them (a KPI assesses the responsible unit: a limited
scope sees its responsible units' figures and the cases not dispatched yet; a unit's figure
counts the cases its subtree is responsible for). The nine KPIs share one grouped count
(`base.shared`); the records behind a figure are `kpis.drill`'s.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from yixian.core.indicators.base import Indicator, Query, Result, rank_counts, register, shared, wanted_codes

from . import kpis
from .models import Case
from .selectors import DUE_STATES

NAMES_EN = {
    "sign_on_time": "Cases signed for on time",
    "close_on_time": "Cases closed on time",
    "satisfaction": "Satisfaction rate",
    "resolution": "Resolution rate",
    "return": "Return rate",
    "overdue": "Overdue rate",
    "extension": "Extension rate",
    "repeat": "Repeat request rate",
    "handling_days": "Average handling time",
}
ANCHORS = {
    "dispatched_at": _("派单时间"),
    "handle_due": _("办理期限（含延期）"),
    "at": _("回访时间"),
    "received_at": _("受理时间"),
    "replied_at": _("答复时间"),
}


def kpi_cases(q: Query):
    """The cases whose KPIs the query counts (see the module docstring)."""
    from yixian.core.orgs.models import OrgUnit

    cases = q.narrow(Case.objects.all(), path="responsible_unit")
    if q.unit is None and not q.scope.everything:
        units = q.scope.narrow(OrgUnit.objects.all()).values("pk")
        cases = cases.filter(Q(responsible_unit__in=units) | Q(responsible_unit__isnull=True))
    return cases


def _kpi_codes(code: str) -> tuple[str, ...]:
    """The KPIs to count together with `code`: those the current computation wants."""
    wanted = wanted_codes()
    if wanted is None:
        return kpis.KPI_CODES
    codes = tuple(c for c in kpis.KPI_CODES if f"cases.{c}" in wanted or c == code)
    return codes


def kpi_values(q: Query, code: str) -> dict[str, kpis.Value]:
    codes = _kpi_codes(code)
    return shared(q, f"cases.kpis:{','.join(codes)}", lambda: kpis.total(kpi_cases(q), q.period, now=q.now, codes=codes))


def kpi_values_by_unit(q: Query, code: str) -> dict:
    """{responsible unit pk: {code: Value}} under the query (one grouped count)."""
    codes = _kpi_codes(code)

    def count():
        values = kpis.compute(kpi_cases(q), q.period, now=q.now, by_unit=True, codes=codes)
        return {unit_id: bucket for (unit_id, _month), bucket in values.items()}

    return shared(q, f"cases.kpis.by_unit:{','.join(codes)}", count)


def _rank(q: Query, units, code: str) -> dict:
    """Each of `units`' figure: the sum over the responsible units in its subtree."""
    from yixian.core.orgs.models import OrgUnit

    by_unit = kpi_values_by_unit(q, code)
    paths = dict(OrgUnit.objects.filter(pk__in=[pk for pk in by_unit if pk]).values_list("pk", "path"))
    kpi = kpis.definitions(q.now)[code][0]
    result = {}
    for unit in units:
        num = den = 0
        for unit_id, bucket in by_unit.items():
            if unit_id and paths.get(unit_id, "").startswith(unit.path):
                num += bucket[code].numerator
                den += bucket[code].denominator
        value = kpis.Value(kpi, num, den)
        result[unit.pk] = Result(value.value, value.numerator, value.denominator)
    return result


def _kpi_indicator(code: str, order: int) -> Indicator:
    kpi = kpis.definitions(timezone.now())[code][0]

    def compute(q: Query, code=code) -> Result:
        value = kpi_values(q, code)[code]
        # the records are built only when someone opens them (a figure alone needs none)
        den = SimpleLazyObject(lambda: kpis.drill(kpi_cases(q), code, "den", q.period, now=q.now))
        num = SimpleLazyObject(lambda: kpis.drill(kpi_cases(q), code, "num", q.period, now=q.now))
        if kpi.kind == "average":
            return Result(value.value, value.numerator, value.denominator, records=den)
        return Result(value.value, value.numerator, value.denominator, records=den, numerator_records=num)

    if kpi.kind == "average":
        definition = _("%(num)s ÷ %(den)s（按%(anchor)s计入统计期，按责任单位统计）")
    else:
        definition = _("%(num)s ÷ %(den)s × 100%%（按%(anchor)s计入统计期，按责任单位统计）")
    return Indicator(
        code=f"cases.{code}",
        name=kpi.name,
        name_en=NAMES_EN[code],
        unit=_("个工作日") if kpi.kind == "average" else "%",
        definition=_LazyFormat(definition, kpi, ANCHORS.get(kpi.anchor, kpi.anchor)),
        module="cases",
        compute=compute,
        kind="average" if kpi.kind == "average" else "rate",
        higher_is_better=kpi.higher_is_better,
        order=order,
        rank=lambda q, units, code=code: _rank(q, units, code),
    )


class _LazyFormat:
    """A definition put together from lazy translations, translated when shown."""

    def __init__(self, template, kpi, anchor):
        self.template, self.kpi, self.anchor = template, kpi, anchor

    def __str__(self) -> str:
        return str(self.template) % {"num": self.kpi.numerator, "den": self.kpi.denominator, "anchor": self.anchor}


for _order, _code in enumerate(kpis.KPI_CODES):
    register(_kpi_indicator(_code, 10 + _order))


def _received_cases(q: Query):
    return q.in_period(Case.objects.all(), "received_at")


def _overdue_cases(q: Query):
    return Case.objects.filter(state__in=DUE_STATES, current_due__lt=q.now)


def _received(q: Query) -> Result:
    return Result.count(q.narrow(_received_cases(q)))


def _overdue_open(q: Query) -> Result:
    return Result.count(q.narrow(_overdue_cases(q)))


register(
    Indicator(
        code="cases.received",
        name=_("受理工单数"),
        name_en="Cases received",
        unit=_("件"),
        definition=_("统计期内受理的工单件数（按工单所在地、办理单位或受理单位统计）"),
        module="cases",
        compute=_received,
        rank=rank_counts(_received_cases),
        order=1,
    )
)
register(
    Indicator(
        code="cases.overdue_open",
        name=_("超期未办结工单数"),
        name_en="Open cases overdue",
        unit=_("件"),
        definition=_("统计时点仍在办理中（已派单、已签收、办理中或已答复待回访）且已超过当前环节期限的工单件数"),
        module="cases",
        compute=_overdue_open,
        rank=rank_counts(_overdue_cases),
        higher_is_better=False,
        order=2,
    )
)
