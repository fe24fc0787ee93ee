"""Working days and deadlines (DOMAIN_RULES §4), computed from the published calendar.

Public API used by the case engine:

    is_working_day(day) -> bool
    add_working_days(day, n) -> date          day 1 = first working day AFTER `day`
    working_deadline(moment, n) -> datetime   end (23:59:59.999999 local) of that day, aware
    working_days_between(start, end) -> int   working days d with start.date < d <= end.date
    known_years() -> list[int]
    invalidate_cache() -> None
    UnknownYearError(ValueError)              .year; str() is a Chinese message for the user

Only PUBLISHED years that have all their days are known; any date in another year is refused
with UnknownYearError, never guessed. The published days are cached per process as a sorted
list of working-day ordinals (bisect). The cache is dropped by this process's own writes
(signals.py) and reloaded after CACHE_TTL seconds so other processes see an admin's edits.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext

from . import source

CACHE_TTL = 60.0  # seconds; how long another process's edit may go unseen here


class UnknownYearError(ValueError):
    """A date lies in a year whose calendar is not published; `year` names that year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(year)

    def __str__(self) -> str:
        return gettext("%(year)s 年的工作日历尚未发布，无法计算期限。请系统管理员在“工作日历”中录入该年安排。") % {
            "year": self.year
        }

    @property
    def message(self) -> str:
        return str(self)


# ---- the cache ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    years: frozenset[int]
    workdays: tuple[int, ...]  # sorted ordinals of the working days of the known years
    workday_set: frozenset[int]
    loaded_at: float


_lock = threading.Lock()
_cached: _Calendar | None = None
_generation = 0  # bumped by invalidate_cache(); a load started before it is not kept


def invalidate_cache() -> None:
    """Forget the cached calendar; the next call reloads it from the database."""
    global _cached, _generation
    with _lock:
        _generation += 1
        _cached = None


def _invalidate_now_and_on_commit() -> None:
    invalidate_cache()
    # A reload between the write and its commit would read the old rows: drop it again.
    transaction.on_commit(invalidate_cache)


def _load() -> _Calendar:
    from .models import CalendarDay, CalendarYear

    published = set(CalendarYear.objects.filter(published=True).values_list("year", flat=True))
    counts = dict(
        CalendarDay.objects.annotate(y=ExtractYear("date"))
        .filter(y__in=published)
        .values("y")
        .annotate(n=Count("pk"))
        .values_list("y", "n")
    )
    # A published year with a missing day is not trusted: refuse it rather than guess.
    years = frozenset(y for y in published if counts.get(y) == source.days_in_year(y))
    workdays = sorted(
        d.toordinal() for d in CalendarDay.objects.filter(is_workday=True, date__year__in=years).values_list("date", flat=True)
    )
    return _Calendar(years=years, workdays=tuple(workdays), workday_set=frozenset(workdays), loaded_at=time.monotonic())


def _calendar() -> _Calendar:
    global _cached
    current = _cached
    if current is not None and time.monotonic() - current.loaded_at < CACHE_TTL:
        return current
    with _lock:
        generation = _generation
    loaded = _load()
    with _lock:
        if generation == _generation:
            _cached = loaded
    return loaded


# ---- the API --------------------------------------------------------------------------------


def _check_date(day) -> None:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError("expected a datetime.date (use working_deadline() for datetimes)")


def _local_date(moment: dt.datetime) -> dt.date:
    if not isinstance(moment, dt.datetime):
        raise TypeError("expected a datetime.datetime")
    if timezone.is_naive(moment):
        raise ValueError("moment must be timezone-aware")
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _require_years(cal: _Calendar, first: int, last: int) -> None:
    for year in range(first, last + 1):
        if year not in cal.years:
            raise UnknownYearError(year)


def known_years() -> list[int]:
    """The published, complete years, ascending."""
    return sorted(_calendar().years)


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is worked (make-up Saturdays and Sundays are); UnknownYearError if its year is unknown."""
    _check_date(day)
    cal = _calendar()
    _require_years(cal, day.year, day.year)
    return day.toordinal() in cal.workday_set


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (day 1 is the first working day AFTER it, n >= 1).

    Raises UnknownYearError if `day`'s year, or any year up to the result, is unknown.
    """
    _check_date(day)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("n must be an integer >= 1")
    cal = _calendar()
    _require_years(cal, day.year, day.year)
    index = bisect.bisect_right(cal.workdays, day.toordinal()) + n - 1
    if index >= len(cal.workdays):
        year = day.year + 1
        while year in cal.years:
            year += 1
        raise UnknownYearError(year)
    result = dt.date.fromordinal(cal.workdays[index])
    _require_years(cal, day.year, result.year)  # never jump over a year that is not published
    return result


