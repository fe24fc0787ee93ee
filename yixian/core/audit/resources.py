import django_filters
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from yixian.core.orgs.models import OrgUnit
from yixian.framework.filtersets import ScopedFilterSet
from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import ObjectChange


class ObjectChangeFilterSet(ScopedFilterSet):
    user_name = django_filters.CharFilter(label=_("操作人"), lookup_expr="icontains")
    content_type = django_filters.ModelChoiceFilter(label=_("数据类型"), queryset=ContentType.objects.none())
    org_unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=OrgUnit.objects.all(), method="filter_org")
    time_after = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("起始日期"))
    time_before = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("截止日期"))
    search_fields = ("object_repr", "request_id")

    class Meta:
        model = ObjectChange
        fields = ["action", "source", "request_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from yixian.framework.registry import registry

        registered = Q(pk__in=[])
        for resource in registry.resources.values():
            registered |= Q(app_label=resource.app_label, model=resource.model_name)
        self.filters["content_type"].queryset = ContentType.objects.filter(registered)

    def filter_org(self, queryset, name, value):
        """Changes of records in the unit or anywhere below it."""
        return queryset.filter(org_unit__path__startswith=value.path) if value else queryset


@register
class ObjectChangeResource(Resource):
    model = ObjectChange
    slug = "changes"
    icon = "history"
    read_only = True
    list_fields = ("time", "action", "object_repr", "content_type", "user_name", "org_unit", "request_id")
    detail_fields = (
        "time",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "org_unit",
        "user_name",
        "request_id",
        "source",
        "changed_fields",
        "before",
        "after",
    )
    export_fields = list_fields
    ordering = ("-time", "-id")
    filterset_class = ObjectChangeFilterSet
    select_related = ("content_type", "org_unit")
