"""Drop the working-day cache whenever this process writes the calendar."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, CalendarYear
from .services import _invalidate_now_and_on_commit


@receiver(post_save, sender=CalendarDay, dispatch_uid="workcal_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workcal_day_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="workcal_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="workcal_year_deleted")
def _calendar_changed(sender, **kwargs):
    _invalidate_now_and_on_commit()
