"""Reads of the change log."""

from django.contrib.contenttypes.models import ContentType

from .models import ObjectChange


def changes_for_object(obj, limit: int = 200):
    """The change history of one record, newest first, with labelled field diffs."""
    ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    changes = list(ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-id")[:limit])
    for change in changes:
        change.diff = field_diff(type(obj), change)
    return changes


def field_diff(model, change) -> list[dict]:
    rows = []
    before = change.before or {}
    after = change.after or {}
    names = change.changed_fields or sorted(set(before) | set(after))
    for name in names:
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:
            label = name
        rows.append({"field": name, "label": label, "old": before.get(name), "new": after.get(name)})
    return rows