def working_deadline(moment: dt.datetime, n: int) -> dt.datetime:
    """End of the n-th working day after `moment`'s local date: 23:59:59.999999 local time, aware."""
    day = add_working_days(_local_date(moment), n)
    return dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_default_timezone())


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Working days d with start's local date < d <= end's local date (0 if none)."""
    first, last = _local_date(start), _local_date(end)
    if last <= first:
        return 0
    cal = _calendar()
    _require_years(cal, (first + dt.timedelta(days=1)).year, last.year)
    return bisect.bisect_right(cal.workdays, last.toordinal()) - bisect.bisect_right(cal.workdays, first.toordinal())


# ---- administration -------------------------------------------------------------------------


def _fill_days(days: list[source.DayInfo], *, replace: bool) -> int:
    """Create the days that are missing (and overwrite existing ones if `replace`); returns how many changed."""
    from .models import CalendarDay

    existing = {d.date: d for d in CalendarDay.objects.filter(date__in=[i.date for i in days])}
    new = [CalendarDay(date=i.date, is_workday=i.is_workday, kind=i.kind, name=i.name) for i in days if i.date not in existing]
    CalendarDay.objects.bulk_create(new, batch_size=500)
    changed = len(new)
    if replace:
        for info in days:
            day = existing.get(info.date)
            if day is not None and (day.is_workday, day.kind, day.name) != (info.is_workday, info.kind, info.name):
                day.is_workday, day.kind, day.name = info.is_workday, info.kind, info.name
                day.version += 1
                day.save()
                changed += 1
    _invalidate_now_and_on_commit()
    return changed


def fill_draft_days(calendar_year) -> int:
    """Create every missing day of `calendar_year` with weekends as rest days; returns how many."""
    return _fill_days(source.template_year(calendar_year.year), replace=False)


def create_draft_year(year: int, *, note: str = ""):
    """Create `year` unpublished with all its days, Monday–Friday worked and weekends off, for an
    administrator to mark holidays and make-up days and then publish. Refuses a year that exists."""
    from django.core.exceptions import ValidationError

    from .models import CalendarSource, CalendarYear

    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise ValidationError(gettext("%(year)s 年已存在于工作日历中。") % {"year": year})
        calendar_year = CalendarYear(year=year, published=False, source=CalendarSource.MANUAL, note=note)
        calendar_year.full_clean()
        calendar_year.save()
        fill_draft_days(calendar_year)
    return calendar_year


def import_year_from_package(year: int, *, publish: bool = True, replace: bool = False):
    """Import `year` from the chinesecalendar package (every day), published unless told otherwise.

    Raises source.PackageDoesNotKnowYear if the package has no schedule for it, and refuses
    (ValidationError) a year that already exists unless `replace` (then its days are overwritten).
    """
    from django.core.exceptions import ValidationError

    from .models import CalendarSource, CalendarYear

    days = source.package_year(year)
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        if calendar_year is not None and not replace:
            raise ValidationError(gettext("%(year)s 年已存在于工作日历中。") % {"year": year})
        if calendar_year is None:
            calendar_year = CalendarYear(year=year)
        calendar_year.source = CalendarSource.PACKAGE
        calendar_year.published = False
        if not calendar_year.note:
            calendar_year.note = gettext("由 chinesecalendar %(version)s 导入。") % {"version": source.package_version()}
        if calendar_year.pk is not None:
            calendar_year.version += 1
        calendar_year.save()
        _fill_days(days, replace=True)
        if publish:
            publish_year(year)
    return CalendarYear.objects.get(year=year)


def publish_year(year: int):
    """Publish `year` so deadlines count on it; refuses (ValidationError) a year without all its days."""
    from .models import CalendarYear

    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().get(year=year)
        calendar_year.published = True
        calendar_year.full_clean()
        calendar_year.version += 1
        calendar_year.save()
    _invalidate_now_and_on_commit()
    return calendar_year


def working_days_count(year: int) -> int:
    """Working days recorded for `year`, published or not (for reports and checks)."""
    from .models import CalendarDay

    return CalendarDay.objects.filter(date__year=year, is_workday=True).count()
