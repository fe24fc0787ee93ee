"""Project API: the generic scoped list/detail (with the light and its reason), creation through
`services.create_project`, and the actions of the project page: blockers, visits, stages,
investment, plus the lifecycle timeline. Refusals answer with the service's Chinese message."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from yixian.core.cases.models import Priority
from yixian.core.orgs.models import OrgUnit, Person
from yixian.framework.api import ResourceViewSet, ScopedModelSerializer

from . import selectors, services
from .forms import CREATE_ARGS, PROJECT_FORM_FIELDS
from .models import BlockerKind, Project, ProjectKind, Stage, StageTemplate


def inline_choice_field(choices_class):
    """A ChoiceField documented as a string listing its values: several models have a `kind`
    with different choices, whose enums drf-spectacular cannot name without a collision."""

    values = " / ".join(f"{value}（{label}）" for value, label in choices_class.choices)

    # no `enum` key: the schema's post-processing would name it and collide again
    @extend_schema_field({"type": "string", "description": values})
    class Field(serializers.ChoiceField):
        pass

    Field.__name__ = f"{choices_class.__name__}Field"
    return Field


ProjectKindField = inline_choice_field(ProjectKind)


class ProjectSerializer(ScopedModelSerializer):
    kind = ProjectKindField(choices=ProjectKind.choices, label=Project._meta.get_field("kind").verbose_name)
    version = serializers.IntegerField(required=False, help_text="乐观锁版本号：修改时必须提交读取时的值")
    signed_on = serializers.DateField(required=False, write_only=True, help_text="签约日期（仅新建时，用于推算节点计划）")
    light_display = serializers.CharField(source="get_light_display", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", *PROJECT_FORM_FIELDS, "signed_on", "stage", "stage_display", "light", "light_display",
            "light_reason", "light_at", "version", "display",
        ]  # fmt: skip
        read_only_fields = ["stage", "light", "light_reason", "light_at"]

    def get_fields(self):
        fields = super().get_fields()
        # street, group and lead department: any of them puts the project in scope (the
        # service checks the whole), so their choices are not narrowed one by one
        for name in ("org_unit", "lead_department", "service_group"):
            fields[name].queryset = OrgUnit.objects.filter(is_active=True)
        return fields


def error_response(exc: services.ProjectError) -> Response:
    body = {"detail": exc.message, "code": {409: "conflict", 403: "forbidden", 404: "not_found"}.get(exc.status, "invalid")}
    if exc.field:
        body["field"] = exc.field
    return Response(body, status=exc.status if exc.status in (403, 404, 409) else 400)


class BlockerInSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    description = serializers.CharField()
    kind = inline_choice_field(BlockerKind)(choices=BlockerKind.choices, help_text="堵点类型")
    department = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), help_text="协调部门（部门的编号）")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class VisitInSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    findings = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    participants = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), many=True, required=False)
    blockers = BlockerInSerializer(many=True, required=False)


class StageInSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    actual_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InvestmentInSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="该月任一日，如 2026-10-01")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class _ViewProject(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("projects.view_project")


class ProjectViewSet(ResourceViewSet):
    """重大项目 API. `POST /` creates a project with its milestones; `POST /{id}/blockers/`,
    `/visits/`, `/stages/`, `/investments/` take the project page's actions (the service checks
    the permission of each); `GET /{id}/timeline/` gives planned and actual dates per stage."""

    ACTIONS = ("blockers", "visits", "stages", "investments", "timeline")

    def get_permissions(self):
        if self.action in self.ACTIONS:
            return [permissions.IsAuthenticated(), _ViewProject()]
        return super().get_permissions()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        args = {name: data.get(name) for name in CREATE_ARGS}
        for name in ("owner_credit_code", "location", "description"):
            args[name] = args[name] or ""
        try:
            with transaction.atomic():
                project = services.create_project(
                    actor=request.user, cadres=list(data.get("cadres") or ()), signed_on=data.get("signed_on"), **args
                )
                extra = {k: data[k] for k in ("status", "longitude", "latitude") if data.get(k) not in (None, "")}
                if extra:
                    Project.objects.filter(pk=project.pk).update(**extra)
                    project.refresh_from_db()
                    services.refresh_project(project)
        except services.ProjectError as exc:
            return error_response(exc)
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.validated_data.pop("signed_on", None)  # only for a new project
        super().perform_update(serializer)
        services.refresh_project(serializer.instance)

    def _run(self, request, serializer_class, call):
        project = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            call(project, dict(serializer.validated_data))
        except services.ProjectError as exc:
            return error_response(exc)
        project.refresh_from_db()
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BlockerInSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def blockers(self, request, pk=None):
        return self._run(request, BlockerInSerializer, lambda p, d: services.raise_blocker(p, actor=request.user, **d))

    @extend_schema(request=VisitInSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        def call(project, data):
            services.log_visit(project, actor=request.user, **data)

        return self._run(request, VisitInSerializer, call)

    @extend_schema(request=StageInSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def stages(self, request, pk=None):
        return self._run(request, StageInSerializer, lambda p, d: services.reach_stage(p, actor=request.user, **d))

    @extend_schema(request=InvestmentInSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def investments(self, request, pk=None):
        return self._run(request, InvestmentInSerializer, lambda p, d: services.report_investment(p, actor=request.user, **d))

    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        project = self.get_object()
        rows = selectors.timeline([project])["rows"][0]["stages"]
        return Response(
            [
                {"stage": r["stage"], "label": str(r["label"]), "planned": r["planned"], "actual": r["actual"], "late": r["late"]}
                for r in rows
            ]
        )


class StageTemplateSerializer(ScopedModelSerializer):
    kind = ProjectKindField(choices=ProjectKind.choices, label=StageTemplate._meta.get_field("kind").verbose_name)

    class Meta:
        model = StageTemplate
        fields = ["id", "kind", "stage", "offset_months", "version", "display"]
        read_only_fields = ["version"]
