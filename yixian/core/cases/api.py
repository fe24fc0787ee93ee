"""Case API: the scoped list and detail of the generic resource, plus intake, steps (one
endpoint for every workflow action, versioned), the timeline, similar cases, queues and KPIs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from yixian.core.orgs.models import OrgUnit
from yixian.framework.api import ReadOnlyResourceViewSet
from yixian.framework.scope import get_scope
from yixian.framework.validators import mask_value

from . import kpis, selectors, services
from .models import Case, CaseCategory, CaseState, CaseStep, Channel, Priority, RequesterKind, Satisfaction
from .similar import similar_cases
from .types import case_type_choices

STATE_LABELS = dict(CaseState.choices)


class CaseSerializer(serializers.ModelSerializer):
    state_display = serializers.SerializerMethodField(help_text="状态名称")
    handling_unit_name = serializers.CharField(source="handling_unit.name", read_only=True)
    light = serializers.SerializerMethodField(help_text="red / yellow / green / none")
    light_reason = serializers.SerializerMethodField(help_text="红黄绿灯的原因")

    class Meta:
        model = Case
        fields = [
            "id",
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
            "state_display",
            "intake_unit",
            "responsible_unit",
            "handling_unit",
            "handling_unit_name",
            "received_at",
            "dispatched_at",
            "sign_due",
            "signed_at",
            "handle_due",
            "replied_at",
            "followup_due",
            "followed_up_at",
            "closed_at",
            "current_due",
            "light",
            "light_reason",
            "reply",
            "satisfaction",
            "resolved",
            "returns_count",
            "extensions_count",
            "reopen_count",
            "extension_pending_days",
            "is_supervised",
            "is_repeat",
            "duplicate_of",
            "version",
        ]
        read_only_fields = fields

    def get_state_display(self, obj) -> str:
        # the label from the choices: get_state_display() re-hashes every lazy label per row
        return str(STATE_LABELS.get(obj.state, obj.state))

    def _light(self, obj):
        cache = self.context.setdefault("_lights", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.light(obj)
        return cache[obj.pk]

    def get_light(self, obj) -> str:
        return self._light(obj).color

    def get_light_reason(self, obj) -> str:
        return self._light(obj).reason

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not (request and request.user.has_perm("accounts.view_personal_data")):
            for name in Case.sensitive_fields:
                data[name] = mask_value(name, data[name])
        return data


class CaseIntakeSerializer(serializers.Serializer):
    case_type = serializers.ChoiceField(choices=[])
    category = serializers.PrimaryKeyRelatedField(queryset=CaseCategory.objects.filter(is_active=True), required=False, allow_null=True)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField()
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WINDOW)
    requester_kind = serializers.ChoiceField(choices=RequesterKind.choices, default=RequesterKind.RESIDENT)
    requester_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    requester_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    requester_org = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    intake_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), help_text="受理单位（须在本人数据范围内）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = case_type_choices()


class StepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[], help_text="dispatch, sign, progress, return, reassign, request_extension, …")
    version = serializers.IntegerField(help_text="读取工单时的 version；已被他人处理则返回 409")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    target_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    days = serializers.IntegerField(required=False, allow_null=True)
    approve = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False, allow_blank=True)
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None)
    into = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(code, str(r.label)) for code, r in services.RULES.items() if r.perm]


class TimelineSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor_unit_name = serializers.CharField(source="actor_unit.name", default="", read_only=True)
    target_unit_name = serializers.CharField(source="target_unit.name", default="", read_only=True)

    class Meta:
        model = CaseStep
        fields = ["id", "action", "action_display", "from_state", "to_state", "actor_name", "actor_unit_name", "target_unit_name", "at", "note", "data"]


def error_response(exc: services.CaseError) -> Response:
    body = {"detail": exc.message, "code": {409: "conflict", 403: "forbidden", 404: "not_found"}.get(exc.status, "invalid")}
    if exc.field:
        body["field"] = exc.field
    return Response(body, status=exc.status)


class CaseViewSet(ReadOnlyResourceViewSet):
    """工单 API. Writes go through the case service: `POST /` receives a case, `POST /{id}/step/`
    takes one workflow step (with the `version` read; 409 when someone acted first)."""

    def get_permissions(self):
        if self.action in ("step", "similar", "timeline", "queues", "kpis"):
            return [permissions.IsAuthenticated(), _ViewCase()]
        return super().get_permissions()

    @extend_schema(request=CaseIntakeSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CaseIntakeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        scope = get_scope(request.user)
        if not scope.contains_unit(data["intake_unit"]):
            raise PermissionDenied(_("受理单位不在您的数据范围内。"))
        try:
            case = services.receive_case(actor=request.user, **data)
        except services.CaseError as exc:
            return error_response(exc)
        return Response(CaseSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        case = self.get_object()
        serializer = StepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        params = {k: v for k, v in data.items() if k not in ("action", "version", "note") and v not in (None, "")}
        if "into" in params and not get_scope(request.user).contains(params["into"]):
            return error_response(services.CaseError(_("所选工单不在您的数据范围内。"), 403, "into"))
        try:
            case = services.act(case, data["action"], actor=request.user, expected_version=data["version"], note=data["note"], **params)
        except services.CaseError as exc:
            return error_response(exc)
        return Response(CaseSerializer(case, context={"request": request}).data)

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        case = self.get_object()
        steps = case.steps.select_related("actor_unit", "target_unit")
        return Response(TimelineSerializer(steps, many=True).data)

    @action(detail=True, methods=["get"])
    def similar(self, request, pk=None):
        case = self.get_object()
        found = similar_cases(case, self.get_queryset())
        return Response(
            [{"id": c.pk, "number": c.number, "title": c.title, "state": c.state, "score": score, "reasons": reasons} for c, score, reasons in found]
        )

    @action(detail=False, methods=["get"])
    def queues(self, request):
        counts = selectors.queue_counts(self.get_queryset(), request.user)
        return Response([{"queue": k, "label": str(selectors.QUEUES[k]), "count": v} for k, v in counts.items()])

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="2026-10（月）或 2026（年）"),
            OpenApiParameter("by", str, enum=["unit", "month", "total"]),
        ]
    )
    @action(detail=False, methods=["get"])
    def kpis(self, request):
        try:
            period = kpis.parse_period(request.query_params.get("period"))
        except kpis.PeriodError as exc:
            return Response({"detail": str(exc), "code": "invalid"}, status=400)
        by = request.query_params.get("by", "unit")
        qs = kpis.for_user(self.get_queryset(), request.user)
        if by == "total":
            values = {(None, None): kpis.total(qs, period)}
        else:
            values = kpis.compute(qs, period, by_unit=by == "unit", by_month=by == "month")
        names = dict(OrgUnit.objects.filter(pk__in=[u for u, _m in values if u]).values_list("pk", "name"))
        rows = []
        for (unit, month), bucket in sorted(values.items(), key=lambda kv: (str(kv[0][1] or ""), names.get(kv[0][0], ""))):
            rows.append(
                {
                    "unit": unit,
                    "unit_name": names.get(unit, "") if unit else "",
                    "month": month,
                    "kpis": {
                        code: {"value": v.value, "numerator": v.numerator, "denominator": v.denominator, "name": str(v.kpi.name)}
                        for code, v in bucket.items()
                    },
                }
            )
        return Response({"period": period.code, "rows": rows})


class _ViewCase(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("cases.view_case")
