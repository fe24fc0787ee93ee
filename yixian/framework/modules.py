"""ModuleConfig: a module declares itself in its AppConfig; the registry learns of it in ready()."""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import AppConfig
from django.urls import NoReverseMatch, reverse

from .registry import MenuItem, Seeder, registry


class ModuleConfig(AppConfig):
    """Base AppConfig of every yixian module.

    Declares: `icon` and `order` for the menu, `menu` (extra MenuItems beyond the generic
    pages of its resources), and submodules imported on start when present:
    `resources` (generic pages/API/import/export), `demo` (a `load(ctx)` seeder),
    `home` (home-page cards), `indicators`, `case_types`, `signals` and `tasks` (periodic jobs).
    """

    default = False  # the base itself is never an app's config; subclasses are (see below)
    icon = "box"
    order = 50
    menu: tuple[MenuItem, ...] = ()
    demo_order = 100
    hook_modules = ("resources", "home", "indicators", "case_types", "signals", "tasks")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = cls.__dict__.get("default", True)

    def ready(self) -> None:
        registry.register_module(self)
        for sub in self.hook_modules:
            self._import_optional(sub)
        demo = self._import_optional("demo")
        if demo is not None and hasattr(demo, "load"):
            registry.add_seeder(Seeder(key=self.label, load=demo.load, order=getattr(demo, "ORDER", self.demo_order)))

    def _import_optional(self, sub: str):
        dotted = f"{self.name}.{sub}"
        if importlib.util.find_spec(dotted) is None:
            return None
        return importlib.import_module(dotted)

    def menu_items(self, user) -> list[dict]:
        """The menu entries of this module that `user` may open."""
        items: list[MenuItem] = list(self.menu)
        for resource in registry.resources_of(self.label):
            if resource.in_menu:
                items.append(
                    MenuItem(
                        label=resource.model._meta.verbose_name_plural,
                        url_name=resource.url_name("list"),
                        icon=resource.icon,
                        perm=resource.perm("view"),
                        order=resource.menu_order,
                    )
                )
        visible = []
        for item in sorted(items, key=lambda i: i.order):
            if item.perm and not user.has_perm(item.perm):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            visible.append({"label": item.label, "url": url, "icon": item.icon})
        return visible
