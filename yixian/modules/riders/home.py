"""Home-page card: rider stations in the user's scope."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yixian.framework.registry import HomeCard, registry

from .models import RiderStation, StationStatus


def stations_card(request):
    resource = registry.resource_for(RiderStation)
    qs = resource.get_queryset(request.user)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    url = reverse(resource.url_name("list"))
    by_street = qs.order_by().values("org_unit__name", "org_unit_id").annotate(n=Count("id")).order_by("-n", "org_unit__name")[:6]
    return {
        "icon": "motorbike",
        "link": url,
        "figures": [
            {"label": _("驿站总数"), "value": sum(counts.values()), "link": url},
            {"label": _("运营中"), "value": counts.get(StationStatus.OPEN, 0), "link": f"{url}?status=open"},
            {"label": _("改造/筹建"), "value": counts.get(StationStatus.UPGRADING, 0) + counts.get(StationStatus.PLANNED, 0)},
        ],
        "rows": [
            {"label": row["org_unit__name"], "value": row["n"], "link": f"{url}?org_unit={row['org_unit_id']}"}
            for row in by_street
        ],
    }


registry.add_home_card(
    HomeCard(key="riders.stations", title=_("小哥驿站"), render=stations_card, perm="riders.view_riderstation", order=40)
)
