"""Home-page card: the org units in the user's scope, by kind."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yixian.framework.registry import HomeCard, registry

from .models import OrgUnit, OrgUnitKind

KINDS = [OrgUnitKind.STREET, OrgUnitKind.COMMUNITY, OrgUnitKind.DEPARTMENT, OrgUnitKind.SERVICE_GROUP, OrgUnitKind.COMMERCIAL_COMMUNITY]


def units_card(request):
    resource = registry.resource_for(OrgUnit)
    counts = dict(resource.get_queryset(request.user).order_by().values_list("kind").annotate(n=Count("id")))
    url = reverse(resource.url_name("list"))
    return {
        "icon": "sitemap",
        "link": url,
        "figures": [{"label": kind.label, "value": counts.get(kind, 0), "link": f"{url}?kind={kind.value}"} for kind in KINDS[:3]],
        "rows": [{"label": kind.label, "value": counts.get(kind, 0), "link": f"{url}?kind={kind.value}"} for kind in KINDS[3:]],
    }


registry.add_home_card(HomeCard(key="orgs.units", title=_("组织架构"), render=units_card, perm="orgs.view_orgunit", order=90))
