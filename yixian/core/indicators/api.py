"""Indicator API: `/api/indicators/` (every indicator's value for a scope, unit and period)
and `/api/indicators/<code>/` (value, numerator, denominator, target, status and trend).

`?period=2026-10` (default: this month), `?unit=<unit code>` (default: all of the scope).
A bad period is a 400 with the period's message, an unknown code or a unit outside the
user's scope a 404; authentication is required as for the rest of /api/.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from yixian.framework.periods import PeriodError, parse_period
from yixian.framework.scope import get_scope

from . import base, services

VIEW_PERM = "indicators.view_dashboarditem"

PARAMS = [
    OpenApiParameter("period", str, description="统计期：月份 2026-10 或年份 2026（默认本月）"),
    OpenApiParameter("unit", str, description="单位代码（街道 330105001、服务组 SG01 等；默认本人全部数据范围）"),
]

_number = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True, coerce_to_string=False)

ValueSerializer = inline_serializer(
    "IndicatorValue",
    {
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "name_en": serializers.CharField(),
        "unit": serializers.CharField(),
        "kind": serializers.CharField(help_text="count / rate / average / amount"),
        "module": serializers.CharField(),
        "definition": serializers.CharField(),
        "value": _number,
        "display": serializers.CharField(),
        "numerator": _number,
        "denominator": _number,
        "target": _number,
        "status": serializers.CharField(allow_null=True, help_text="met / behind / null"),
        "previous": _number,
        "change": _number,
    },
)
ListSerializer = inline_serializer(
    "IndicatorList",
    {
        "period": serializers.CharField(),
        "unit": serializers.CharField(allow_null=True),
        "results": ValueSerializer.__class__(many=True),
    },
)
DetailSerializer = inline_serializer(
    "IndicatorDetail",
    {
        "period": serializers.CharField(),
        "unit": serializers.CharField(allow_null=True),
        "indicator": ValueSerializer.__class__(),
        "trend": inline_serializer("IndicatorTrendPoint", {"period": serializers.CharField(), "value": _number}, many=True),
    },
)


def payload(e: services.Evaluated) -> dict:
    indicator = e.indicator
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "name_en": indicator.name_en,
        "unit": "%" if indicator.kind == "rate" else str(indicator.unit),
        "kind": indicator.kind,
        "module": indicator.module,
        "definition": str(indicator.definition),
        "value": e.result.value,
        "display": e.display,
        "numerator": e.result.numerator,
        "denominator": e.result.denominator,
        "target": e.target,
        "status": e.status,
        "previous": e.previous,
        "change": e.change,
    }


class IndicatorAPIView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def query(self, request) -> base.Query:
        if not request.user.has_perm(VIEW_PERM):
            raise PermissionDenied(_("您没有查看指标的权限。"))
        now = timezone.now()
        scope = get_scope(request.user)
        try:
            period = parse_period(request.query_params.get("period"), today=timezone.localdate(now))
        except PeriodError as exc:
            raise ValidationError({"period": [str(exc)]}) from exc
        try:
            unit = services.unit_by_code(request.query_params.get("unit"), scope)
        except services.IndicatorScopeError as exc:
            raise NotFound(str(exc)) from exc
        return services.query_for(scope=scope, unit=unit, period=period, now=now)


class IndicatorListAPI(IndicatorAPIView):
    @extend_schema(
        parameters=PARAMS, responses=ListSerializer, summary="全部指标的值", tags=["indicators"], operation_id="indicators_values"
    )
    def get(self, request):
        q = self.query(request)
        rows = [payload(e) for e in services.evaluate(None, q)]
        return Response({"period": q.period.code, "unit": getattr(q.unit, "code", None), "results": rows})


class IndicatorDetailAPI(IndicatorAPIView):
    @extend_schema(
        parameters=PARAMS,
        responses=DetailSerializer,
        summary="一个指标的值与趋势",
        tags=["indicators"],
        operation_id="indicators_value",
    )
    def get(self, request, code: str):
        try:
            services.get_indicator(code)
        except services.UnknownIndicator as exc:
            raise NotFound(str(exc)) from exc
        q = self.query(request)
        e = services.evaluate_one(code, q)
        trend = [{"period": p, "value": v} for p, v in services.trend(code, q, months=12)]
        return Response({"period": q.period.code, "unit": getattr(q.unit, "code", None), "indicator": payload(e), "trend": trend})
