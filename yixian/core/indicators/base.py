"""The indicator registry: every number on a dashboard or in a briefing is one of these.

A module declares its indicators in its `indicators.py` with `register(Indicator(...))`.
An indicator's `compute(q)` receives a `Query` (whose scope, which unit, which period, as of
when) and returns a `Result`: the value with its numerator and denominator, counted in the
database, and the queryset of the records behind it (lazy: never evaluated unless opened).

    register(Indicator(
        code="projects.red", name=_("红灯项目数"), name_en="Projects on red", unit=_("个"),
        definition=_("统计期末交通灯为红灯的在建重大项目个数"), module="projects",
        compute=lambda q: Result.count(q.narrow(Project.objects.filter(light="red"))),
    ))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from yixian.framework.periods import Period
from yixian.framework.registry import registry
from yixian.framework.scope import Scope

TWO_PLACES = Decimal("0.01")


def quantize(value) -> Decimal:
    """Exact decimal to two places, half up (DOMAIN_RULES: rates shown to two decimals)."""
    return Decimal(value).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class Query:
    """What an indicator is asked for: within `scope`, under `unit` (None = all of the scope),
    in `period`, as of `now`."""

    scope: Scope
    period: Period
    unit: object = None  # an OrgUnit or None
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def as_of(self) -> dt.date:
        """The last day the period covers so far: its last day, or today while it runs."""
        return min(self.period.end - dt.timedelta(days=1), timezone.localdate(self.now))

    def narrow(self, queryset: QuerySet, path=None) -> QuerySet:
        """`queryset` narrowed to the scope and to `unit`'s subtree.

        `path` is the lookup from the model to its OrgUnit (default: the model's `scope_path`);
        a tuple ORs several lookups (a case belongs to its place and to its handling unit).
        """
        queryset = self.scope.filter(queryset)
        if self.unit is None:
            return queryset
        lookup = getattr(queryset.model, "scope_path", "org_unit") if path is None else path
        if lookup is None or not isinstance(lookup, (str, tuple)) or lookup == "__global__":
            return queryset
        from yixian.core.orgs.models import OrgUnit

        units = OrgUnit.objects.filter(path__startswith=self.unit.path).values("pk")
        condition = Q()
        for part in lookup if isinstance(lookup, tuple) else (lookup,):
            condition |= Q(**{f"{part}__in": units}) if part else Q(pk__in=units)
        return queryset.filter(condition)

    def in_period(self, queryset: QuerySet, field_name: str) -> QuerySet:
        """Rows whose date or datetime `field_name` falls inside the period (so far)."""
        model_field = queryset.model._meta.get_field(field_name)
        if model_field.get_internal_type() == "DateTimeField":
            start, end = self.period.bounds()
            return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": min(end, self.now)})
        return queryset.filter(**{f"{field_name}__gte": self.period.start, f"{field_name}__lte": self.as_of})


@dataclass
class Result:
    """An indicator's value, numerator, denominator and the records behind it.

    `records` are the rows the value counts (for a rate: the denominator's rows);
    `numerator_records` the numerator's rows when they differ. A value of None means
    "no data" (a rate over nothing), shown as "—", never as 0.
    """

    value: Decimal | int | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    records: QuerySet | None = None
    numerator_records: QuerySet | None = None
    note: str = ""

    @classmethod
    def count(cls, queryset: QuerySet, *, distinct_field: str | None = None) -> Result:
        """How many rows (or distinct `distinct_field` values) — one COUNT in the database."""
        if distinct_field:
            n = queryset.values(distinct_field).distinct().count()
        else:
            n = queryset.count()
        return cls(value=n, numerator=n, records=queryset)

    @classmethod
    def ratio(cls, numerator, denominator, *, records=None, numerator_records=None, percent=True, note="") -> Result:
        """numerator / denominator (× 100 when `percent`), exact to two places; None over zero."""
        value = None
        if denominator:
            value = quantize(Decimal(numerator) * (100 if percent else 1) / Decimal(denominator))
        return cls(value, numerator, denominator, records, numerator_records, note)

    @classmethod
    def rate_of(cls, denominator_qs: QuerySet, numerator_q: Q, *, percent=True) -> Result:
        """The share of `denominator_qs` rows matching `numerator_q`: one aggregate query."""
        from django.db.models import Count

        counts = denominator_qs.aggregate(den=Count("pk"), num=Count("pk", filter=numerator_q))
        return cls.ratio(
            counts["num"],
            counts["den"],
            records=denominator_qs,
            numerator_records=denominator_qs.filter(numerator_q),
            percent=percent,
        )


@dataclass(frozen=True)
class Indicator:
    """A registered indicator. `unit` is the display unit ("个", "人", "%", "万元")."""

    code: str  # stable, dotted by module: "projects.red", "cases.close_on_time"
    name: object  # Chinese (lazy translated)
    name_en: str
    unit: object
    definition: object  # in words: what is counted, over what, as of when
    module: str  # the owning app label
    compute: Callable[[Query], Result]
    kind: str = "count"  # "count" | "rate" (percent) | "amount" (sum of money etc.)
    higher_is_better: bool = True
    order: int = 100
    drill_url: Callable | None = None  # optional: (indicator, query, part) -> URL of a module page listing the records
    # optional: (query, units) -> {unit pk: Result} — the figure of each of `units` (under the
    # query's scope and unit) in one grouped count, for rankings; without it, one compute per unit
    rank: Callable | None = None

    do_not_call_in_templates = True  # a template reads its attributes; it never calls compute()

    def __call__(self, q: Query) -> Result:
        return self.compute(q)


def register(indicator: Indicator) -> Indicator:
    """Register an indicator (idempotent for the same code and module; a clash is an error)."""
    for existing in registry.indicators:
        if existing.code == indicator.code:
            if existing.module != indicator.module:
                raise ValueError(f"indicator {indicator.code} registered by {existing.module} and {indicator.module}")
            registry.indicators.remove(existing)
            break
    registry.indicators.append(indicator)
    return indicator


def all_indicators() -> list[Indicator]:
    modules = registry.modules
    return sorted(
        registry.indicators,
        key=lambda i: (getattr(modules.get(i.module), "order", 100), i.module, i.order, i.code),
    )


def get(code: str) -> Indicator:
    """The indicator with `code`; KeyError when unknown."""
    for indicator in registry.indicators:
        if indicator.code == code:
            return indicator
    raise KeyError(code)


# ---------------------------------------------------------------- shared computation
_shared: ContextVar[dict | None] = ContextVar("yixian_indicator_shared", default=None)
_wanted: ContextVar[frozenset | None] = ContextVar("yixian_indicator_wanted", default=None)


@contextmanager
def shared_computation(codes=None):
    """Within this block, `shared(q, key, fn)` computes `fn()` once per (key, query).

    Several indicators often come from one aggregate (the nine case KPIs are one grouped
    query): `services.evaluate` opens this block so they are counted together; outside it
    every call computes afresh (nothing is cached across requests). `codes`: the indicators
    the block will compute (`wanted_codes()`), so a shared aggregate counts only what they need."""
    token = _shared.set({}) if _shared.get() is None else None
    wanted = _wanted.set(frozenset(codes)) if codes is not None else None
    try:
        yield
    finally:
        if wanted is not None:
            _wanted.reset(wanted)
        if token is not None:
            _shared.reset(token)


def wanted_codes() -> frozenset | None:
    """The codes the current `shared_computation` computes (None: not known, assume all)."""
    return _wanted.get()


def shared(q: Query, key: str, fn: Callable):
    """`fn()`, computed once per `key` and query inside `shared_computation()`."""
    memo = _shared.get()
    if memo is None:
        return fn()
    slot = (key, q.scope, q.period, getattr(q.unit, "pk", None), q.now)
    if slot not in memo:
        memo[slot] = fn()
    return memo[slot]


def rank_counts(records_of: Callable[[Query], QuerySet], path=None) -> Callable:
    """A ready `Indicator.rank` for a count indicator computed as
    `Result.count(q.narrow(records_of(q), path))`: every unit's count from ONE grouped query
    (rows grouped by the units their `path` lookups reach; a row counts for a unit when any
    of them lies in the unit's subtree, as `Query.narrow` decides)."""
    from django.db.models import Count

    def rank(q: Query, units) -> dict:
        queryset = q.narrow(records_of(q), path)
        lookup = getattr(queryset.model, "scope_path", "org_unit") if path is None else path
        lookups = lookup if isinstance(lookup, tuple) else (lookup,)
        fields = [f"{part}__path" if part else "path" for part in lookups]
        rows = queryset.order_by().values_list(*fields).annotate(n=Count("pk"))
        # a unit's subtree is a path prefix: look each row's paths up by their prefixes of
        # the units' path lengths (no units × rows scan)
        by_path = {unit.path: unit.pk for unit in units}
        lengths = sorted({len(path) for path in by_path})
        counts = dict.fromkeys((unit.pk for unit in units), 0)
        for *paths, n in rows:
            hit = {by_path[p[:k]] for p in paths if p for k in lengths if p[:k] in by_path}
            for pk in hit:
                counts[pk] += n
        return {pk: Result(n, n) for pk, n in counts.items()}

    return rank
