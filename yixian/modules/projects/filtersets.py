"""The project filter: one FilterSet for the list, the board, the red/yellow lists and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yixian.core.orgs.models import OrgUnit, OrgUnitKind
from yixian.framework.filtersets import ScopedFilterSet
from yixian.framework.scope import get_scope

from .models import Industry, Light, Project, ProjectKind, ProjectStatus, Stage


class ProjectFilterSet(ScopedFilterSet):
    search_fields = ("code", "name", "owner_name")
    org_unit = django_filters.ModelChoiceFilter(label=_("所在街道"), queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STREET))
    industry = django_filters.ModelChoiceFilter(label=_("产业领域"), queryset=Industry.objects.all())
    service_group = django_filters.ModelChoiceFilter(
        label=_("专项服务组"), queryset=OrgUnit.objects.filter(kind=OrgUnitKind.SERVICE_GROUP)
    )
    light = django_filters.ChoiceFilter(label=_("亮灯"), choices=Light.choices)
    stage = django_filters.ChoiceFilter(
        label=_("当前阶段"), choices=[("none", _("未签约/未开始")), *Stage.choices], method="filter_stage"
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProjectStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("项目类型"), choices=ProjectKind.choices)

    class Meta:
        model = Project
        fields = ["org_unit", "industry", "service_group", "light", "stage", "status", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Streets and groups to choose from: those of the projects the user may see (a group
        # cadre's scope holds no street, yet their group's projects lie in streets).
        visible = get_scope(getattr(self.request, "user", None)).filter(Project.objects.all())
        self.filters["org_unit"].queryset = OrgUnit.objects.filter(
            kind=OrgUnitKind.STREET, pk__in=visible.values("org_unit")
        ).order_by("path")
        self.filters["service_group"].queryset = OrgUnit.objects.filter(
            kind=OrgUnitKind.SERVICE_GROUP, pk__in=visible.values("service_group")
        ).order_by("code")

    def filter_stage(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(stage="" if value == "none" else value)
