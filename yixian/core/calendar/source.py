"""The official schedules as the `chinesecalendar` package knows them (no models, no database).

Used by the seed migration and by `manage.py calendar_seed`; pure functions so the migration
does not depend on the current models.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import functools
from typing import NamedTuple

# Names as the package spells them (Holiday enum values) → the Chinese names we store.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

WORKDAY, WEEKEND, HOLIDAY, MAKEUP = "workday", "weekend", "holiday", "makeup"


class DayInfo(NamedTuple):
    date: dt.date
    is_workday: bool
    kind: str
    name: str


class PackageDoesNotKnowYear(LookupError):
    """The installed chinesecalendar has no schedule for the year."""

    def __init__(self, year: int, supported: tuple[int, int] | None):
        self.year = year
        self.supported = supported
        super().__init__(year)


def days_in_year(year: int) -> int:
    return 366 if _stdlib_calendar.isleap(year) else 365


def all_dates(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range(days_in_year(year))]


def package_version() -> str:
    import chinese_calendar

    return getattr(chinese_calendar, "__version__", "?")


def package_years() -> tuple[int, int] | None:
    """(first, last) year the installed package knows, or None if it cannot say."""
    try:
        from chinese_calendar import constants

        return min(constants.holidays).year, max(constants.holidays).year
    except Exception:  # pragma: no cover - a future package layout
        return None


def classify(day: dt.date, is_workday: bool, holiday_name: str | None) -> DayInfo:
    """Kind of a day from whether it is worked, its weekday and the holiday it belongs to."""
    weekend = day.weekday() >= 5
    name = HOLIDAY_NAMES.get(holiday_name or "", holiday_name or "")
    if is_workday:
        # A worked Saturday or Sunday is a make-up day (调休上班), named after its holiday.
        return DayInfo(day, True, MAKEUP if weekend else WORKDAY, name if weekend else "")
    if name or not weekend:
        return DayInfo(day, False, HOLIDAY, name)
    return DayInfo(day, False, WEEKEND, "")


@functools.lru_cache(maxsize=64)
def package_year(year: int) -> list[DayInfo]:
    """Every day of `year` from chinesecalendar; PackageDoesNotKnowYear if it has no schedule."""
    import chinese_calendar

    result = []
    for day in all_dates(year):
        try:
            is_workday = chinese_calendar.is_workday(day)
            _on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            raise PackageDoesNotKnowYear(year, package_years()) from None
        result.append(classify(day, is_workday, getattr(holiday, "value", holiday)))
    return result


def template_year(year: int) -> list[DayInfo]:
    """Every day of `year` with Monday–Friday worked and weekends off: a draft to edit."""
    return [DayInfo(d, d.weekday() < 5, WORKDAY if d.weekday() < 5 else WEEKEND, "") for d in all_dates(year)]
