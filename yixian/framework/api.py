"""REST API generated from resources: same scope, same filters, versioned writes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import routers, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .models import ConcurrentEditError, OutOfScopeError
from .scope import get_scope
from .validators import mask_value


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related choices narrowed to the user's scope; personal data masked unless allowed."""

    display = serializers.SerializerMethodField(help_text="记录名称")

    def get_display(self, obj) -> str:
        return str(obj)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        scope = get_scope(getattr(request, "user", None))
        limits = getattr(self, "field_limits", {})
        for name, field in fields.items():
            target = getattr(field, "child_relation", field)
            qs = getattr(target, "queryset", None)
            if qs is not None and name in limits:
                qs = target.queryset = qs.filter(limits[name])
            if qs is not None and getattr(qs.model, "scope_path", None) is not None:
                target.queryset = scope.narrow(qs)
                target.error_messages["does_not_exist"] = _("编号为 {pk_value} 的记录不存在或不在您的数据范围内。")
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        sensitive = getattr(self.Meta.model, "sensitive_fields", ())
        if sensitive and not (request and request.user.has_perm("accounts.view_personal_data")):
            for name in sensitive:
                if name in data:
                    data[name] = mask_value(name, data[name])
        return data


def serializer_for(resource):
    fields = ["id", *resource.get_form_fields(), "version", "display"]
    meta = type(
        "Meta",
        (),
        {"model": resource.model, "fields": fields, "read_only_fields": ["version"]},
    )
    attrs = {
        "Meta": meta,
        "field_limits": dict(resource.field_limits),
        "version": serializers.IntegerField(required=False, help_text="乐观锁版本号：修改时必须提交读取时的值"),
    }
    return type(f"{resource.model.__name__}Serializer", (ScopedModelSerializer,), attrs)


class ResourceAPIMixin:
    """The resource's scoped queryset (scope first, before filters) and its serializer."""

    resource = None

    def get_queryset(self):
        return self.resource.get_queryset(self.request.user)

    def get_serializer_class(self):
        return self.resource.serializer


class ResourceViewSet(ResourceAPIMixin, viewsets.ModelViewSet):
    """CRUD for one resource. Updates must carry the `version` they read (409 if stale)."""

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        with transaction.atomic():
            obj = serializer.save()
            if not get_scope(self.request.user).contains(obj):
                raise OutOfScopeError()

    def perform_update(self, serializer):
        expected = serializer.validated_data.pop("version", None)
        if expected is None:
            raise ValidationError({"version": [_("修改时必须提交记录的 version（防止覆盖他人的修改）。")]})
        instance = serializer.instance
        with transaction.atomic():
            many = {}
            for key, value in serializer.validated_data.items():
                if instance._meta.get_field(key).many_to_many:
                    many[key] = value
                else:
                    setattr(instance, key, value)
            instance.save_versioned(expected_version=expected, user=self.request.user)
            for key, value in many.items():
                getattr(instance, key).set(value)

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


class ReadOnlyResourceViewSet(ResourceAPIMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve only (change logs and other append-only records)."""


def exception_handler(exc, context):
    """Chinese messages and proper statuses for the domain's own errors."""
    if isinstance(exc, ConcurrentEditError):
        return Response({"detail": str(exc.message), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, OutOfScopeError):
        return Response({"detail": str(exc.message), "code": "out_of_scope"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ProtectedError):
        return Response({"detail": _("该记录被其他记录引用，不能删除。"), "code": "protected"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        return Response({"detail": _("记录不存在或不在您的数据范围内。"), "code": "not_found"}, status=404)
    return drf_exception_handler(exc, context)


def build_router() -> routers.DefaultRouter:
    from .registry import registry

    router = routers.DefaultRouter()
    for resource in registry.resources.values():
        base = resource.viewset_class or (ReadOnlyResourceViewSet if resource.read_only else ResourceViewSet)
        viewset = type(
            f"{resource.model.__name__}ViewSet",
            (base,),
            {
                "resource": resource,
                "queryset": resource.model.objects.none(),
                "filterset_class": resource.filterset,
                "search_fields": list(resource.search_fields),
                "ordering_fields": resource.get_list_fields(),
            },
        )
        router.register(
            f"{resource.app_label}/{resource.url_slug}",
            viewset,
            basename=f"{resource.app_label}-{resource.model_name}",
        )
    return router
