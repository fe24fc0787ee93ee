"""Drop the working-day cache whenever this process writes the calendar."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import CalendarDay, CalendarYear
from .services import _invalidate_now_and_on_commit


@receiver(post_save, sender=CalendarDay, dispatch_uid="workcal_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workcal_day_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="workcal_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workcal_year_deleted")
def _calendar_changed(sender, **kwargs):
    _invalidate_now_and_on_commit()


@receiver(post_migrate, dispatch_uid="workcal_seed_when_empty")
def _seed_when_empty(sender, app_config=None, using="default", **kwargs):
    """An empty calendar (a flushed database: tests that commit, `manage.py flush`) gets the
    official 2004–2026 schedule back, as the seeding migration gave it. A calendar with any
    year in it is never touched."""
    if app_config is None or app_config.label != "workcal":
        return
    if CalendarYear.objects.using(using).exists():
        return
    import importlib

    from django.apps import apps

    seed = importlib.import_module("yixian.core.calendar.migrations.0002_seed_2004_2026").seed
    seed(apps, None)
    _invalidate_now_and_on_commit()
