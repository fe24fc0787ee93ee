from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Role, SensitiveAccess, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "person", "is_active", "last_login")
    list_filter = ("is_active", "roles")
    search_fields = ("username", "display_name", "person__name")
    filter_horizontal = ("roles",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份"), {"fields": ("display_name", "person", "roles", "is_active", "is_staff")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    raw_id_fields = ("person",)

    def get_readonly_fields(self, request, obj=None):
        """Separation of duties: only who may change roles assigns them, and never to themself."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("accounts.change_role") or (obj is not None and obj.pk == request.user.pk):
            fields += ["roles", "is_staff", "is_superuser"]
        return fields


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "data_scope", "order")
    filter_horizontal = ("permissions",)


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(admin.ModelAdmin):
    list_display = ("time", "user", "action", "model", "object_repr", "fields", "count")
    list_filter = ("action", "model")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
