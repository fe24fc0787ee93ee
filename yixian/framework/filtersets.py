"""One FilterSet per resource serves both the list page and the REST API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .scope import get_scope


class ScopedFilterSet(django_filters.FilterSet):
    """Adds free-text search `q` and limits choices of related filters to the user's scope."""

    q = django_filters.CharFilter(method="filter_search", label=_("搜索"))
    search_fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        scope = get_scope(user)
        for f in self.filters.values():
            field_qs = getattr(f, "queryset", None)
            if isinstance(field_qs, QuerySet):
                f.queryset = scope.narrow(field_qs.all())

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            if not widget.attrs.get("class"):
                multiple = getattr(widget, "allow_multiple_selected", False)
                widget.attrs["class"] = "form-select" if hasattr(widget, "choices") and not multiple else "form-control"
                if multiple:
                    widget.attrs["class"] = "form-select"
                    widget.attrs.setdefault("size", "4")
        return form

    def filter_search(self, queryset, name, value):
        value = (value or "").strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


def filterset_for(resource):
    fields = list(resource.filter_fields)
    meta = type("Meta", (), {"model": resource.model, "fields": fields})
    return type(
        f"{resource.model.__name__}FilterSet",
        (ScopedFilterSet,),
        {"Meta": meta, "search_fields": tuple(resource.search_fields)},
    )
