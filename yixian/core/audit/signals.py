"""Write a change-log row for every create, update and delete of every yixian record.

Joined by signals because the change log must not know the modules and no module may
forget it. The "before" image is read from the database in pre_save.
"""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from yixian.framework import context
from yixian.framework.validators import mask_value

from .models import Action, ObjectChange

NOISE = {"created_at", "updated_at", "version", "password", "last_login"}
EXCLUDED = {"audit.objectchange", "accounts.sensitiveaccess", "dataio.importjob"}


def audited(model) -> bool:
    meta = model._meta
    return (
        model.__module__.startswith("yixian.")
        and meta.label_lower not in EXCLUDED
        and not meta.auto_created
        and not getattr(model, "audit_exclude", False)  # append-only logs of their own (case steps)
    )


def snapshot(instance) -> dict:
    sensitive = set(getattr(type(instance), "sensitive_fields", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("password",):
            continue
        value = getattr(instance, field.attname)
        if field.name in sensitive:
            value = mask_value(field.name, value)
        data[field.name] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _org_unit_id(instance):
    lookup = getattr(type(instance), "scope_path", "org_unit")
    if lookup is None or lookup == "__global__":
        return None
    if lookup == "":
        return instance.pk
    if isinstance(lookup, tuple):  # several places: the log row files under the first one
        lookup = lookup[0]
    target = instance
    parts = lookup.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def record(instance, action: str, before: dict | None, after: dict | None, changed: list[str]) -> ObjectChange:
    user = context.current_user()
    return ObjectChange.objects.create(
        user=user,
        user_name=str(user) if user else context.current_source(),
        request_id=context.current_request_id() or "",
        source=context.current_source(),
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        org_unit_id=_org_unit_id(instance),
        before=before,
        after=after,
        changed_fields=changed,
    )


@receiver(pre_save, dispatch_uid="yixian_audit_pre_save")
def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        if old is not None:
            instance._audit_before = snapshot(old)


@receiver(post_save, dispatch_uid="yixian_audit_post_save")
def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not audited(sender):
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        record(instance, Action.CREATE, None, after, [k for k in after if k not in NOISE])
        return
    changed = [k for k in after if k not in NOISE and before.get(k) != after.get(k)]
    if changed:
        record(instance, Action.UPDATE, before, after, changed)


@receiver(post_delete, dispatch_uid="yixian_audit_post_delete")
def _post_delete(sender, instance, **kwargs):
    if not audited(sender):
        return
    record(instance, Action.DELETE, snapshot(instance), None, [])


@receiver(m2m_changed, dispatch_uid="yixian_audit_m2m")
def _m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not audited(type(instance)):
        return
    field = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
        None,
    )
    if field is None:
        return
    current = sorted(getattr(instance, field).values_list("pk", flat=True))
    record(instance, Action.UPDATE, None, {field: current}, [field])
