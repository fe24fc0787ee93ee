"""Working days and deadlines against the seeded official calendar (DOMAIN_RULES §4)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from yixian.core.calendar import services
from yixian.core.calendar.models import CalendarDay, CalendarYear, DayKind
from yixian.core.calendar.services import (
    UnknownYearError,
    add_working_days,
    create_draft_year,
    is_working_day,
    known_years,
    publish_year,
    working_days_between,
    working_deadline,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date.fromisoformat


def at(text: str, tz=SHANGHAI) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


# ---- the table of DOMAIN_RULES §4, every vector ------------------------------------------------


@pytest.mark.parametrize(
    "event, n, deadline",
    [
        ("2026-02-12", 1, "2026-02-13"),  # Thursday → Friday
        ("2026-02-13", 1, "2026-02-14"),  # Friday → the make-up Saturday
        ("2026-02-14", 1, "2026-02-24"),  # make-up Saturday → after the Spring Festival
        ("2026-01-01", 1, "2026-01-04"),  # New Year's Day → the make-up Sunday
        ("2026-04-30", 3, "2026-05-08"),  # across Labour Day
        ("2026-09-30", 1, "2026-10-08"),  # across National Day
    ],
)
def test_domain_rules_table(event, n, deadline):
    assert add_working_days(D(event), n) == D(deadline)


def test_domain_rules_table_last_row_2027_is_not_in_the_calendar():
    with pytest.raises(UnknownYearError) as info:
        add_working_days(D("2026-12-31"), 1)
    assert info.value.year == 2027
    with translation.override("zh-hans"):
        message = str(info.value)
    assert message == "2027 年的工作日历尚未发布，无法计算期限。请系统管理员在“工作日历”中录入该年安排。"
    assert isinstance(info.value, ValueError)


# ---- the seeded calendar -------------------------------------------------------------------------


def test_2026_has_248_working_days():
    assert CalendarDay.objects.filter(date__year=2026, is_workday=True).count() == 248
    assert sum(is_working_day(D("2026-01-01") + dt.timedelta(days=i)) for i in range(365)) == 248
    assert working_days_between(at("2025-12-31T12:00"), at("2026-12-31T12:00")) == 248


def test_seed_covers_2004_to_2026_published_complete_and_no_2027():
    assert known_years() == list(range(2004, 2027))
    assert not CalendarYear.objects.filter(year__gt=2026).exists()
    assert not CalendarDay.objects.filter(date__year__gt=2026).exists()
    years = CalendarYear.objects.filter(year__range=(2004, 2026))
    assert years.count() == 23
    assert set(years.values_list("published", "source").distinct()) == {(True, "chinesecalendar")}
    assert CalendarDay.objects.filter(date__year=2024).count() == 366
    assert CalendarDay.objects.filter(date__year=2026).count() == 365
    assert CalendarDay.objects.count() == sum(366 if y % 4 == 0 else 365 for y in range(2004, 2027))


@pytest.mark.parametrize(
    "day, is_workday, kind, name",
    [
        ("2026-02-14", True, DayKind.MAKEUP, "春节"),
        ("2026-02-17", False, DayKind.HOLIDAY, "春节"),
        ("2026-10-01", False, DayKind.HOLIDAY, "国庆节"),
        ("2026-01-04", True, DayKind.MAKEUP, "元旦"),
        ("2026-03-07", False, DayKind.WEEKEND, ""),
        ("2026-03-09", True, DayKind.WORKDAY, ""),
        ("2015-09-03", False, DayKind.HOLIDAY, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
    ],
)
def test_seeded_days_have_kind_and_chinese_name(day, is_workday, kind, name):
    record = CalendarDay.objects.get(date=D(day))
    assert (record.is_workday, record.kind, record.name) == (is_workday, kind, name)


def test_is_working_day():
    assert is_working_day(D("2026-02-14"))  # make-up Saturday
    assert not is_working_day(D("2026-02-16"))  # Spring Festival Monday
    assert not is_working_day(D("2026-03-07"))  # ordinary Saturday
    assert is_working_day(D("2026-03-09"))
    with pytest.raises(UnknownYearError) as info:
        is_working_day(D("2027-01-04"))
    assert info.value.year == 2027
    with pytest.raises(UnknownYearError):
        is_working_day(D("2003-06-02"))


def test_add_working_days_counts_from_the_day_after_even_on_a_rest_day():
    assert add_working_days(D("2026-03-07"), 1) == D("2026-03-09")  # Saturday → Monday
    assert add_working_days(D("2026-03-08"), 1) == D("2026-03-09")  # Sunday → Monday
    assert add_working_days(D("2026-03-09"), 5) == D("2026-03-16")  # a working week
    assert add_working_days(D("2025-12-31"), 1) == D("2026-01-04")  # across a year boundary
    assert add_working_days(D("2026-12-30"), 1) == D("2026-12-31")  # the last day needs no 2027


def test_add_working_days_refuses_bad_arguments_and_unknown_start_year():
    with pytest.raises(ValueError):
        add_working_days(D("2026-03-09"), 0)
    with pytest.raises(TypeError):
        add_working_days(at("2026-03-09T10:00"), 1)
    with pytest.raises(UnknownYearError) as info:
        add_working_days(D("2003-12-31"), 1)
    assert info.value.year == 2003
    with pytest.raises(UnknownYearError) as info:
        add_working_days(D("2026-12-01"), 30)  # runs past the end of 2026
    assert info.value.year == 2027


# ---- deadlines and elapsed working days -------------------------------------------------------------


def test_working_deadline_is_the_end_of_the_local_day_and_aware():
    deadline = working_deadline(at("2026-02-13T16:30"), 1)
    assert deadline == dt.datetime(2026, 2, 14, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert deadline.utcoffset() == dt.timedelta(hours=8)
    assert working_deadline(at("2026-04-30T09:00"), 3) == dt.datetime(2026, 5, 8, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_working_deadline_uses_the_local_date_of_a_utc_moment():
    # 2026-02-12 17:30 UTC is already Friday 13 February 01:30 in Hangzhou: +1 is the make-up Saturday.
    moment = dt.datetime(2026, 2, 12, 17, 30, tzinfo=dt.UTC)
    assert working_deadline(moment, 1) == dt.datetime(2026, 2, 14, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    # 15:59 UTC is still Thursday 23:59 local: +1 is Friday.
    assert working_deadline(dt.datetime(2026, 2, 12, 15, 59, tzinfo=dt.UTC), 1).date() == D("2026-02-13")


def test_working_deadline_refuses_naive_moments_and_unknown_years():
    with pytest.raises(ValueError):
        working_deadline(dt.datetime(2026, 2, 12, 10, 0), 1)
    with pytest.raises(UnknownYearError) as info:
        working_deadline(at("2026-12-31T10:00"), 1)
    assert info.value.year == 2027


def test_working_days_between():
    assert working_days_between(at("2026-02-12T09:00"), at("2026-02-12T18:00")) == 0  # same day
    assert working_days_between(at("2026-02-13T09:00"), at("2026-02-12T09:00")) == 0  # end before start
    assert working_days_between(at("2026-02-12T23:00"), at("2026-02-13T00:30")) == 1  # Friday counts
    assert working_days_between(at("2026-02-13T09:00"), at("2026-02-24T09:00")) == 2  # make-up Saturday and 24th
    assert working_days_between(at("2026-02-14T09:00"), at("2026-02-23T09:00")) == 0  # the whole holiday
    assert working_days_between(at("2026-09-30T09:00"), at("2026-10-08T09:00")) == 1
    # consistent with add_working_days: the deadline day is the n-th
    start = at("2026-04-30T10:00")
    assert working_days_between(start, working_deadline(start, 3)) == 3


def test_working_days_between_uses_local_dates():
    # 16:30 UTC on Thursday 12 Feb is 00:30 Friday local: from Friday to Friday is 0.
    start = dt.datetime(2026, 2, 12, 16, 30, tzinfo=dt.UTC)
    assert working_days_between(start, at("2026-02-13T18:00")) == 0


def test_working_days_between_refuses_unknown_years():
    with pytest.raises(UnknownYearError) as info:
        working_days_between(at("2026-12-30T10:00"), at("2027-01-05T10:00"))
    assert info.value.year == 2027
    with pytest.raises(ValueError):
        working_days_between(dt.datetime(2026, 1, 5), at("2026-01-06T10:00"))


# ---- a new year, the cache ----------------------------------------------------------------------


def publish_2027_with_new_years_day_off():
    """An administrator's flow: draft 2027 (weekends off), mark Jan 1 a holiday, publish."""
    create_draft_year(2027)
    assert known_years()[-1] == 2026  # a draft is not known
    day = CalendarDay.objects.get(date=D("2027-01-01"))
    day.kind, day.is_workday, day.name = DayKind.HOLIDAY, False, "元旦"
    day.full_clean()
    day.save()
    publish_year(2027)


