"""After migrate: create the categories the case types declare (never overwrites admin edits)."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, dispatch_uid="cases.sync_categories")
def _sync_categories(sender, app_config=None, **kwargs):
    if app_config is None or app_config.label != "cases":
        return
    from .services import sync_categories

    sync_categories()
