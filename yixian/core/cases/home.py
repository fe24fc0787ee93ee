"""Home-page card: the user's case queues and this month's on-time close and satisfaction rates."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.framework.registry import HomeCard, registry

from . import kpis, selectors
from .models import Case

CARD_QUEUES = ("to_sign", "to_handle", "due_soon", "overdue")
DISPATCH_QUEUES = ("to_dispatch", "extension", "to_follow_up")  # rows for those who dispatch and follow up
CARD_KPIS = ("close_on_time", "satisfaction")


def cases_card(request):
    user = request.user
    now = timezone.now()
    qs = registry.resource_for(Case).get_queryset(user)
    dispatcher = user.has_perm("cases.dispatch_case")
    names = [*CARD_QUEUES, *(DISPATCH_QUEUES if dispatcher else ())]
    counts = selectors.queue_counts(qs, user, names=names, now=now)
    url = reverse("cases:case_list")
    period = kpis.parse_period(None, today=timezone.localdate(now))
    values = kpis.total(kpis.for_user(qs, user), period, now=now, codes=CARD_KPIS)
    kpi_url = f"{reverse('cases:kpis')}?{urlencode({'period': period.code})}"
    rows = [
        {"label": selectors.QUEUES[name], "value": counts[name], "link": f"{url}?queue={name}"}
        for name in DISPATCH_QUEUES
        if dispatcher and counts[name]
    ]
    for code in CARD_KPIS:
        value = values[code]
        figure = "—" if value.value is None else f"{value.value}%"
        rows.append(
            {
                "label": _("本月%(name)s") % {"name": value.kpi.name},
                "value": f"{figure}（{value.numerator}/{value.denominator}）",
                "link": kpi_url,
            }
        )
    return {
        "icon": "clipboard-list",
        "link": url,
        "figures": [
            {"label": selectors.QUEUES[name], "value": counts.get(name, 0), "link": f"{url}?queue={name}"} for name in CARD_QUEUES
        ],
        "rows": rows,
    }


registry.add_home_card(
    HomeCard(key="cases.work", title=gettext_lazy("我的工单"), render=cases_card, perm="cases.view_case", order=20)
)
