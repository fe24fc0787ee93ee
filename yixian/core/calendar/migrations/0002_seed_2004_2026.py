"""Seed the calendar with every day of 2004–2026 from the chinesecalendar package, published.

The range is fixed on purpose: a later year is added with `manage.py calendar_seed --year`
(or by an administrator), never silently because a newer package happens to know it.
"""

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2004, 2026


def seed(apps, schema_editor):
    from yixian.core.calendar import source

    CalendarYear = apps.get_model("workcal", "CalendarYear")
    CalendarDay = apps.get_model("workcal", "CalendarDay")
    note = f"由 chinesecalendar {source.package_version()} 导入（国务院办公厅节假日安排通知）。"
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        days = source.package_year(year)
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d.date, is_workday=d.is_workday, kind=d.kind, name=d.name) for d in days], batch_size=500
        )
        CalendarYear.objects.create(year=year, published=True, source="chinesecalendar", note=note)


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("workcal", "CalendarYear")
    CalendarDay = apps.get_model("workcal", "CalendarDay")
    CalendarDay.objects.filter(date__year__gte=FIRST_YEAR, date__year__lte=LAST_YEAR).delete()
    CalendarYear.objects.filter(year__gte=FIRST_YEAR, year__lte=LAST_YEAR).delete()


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
