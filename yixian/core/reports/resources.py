from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import BriefingRecord


@register
class BriefingRecordResource(Resource):
    """Who generated which briefing, for auditors (read-only)."""

    model = BriefingRecord
    slug = "briefing-records"
    icon = "file-text"
    read_only = True
    list_fields = ("time", "user_name", "unit_label", "period", "format", "size", "request_id")
    filter_fields = ("format", "period", "org_unit")
    search_fields = ("unit_label", "user_name", "request_id")
    ordering = ("-time", "-id")
