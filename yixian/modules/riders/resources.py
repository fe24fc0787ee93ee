from django.db.models import Q

from yixian.core.orgs.models import OrgUnitKind
from yixian.framework.registry import register
from yixian.framework.resources import Resource

from .models import Amenity, RiderStation


@register
class RiderStationResource(Resource):
    model = RiderStation
    slug = "stations"
    icon = "building-store"
    menu_order = 10
    list_fields = ("name", "org_unit", "address", "opening_hours", "status", "operator")
    detail_fields = (
        "name",
        "org_unit",
        "address",
        "longitude",
        "latitude",
        "opening_hours",
        "amenities",
        "operator",
        "contact_name",
        "contact_phone",
        "status",
        "opened_on",
        "note",
    )
    form_fields = detail_fields
    filter_fields = ("org_unit", "status", "amenities")
    search_fields = ("name", "address", "operator")
    ordering = ("org_unit__path", "name")
    natural_key = ("name",)
    field_limits = {"org_unit": Q(kind__in=[OrgUnitKind.STREET, OrgUnitKind.COMMUNITY])}


@register
class AmenityResource(Resource):
    model = Amenity
    slug = "amenities"
    icon = "tools"
    menu_order = 90
    list_fields = ("name", "code", "order")
    form_fields = ("code", "name", "order")
    search_fields = ("name", "code")
    ordering = ("order", "code")
    natural_key = ("code",)
