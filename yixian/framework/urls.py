"""URL patterns generated from the registry: /<app>/<slug>/… named <app>:<model>_<action>."""

from __future__ import annotations

from collections import defaultdict

from django.urls import include, path

from .registry import registry
from .views import generic


def resource_patterns(resource) -> list:
    from yixian.core.dataio.views import ObjectImportView

    name = resource.model_name
    slug = resource.url_slug
    kw = {"resource": resource}
    views = {
        "list": generic.ObjectListView,
        "export": generic.ObjectExportView,
        "detail": generic.ObjectDetailView,
        **resource.view_classes,
    }
    patterns = [
        path(f"{slug}/", views["list"].as_view(**kw), name=f"{name}_list"),
        path(f"{slug}/export/", views["export"].as_view(**kw), name=f"{name}_export"),
        path(f"{slug}/<int:pk>/", views["detail"].as_view(**kw), name=f"{name}_detail"),
    ]
    if not resource.read_only:
        patterns += [
            path(f"{slug}/add/", generic.ObjectCreateView.as_view(**kw), name=f"{name}_add"),
            path(f"{slug}/import/", ObjectImportView.as_view(**kw), name=f"{name}_import"),
            path(f"{slug}/<int:pk>/edit/", generic.ObjectEditView.as_view(**kw), name=f"{name}_edit"),
            path(f"{slug}/<int:pk>/delete/", generic.ObjectDeleteView.as_view(**kw), name=f"{name}_delete"),
        ]
    return patterns


def module_urlpatterns() -> list:
    """One include per module: its generic resource pages plus the module's own urls.py."""
    import importlib
    import importlib.util

    by_app: dict[str, list] = defaultdict(list)
    for resource in registry.resources.values():
        by_app[resource.app_label].extend(resource_patterns(resource))
    for config in registry.ordered_modules():
        dotted = f"{config.name}.urls"
        if importlib.util.find_spec(dotted) is not None:
            by_app[config.label] = list(getattr(importlib.import_module(dotted), "urlpatterns", [])) + by_app[config.label]
    return [
        path(f"{app_label}/", include((patterns, app_label), namespace=app_label))
        for app_label, patterns in by_app.items()
        if patterns
    ]
