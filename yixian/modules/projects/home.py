"""Home-page card for service-group cadres and leaders: red and yellow projects, open blockers."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yixian.framework.registry import HomeCard, registry

from . import selectors
from .models import Light


def projects_card(request):
    user = request.user
    projects = selectors.projects_for(user)
    counts = {light: projects.filter(light=light).count() for light in (Light.RED, Light.YELLOW)}
    blockers = selectors.open_blockers(selectors.blockers_of(projects)).count()
    return {
        "icon": "building-factory-2",
        "link": reverse("projects:project_list"),
        "figures": [
            {"label": _("红灯项目"), "value": counts[Light.RED], "link": reverse("projects:red_list")},
            {"label": _("黄灯项目"), "value": counts[Light.YELLOW], "link": reverse("projects:yellow_list")},
            {"label": _("未办结堵点"), "value": blockers, "link": reverse("projects:groups")},
        ],
        "rows": [
            {"label": _("项目总数"), "value": projects.count(), "link": reverse("projects:project_list")},
            {"label": _("阶段看板"), "value": "", "link": reverse("projects:board")},
        ],
    }


registry.add_home_card(
    HomeCard(
        key="projects.lights",
        title=gettext_lazy("重大项目"),
        render=projects_card,
        roles=("group_cadre", "leader", "orgdept"),
        perm="projects.view_project",
        order=30,
    )
)
