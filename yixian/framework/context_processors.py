"""The menu, built from what modules declared and what the user may open."""

from django.conf import settings

from .registry import registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": [], "yixian_debug": settings.DEBUG}
    modules = []
    for config in registry.ordered_modules():
        items = config.menu_items(user)
        if items:
            modules.append({"label": config.verbose_name, "icon": config.icon, "items": items, "label_key": config.label})
    return {"nav_modules": modules, "yixian_debug": settings.DEBUG}
