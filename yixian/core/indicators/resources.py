"""Generic pages for what an administrator sets without code: targets and dashboard items;
snapshots read-only (they are computed)."""

from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import DashboardItem, Snapshot, Target


@register
class TargetResource(Resource):
    model = Target
    slug = "targets"
    icon = "target-arrow"
    menu_order = 20
    list_fields = ("code", "org_unit", "year", "value", "note")
    form_fields = ("code", "org_unit", "year", "value", "note")
    filter_fields = ("code", "year", "org_unit")
    search_fields = ("code", "note")
    ordering = ("code", "year")
    natural_key = ("code", "org_unit", "year")


@register
class DashboardItemResource(Resource):
    model = DashboardItem
    slug = "dashboard-items"
    icon = "layout-dashboard"
    menu_order = 30
    list_fields = ("dashboard", "order", "code", "chart", "enabled", "title_override")
    form_fields = ("dashboard", "code", "order", "chart", "enabled", "title_override")
    filter_fields = ("dashboard", "chart", "enabled")
    search_fields = ("code", "title_override")
    ordering = ("dashboard", "order")
    natural_key = ("dashboard", "code", "chart")


@register
class SnapshotResource(Resource):
    model = Snapshot
    slug = "snapshots"
    icon = "camera"
    menu_order = 40
    read_only = True
    list_fields = ("code", "org_unit", "period", "value", "numerator", "denominator", "computed_at")
    filter_fields = ("code", "period", "org_unit")
    search_fields = ("code",)
    ordering = ("code", "period")
