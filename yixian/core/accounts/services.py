"""Account services."""

from yixian.framework import context

from .models import SensitiveAccess


def log_sensitive_access(*, user, action: str, model, obj, fields, count: int = 1) -> SensitiveAccess:
    """Record one view or export of unmasked personal data (who, when, whose, which fields)."""
    return SensitiveAccess.objects.create(
        user=user,
        request_id=context.current_request_id() or "",
        action=action,
        model=model._meta.label_lower,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        fields=",".join(fields),
        count=count,
    )


def roles_sync() -> dict:
    """Create or update every role with the permissions the core and the modules declare.

    Refuses (ValueError) a permission that does not exist, so a typo cannot silently grant nothing.
    """
    from django.contrib.auth.models import Permission
    from django.db import transaction

    from yixian.framework.registry import registry

    from .models import Role
    from .roles import CORE_PERMISSIONS, ROLES

    wanted: dict[str, set[str]] = {code: set(CORE_PERMISSIONS.get(code, ())) for code, *_ in ROLES}
    for config in registry.ordered_modules():
        for code, perms in getattr(config, "role_permissions", {}).items():
            wanted.setdefault(code, set()).update(p if "." in p else f"{config.label}.{p}" for p in perms)
    index = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    missing = sorted(p for perms in wanted.values() for p in perms if p not in index)
    if missing:
        raise ValueError(f"unknown permissions: {', '.join(missing)}")
    result = {}
    with transaction.atomic():
        for order, (code, name, scope, description) in enumerate(ROLES):
            role, _ = Role.objects.update_or_create(
                code=code, defaults={"name": str(name), "data_scope": scope, "description": str(description), "order": order}
            )
            role.permissions.set([index[p] for p in wanted[code]])
            result[code] = len(wanted[code])
    return result