def test_publishing_2027_makes_the_last_day_of_2026_computable():
    with pytest.raises(UnknownYearError):
        add_working_days(D("2026-12-31"), 1)
    publish_2027_with_new_years_day_off()
    assert 2027 in known_years()
    # 2027-01-01 is a Friday holiday; 2 and 3 are the weekend.
    assert add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert is_working_day(D("2027-01-04"))
    assert working_days_between(at("2026-12-31T10:00"), at("2027-01-08T10:00")) == 5


def test_a_gap_year_is_never_jumped_over():
    CalendarYear.objects.filter(year=2025).update(published=False)
    services.invalidate_cache()
    with pytest.raises(UnknownYearError) as info:
        add_working_days(D("2024-12-31"), 1)
    assert info.value.year == 2025
    with pytest.raises(UnknownYearError) as info:
        working_days_between(at("2024-06-01T10:00"), at("2026-06-01T10:00"))
    assert info.value.year == 2025


def test_a_published_year_missing_a_day_is_not_trusted():
    CalendarDay.objects.filter(date=D("2026-06-01")).delete()
    with pytest.raises(UnknownYearError) as info:
        is_working_day(D("2026-03-09"))
    assert info.value.year == 2026


def test_cache_answers_without_queries_and_is_dropped_on_save():
    add_working_days(D("2026-02-12"), 1)  # load
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2000):
            add_working_days(D("2026-02-12"), 1)
            is_working_day(D("2026-02-13"))
    assert len(queries) == 0
    # An edit through the ORM in this process is seen at once (signals drop the cache).
    day = CalendarDay.objects.get(date=D("2026-02-13"))
    day.kind, day.is_workday = DayKind.HOLIDAY, False
    day.save()
    assert add_working_days(D("2026-02-12"), 1) == D("2026-02-14")


def test_cache_is_reloaded_after_the_ttl(monkeypatch):
    """Another process's edit (simulated by an update that sends no signal) is seen after CACHE_TTL."""
    assert add_working_days(D("2026-02-12"), 1) == D("2026-02-13")
    CalendarDay.objects.filter(date=D("2026-02-13")).update(kind=DayKind.HOLIDAY, is_workday=False)
    assert add_working_days(D("2026-02-12"), 1) == D("2026-02-13")  # still cached
    now = services.time.monotonic()
    monkeypatch.setattr(services.time, "monotonic", lambda: now + services.CACHE_TTL + 1)
    assert add_working_days(D("2026-02-12"), 1) == D("2026-02-14")


def test_known_years_and_error_pickle():
    import pickle

    assert known_years()[0] == 2004
    error = pickle.loads(pickle.dumps(UnknownYearError(2027)))
    assert error.year == 2027 and "2027" in str(error)
