"""Resource: one declaration per model gives its list, detail, edit, delete, export, import
and API, all scoped by org unit. Defaults are derived from the model; override what differs."""

from __future__ import annotations

from functools import cached_property

from django.db import models, transaction

from .scope import get_scope


class Resource:
    """Declare a model's generic pages. Subclass, set `model`, decorate with @register."""

    model: type[models.Model]
    slug: str | None = None  # URL segment; defaults to the model name
    icon = "list"
    in_menu = True
    read_only = False  # no create/edit/delete/import pages or API writes (e.g. logs)
    view_classes: dict = {}  # action → a subclass of the generic view, for pages that need more
    viewset_class = None  # a subclass of the generic API viewset, for extra endpoints
    menu_order = 100
    list_fields: tuple[str, ...] = ()
    detail_fields: tuple[str, ...] | None = None
    form_fields: tuple[str, ...] | None = None
    filter_fields: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-pk",)
    select_related: tuple[str, ...] = ()
    field_limits: dict = {}  # {"org_unit": Q(kind__in=[...])}: narrow a related field's choices
    natural_key: tuple[str, ...] | None = None  # import updates by it instead of duplicating
    import_fields: tuple[str, ...] | None = None
    export_fields: tuple[str, ...] | None = None
    paginate_by = 25
    # Optional explicit classes (generated from the fields above when None).
    filterset_class = None
    form_class = None
    table_class = None
    serializer_class = None

    # ---- names -------------------------------------------------------------------------
    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def url_slug(self) -> str:
        return self.slug or self.model_name

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.model_name}_{action}"

    def perm(self, action: str) -> str:
        return f"{self.app_label}.{action}_{self.model_name}"

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    # ---- fields ------------------------------------------------------------------------
    def concrete_field_names(self) -> list[str]:
        skip = {"id", "created_at", "updated_at", "version", "path", "depth", "numchild"}
        return [f.name for f in self.model._meta.concrete_fields if f.name not in skip]

    def editable_field_names(self) -> list[str]:
        names = [f.name for f in self.model._meta.concrete_fields if f.editable and not f.primary_key]
        names += [f.name for f in self.model._meta.many_to_many]
        skip = {"created_at", "updated_at", "version", "path", "depth", "numchild"}
        return [n for n in names if n not in skip]

    def get_list_fields(self) -> list[str]:
        return list(self.list_fields or self.concrete_field_names()[:6])

    def get_detail_fields(self) -> list[str]:
        return list(self.detail_fields or self.concrete_field_names())

    def get_form_fields(self) -> list[str]:
        return list(self.form_fields or self.editable_field_names())

    def get_import_fields(self) -> list[str]:
        return list(self.import_fields or self.get_form_fields())

    def get_export_fields(self) -> list[str]:
        return list(self.export_fields or self.get_import_fields())

    def field(self, name: str):
        return self.model._meta.get_field(name)

    def label(self, name: str) -> str:
        try:
            return str(self.field(name).verbose_name)
        except Exception:
            return name

    @property
    def sensitive_fields(self) -> tuple[str, ...]:
        return tuple(getattr(self.model, "sensitive_fields", ()))

    # ---- data --------------------------------------------------------------------------
    def base_queryset(self):
        qs = self.model.objects.all()
        related = self.select_related or tuple(
            f.name for f in self.model._meta.concrete_fields if f.is_relation and f.many_to_one
        )
        if related:
            qs = qs.select_related(*related)
        many = [f.name for f in self.model._meta.many_to_many if f.name in self.get_form_fields()]
        if many:
            qs = qs.prefetch_related(*many)
        return qs.order_by(*self.ordering)

    def get_queryset(self, user):
        """Rows the user may see: data scope first, before anything else."""
        return get_scope(user).filter(self.base_queryset())

    def save_form(self, *, form, user, expected_version: int | None):
        """Save a valid form for `user`, versioned and scope-checked inside one transaction."""
        with transaction.atomic():
            obj = form.save(commit=False)
            obj.save_versioned(expected_version=expected_version, user=user)
            form.save_m2m()
        return obj

    def delete(self, *, obj, user) -> None:
        with transaction.atomic():
            obj.delete()

    # ---- generated classes -------------------------------------------------------------
    @cached_property
    def filterset(self):
        from .filtersets import filterset_for

        return self.filterset_class or filterset_for(self)

    @cached_property
    def form(self):
        from .forms import form_for

        return self.form_class or form_for(self)

    @cached_property
    def table(self):
        from .tables import table_for

        return self.table_class or table_for(self)

    @cached_property
    def serializer(self):
        from .api import serializer_for

        return self.serializer_class or serializer_for(self)

    def __repr__(self) -> str:
        return f"<Resource {self.model._meta.label}>"

