from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.core.orgs.models import OrgUnit
from yixian.framework.filtersets import ScopedFilterSet
from yixian.framework.registry import register
from yixian.framework.resources import Resource

from . import kpis, selectors
from .models import Case, CaseCategory
from .types import case_type_choices

LIGHT_CHOICES = [("red", _("超期")), ("yellow", _("临期")), ("green", _("正常"))]


class CaseFilterSet(ScopedFilterSet):
    search_fields = ("number", "title", "description", "address", "requester_org")
    queue = django_filters.ChoiceFilter(label=_("工作台"), choices=list(selectors.QUEUES.items()), method="filter_queue")
    light = django_filters.ChoiceFilter(label=_("红黄绿灯"), choices=LIGHT_CHOICES, method="filter_light")
    case_type = django_filters.ChoiceFilter(label=_("工单类型"), choices=case_type_choices)
    handling_unit = django_filters.ModelChoiceFilter(label=_("当前承办单位"), queryset=OrgUnit.objects.all(), method="filter_unit_tree")
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), queryset=OrgUnit.objects.all(), null_label=_("无（尚未派单）")
    )
    org_unit = django_filters.ModelChoiceFilter(label=_("发生地"), queryset=OrgUnit.objects.all(), method="filter_unit_tree")
    received_after = django_filters.DateFilter(label=_("受理日期起"), field_name="received_at", lookup_expr="date__gte")
    received_before = django_filters.DateFilter(label=_("受理日期止"), field_name="received_at", lookup_expr="date__lte")
    kpi = django_filters.ChoiceFilter(label=_("指标"), choices=kpis.kpi_choices, method="filter_noop")
    part = django_filters.ChoiceFilter(label=_("指标口径"), choices=[("num", _("分子")), ("den", _("分母"))], method="filter_noop")
    period = django_filters.CharFilter(label=_("统计期"), method="filter_noop")

    class Meta:
        model = Case
        fields = ["queue", "light", "state", "case_type", "category", "priority", "channel", "is_supervised", "handling_unit", "responsible_unit", "org_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # unit choices: units in scope, first-level ones first (the tree order)
        for name in ("handling_unit", "responsible_unit", "org_unit"):
            self.filters[name].queryset = self.filters[name].queryset.order_by("path")
        # a category's label names its parent: fetch them together, not one query per choice
        self.filters["category"].queryset = self.filters["category"].queryset.select_related("parent")

    def filter_noop(self, queryset, name, value: str):
        return queryset

    def filter_queue(self, queryset, name, value):
        return selectors.queue(queryset, value, self.request.user) if value else queryset

    def filter_unit_tree(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{name}__path__startswith": value.path})

    def filter_light(self, queryset, name, value):
        now = timezone.now()
        due = Q(state__in=selectors.DUE_STATES)
        if value == "red":
            return queryset.filter(due, current_due__lt=now)
        soon = now + timezone.timedelta(hours=24)
        if value == "yellow":
            return queryset.filter(due, current_due__gte=now, current_due__lt=soon)
        if value == "green":
            return queryset.filter(due, current_due__gte=soon)
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("kpi"):
            try:
                period = kpis.parse_period(data.get("period"))
            except kpis.PeriodError as exc:
                self.errors.setdefault("period", []).append(str(exc))
                return queryset.none()
            queryset = kpis.drill(kpis.for_user(queryset, self.request.user), data["kpi"], data.get("part") or "den", period)
        return queryset


@register
class CaseResource(Resource):
    model = Case
    slug = "cases"
    icon = "clipboard-list"
    read_only = True  # a case changes only through the case service (its own pages and API actions)
    menu_order = 10
    list_fields = ("number", "title", "state", "handling_unit", "current_due", "org_unit", "received_at")
    detail_fields = (
        "number",
        "case_type",
        "category",
        "title",
        "description",
        "priority",
        "channel",
        "requester_kind",
        "requester_name",
        "requester_phone",
        "requester_org",
        "org_unit",
        "address",
        "state",
        "intake_unit",
        "responsible_unit",
        "handling_unit",
        "handler",
        "received_at",
        "dispatched_at",
        "sign_due",
        "signed_at",
        "handle_due",
        "replied_at",
        "reply",
        "followed_up_at",
        "satisfaction",
        "resolved",
        "closed_at",
        "returns_count",
        "extensions_count",
        "reopen_count",
        "reminders_count",
        "is_supervised",
        "is_repeat",
        "duplicate_of",
    )
    search_fields = CaseFilterSet.search_fields
    ordering = ("-received_at", "-id")
    natural_key = ("number",)
    filterset_class = CaseFilterSet
    select_related = ("handling_unit", "org_unit", "category")

    @property
    def view_classes(self):
        from . import views

        return {"list": views.CaseListView, "detail": views.CaseDetailView}

    @property
    def viewset_class(self):
        from .api import CaseViewSet

        return CaseViewSet

    @property
    def table_class(self):
        from .tables import CaseTable

        return CaseTable

    @property
    def serializer_class(self):
        from .api import CaseSerializer

        return CaseSerializer


@register
class CaseCategoryResource(Resource):
    model = CaseCategory
    slug = "categories"
    icon = "category"
    menu_order = 80
    list_fields = ("code", "name", "case_type", "parent", "default_unit", "is_active")
    form_fields = ("case_type", "code", "name", "parent", "default_unit", "order", "is_active")
    filter_fields = ("case_type", "is_active")
    search_fields = ("code", "name")
    ordering = ("case_type", "order", "code")
    natural_key = ("code",)
