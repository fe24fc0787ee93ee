"""Permissions come from roles only: a permission nobody granted is refused."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """ModelBackend whose group permissions are the permissions of the user's roles."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(roles__users=user_obj)

    def get_all_permissions(self, user_obj, obj=None):
        # Superusers get nothing for free: business data needs a role (separation of duties).
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}
        return user_obj._perm_cache

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perm_cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, perm_cache_name):
            perms = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            perms = perms.values_list("content_type__app_label", "codename").order_by()
            setattr(user_obj, perm_cache_name, {f"{ct}.{name}" for ct, name in perms})
        return getattr(user_obj, perm_cache_name)
