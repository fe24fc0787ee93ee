"""Generic pages (list, detail, edit, import, export, API) of the projects module. The project
page itself is `views.ProjectDetailView`; a new project is made by `services.create_project`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from yixian.core.orgs.models import OrgUnitKind
from yixian.framework.models import ConcurrentEditError
from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import AnnualPlan, Industry, InvestmentReport, LightPolicy, Project, StageTemplate


def _refresh(project) -> None:
    from . import services

    services.refresh_project(project)


@register
class ProjectResource(Resource):
    model = Project
    slug = "projects"
    icon = "building-factory-2"
    menu_order = 10
    list_fields = ("code", "name", "light", "stage", "org_unit", "service_group", "industry", "total_investment")
    detail_fields = (
        "code", "name", "kind", "status", "stage", "light", "light_reason", "owner_name", "owner_credit_code",
        "industry", "org_unit", "location", "longitude", "latitude", "total_investment", "lead_department",
        "service_group", "leader", "cadres", "description",
    )  # fmt: skip
    search_fields = ("code", "name", "owner_name")
    ordering = ("code",)
    select_related = ("org_unit", "service_group", "lead_department", "industry", "leader")
    natural_key = ("code",)
    field_limits = {
        "org_unit": Q(kind=OrgUnitKind.STREET),
        "lead_department": Q(kind=OrgUnitKind.DEPARTMENT),
        "service_group": Q(kind=OrgUnitKind.SERVICE_GROUP),
    }

    @property
    def form_fields(self):
        from .forms import PROJECT_FORM_FIELDS

        return PROJECT_FORM_FIELDS

    @property
    def export_fields(self):
        return (*self.form_fields, "stage", "light", "light_reason")

    @property
    def import_fields(self):
        return self.form_fields

    @property
    def filterset_class(self):
        from .filtersets import ProjectFilterSet

        return ProjectFilterSet

    @property
    def table_class(self):
        from .tables import ProjectTable

        return ProjectTable

    @property
    def form_class(self):
        from .forms import ProjectForm

        return ProjectForm

    @property
    def view_classes(self):
        from . import views

        return {"list": views.ProjectListView, "detail": views.ProjectDetailView}

    @property
    def viewset_class(self):
        from .api import ProjectViewSet

        return ProjectViewSet

    @property
    def serializer_class(self):
        from .api import ProjectSerializer

        return ProjectSerializer

    def save_form(self, *, form, user, expected_version):
        from . import services

        if form.instance.pk is None:
            data = form.cleaned_data
            with transaction.atomic():
                project = services.create_project(actor=user, **form.create_args())
                extra = {k: data.get(k) for k in ("status", "longitude", "latitude") if data.get(k) not in (None, "")}
                if extra:
                    Project.objects.filter(pk=project.pk).update(**extra)
                    project.refresh_from_db()
                    services.refresh_project(project)
            return project
        with transaction.atomic():
            obj = form.save(commit=False)
            obj.save_versioned(expected_version=expected_version, user=user)
            form.save_m2m()
            services.refresh_project(obj)
        return obj


@register
class IndustryResource(Resource):
    model = Industry
    slug = "industries"
    icon = "category"
    menu_order = 80
    list_fields = ("name", "code", "order")
    form_fields = ("code", "name", "order")
    search_fields = ("name", "code")
    ordering = ("order", "code")
    natural_key = ("code",)


@register
class StageTemplateResource(Resource):
    model = StageTemplate
    slug = "stage-templates"
    icon = "timeline"
    menu_order = 85
    list_fields = ("kind", "stage", "offset_months")
    form_fields = ("kind", "stage", "offset_months")
    filter_fields = ("kind", "stage")
    ordering = ("kind", "offset_months", "stage")
    natural_key = ("kind", "stage")

    @property
    def serializer_class(self):
        from .api import StageTemplateSerializer

        return StageTemplateSerializer


@register
class LightPolicyResource(Resource):
    model = LightPolicy
    slug = "light-policy"
    icon = "traffic-lights"
    menu_order = 90
    list_fields = ("red_lag_pp", "yellow_lag_pp", "due_soon_days", "not_started_months", "blocker_overdue_red")
    form_fields = list_fields
    ordering = ("pk",)


class _ProjectChildResource(Resource):
    """Rows of one project, saved through the service (its checks, then the project's light)."""

    def save_form(self, *, form, user, expected_version):
        with transaction.atomic():
            if form.instance.pk is not None:  # refuse a stale edit before the service writes
                current = type(form.instance).objects.filter(pk=form.instance.pk).values_list("version", flat=True).first()
                if current is None or (expected_version is not None and current != expected_version):
                    raise ConcurrentEditError()
            return form.save_through_service()


@register
class AnnualPlanResource(_ProjectChildResource):
    model = AnnualPlan
    slug = "annual-plans"
    icon = "calendar-dollar"
    menu_order = 40
    list_fields = ("project", "year", "amount")
    form_fields = ("project", "year", "amount")
    filter_fields = ("year",)
    search_fields = ("project__code", "project__name")
    ordering = ("-year", "project__code")
    select_related = ("project",)
    natural_key = ("project", "year")

    @property
    def form_class(self):
        from .forms import AnnualPlanForm

        return AnnualPlanForm


@register
class InvestmentReportResource(_ProjectChildResource):
    model = InvestmentReport
    slug = "investments"
    icon = "coin-yuan"
    menu_order = 45
    list_fields = ("project", "month", "amount", "reported_by", "note")
    form_fields = ("project", "month", "amount", "note")
    filter_fields = ("month",)
    search_fields = ("project__code", "project__name")
    ordering = ("-month", "project__code")
    select_related = ("project", "reported_by")
    natural_key = ("project", "month")

    @property
    def form_class(self):
        from .forms import InvestmentReportForm

        return InvestmentReportForm
