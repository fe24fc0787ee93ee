"""`manage.py calendar_seed`: import a further year from chinesecalendar, or create a draft."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yixian.core.calendar import services
from yixian.core.calendar.models import CalendarDay, CalendarYear, DayKind

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("calendar_seed", *args, stdout=out)
    return out.getvalue()


def test_a_year_the_package_does_not_know_is_refused_in_chinese_and_writes_nothing():
    with pytest.raises(CommandError) as info:
        run("--year", "2027")
    message = str(info.value)
    assert "尚无 2027 年的节假日安排" in message
    assert "2004–2026" in message
    assert "--draft" in message
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_an_existing_year_is_refused_unless_replaced():
    with pytest.raises(CommandError) as info:
        run("--year", "2026")
    assert "2026 年已存在" in str(info.value)
    assert "--replace" in str(info.value)


def test_import_when_the_package_knows_the_year():
    # As if the package had just learnt 2026: remove it, then import it again.
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    assert services.known_years()[-1] == 2025
    out = run("--year", "2026")
    assert "工作日 248 天" in out
    year = CalendarYear.objects.get(year=2026)
    assert (year.published, year.source) == (True, "chinesecalendar")
    assert CalendarDay.objects.filter(date__year=2026).count() == 365
    assert services.add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


def test_replace_restores_the_package_schedule():
    CalendarDay.objects.filter(date=dt.date(2026, 2, 14)).update(kind=DayKind.WEEKEND, is_workday=False, name="")
    out = run("--year", "2026", "--replace")
    assert "已发布" in out
    day = CalendarDay.objects.get(date=dt.date(2026, 2, 14))
    assert (day.kind, day.is_workday, day.name) == (DayKind.MAKEUP, True, "春节")
    assert CalendarDay.objects.filter(date__year=2026).count() == 365


def test_draft_year_has_every_day_with_weekends_off_and_is_unpublished():
    out = run("--year", "2027", "--draft")
    assert "草稿" in out
    year = CalendarYear.objects.get(year=2027)
    assert (year.published, year.source) == (False, "manual")
    days = CalendarDay.objects.filter(date__year=2027)
    assert days.count() == 365
    assert days.filter(is_workday=True).count() == 261  # 2027: 261 weekdays
    assert set(days.filter(is_workday=False).values_list("kind", flat=True)) == {DayKind.WEEKEND}
    assert 2027 not in services.known_years()
    with pytest.raises(CommandError):
        run("--year", "2027", "--draft")


def test_bad_year_and_option_mixes_are_refused():
    with pytest.raises(CommandError):
        run("--year", "1999")
    with pytest.raises(CommandError):
        run("--year", "2027", "--draft", "--replace")
