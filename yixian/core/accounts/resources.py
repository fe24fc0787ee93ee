from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import SensitiveAccess


@register
class SensitiveAccessResource(Resource):
    """The log of views and exports of unmasked personal data, for auditors (read-only)."""

    model = SensitiveAccess
    slug = "sensitive-access"
    icon = "eye-check"
    read_only = True
    list_fields = ("time", "user", "action", "model", "object_repr", "fields", "count", "request_id")
    filter_fields = ("action", "model", "user")
    search_fields = ("object_repr", "fields", "request_id")
    ordering = ("-time", "-id")
