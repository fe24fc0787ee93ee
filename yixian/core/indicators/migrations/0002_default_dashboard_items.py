"""The district dashboard's default items: the source's headline figures (idempotent)."""

from django.db import migrations

DEFAULT_ITEMS = [
    ("district", "groups.count", "figure", 10),
    ("district", "groups.cadres.professional", "figure", 20),
    ("district", "groups.cadres.second_line", "figure", 30),
    ("district", "riders.stations", "figure", 40),
    ("district", "projects.red", "figure", 50),
    ("district", "projects.investment_rate", "gauge", 60),
    ("district", "cases.close_on_time", "figure", 70),
    ("district", "cases.satisfaction", "figure", 80),
    ("district", "cases.overdue_open", "figure", 90),
    ("district", "cases.close_on_time", "trend", 110),
    ("district", "cases.satisfaction", "trend", 120),
    ("district", "projects.investment_rate", "trend", 130),
    ("district", "cases.close_on_time", "ranking", 210),
    ("district", "projects.red", "ranking", 220),
]


def seed(apps, schema_editor):
    DashboardItem = apps.get_model("indicators", "DashboardItem")
    if DashboardItem.objects.exists():
        return
    for dashboard, code, chart, order in DEFAULT_ITEMS:
        DashboardItem.objects.get_or_create(dashboard=dashboard, code=code, chart=chart, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
