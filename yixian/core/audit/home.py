"""Home-page card: the latest changes the user may see."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yixian.framework.registry import HomeCard, registry

from .models import ObjectChange


def changes_card(request):
    resource = registry.resource_for(ObjectChange)
    qs = resource.get_queryset(request.user)
    since = timezone.now() - timezone.timedelta(days=7)
    latest = list(qs[:6])
    return {
        "icon": "history",
        "link": reverse(resource.url_name("list")),
        "figures": [{"label": _("近 7 天变更"), "value": qs.filter(time__gte=since).count()}],
        "rows": [
            {
                "label": f"{c.get_action_display()} · {c.object_repr}",
                "value": f"{c.user_name} {timezone.localtime(c.time):%m-%d %H:%M}",
                "link": reverse(resource.url_name("detail"), args=[c.pk]),
            }
            for c in latest
        ],
    }


registry.add_home_card(HomeCard(key="audit.changes", title=_("最近变更"), render=changes_card, perm="audit.view_objectchange", order=95))
