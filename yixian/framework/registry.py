"""The registry: what modules declared. The core asks it; it holds no list of modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str = "point"
    perm: str | None = None
    order: int = 100


@dataclass(frozen=True)
class HomeCard:
    """A card on a role's home page: `render(request)` returns a dict for the card template."""

    key: str
    title: str
    render: Callable
    roles: tuple[str, ...] = ()
    perm: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Seeder:
    """Demo data: `load(ctx)` must be idempotent (natural keys, update_or_create)."""

    key: str
    load: Callable
    order: int = 100


@dataclass(frozen=True)
class PeriodicJob:
    """A background task the worker enqueues every `every` seconds (a module's `tasks.py`
    declares it with `registry.add_periodic(PeriodicJob(...))`). The task must be idempotent."""

    key: str
    task: object  # a django-tasks Task taking no arguments
    every: float  # seconds
    label: str = ""


@dataclass
class Registry:
    modules: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    seeders: list = field(default_factory=list)
    home_cards: list = field(default_factory=list)
    case_types: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    periodic: list = field(default_factory=list)

    def register_module(self, config) -> None:
        self.modules[config.label] = config

    def register_resource(self, resource) -> None:
        key = resource.model._meta.label_lower
        if key in self.resources:
            raise ValueError(f"resource for {key} registered twice")
        self.resources[key] = resource

    def resource_for(self, model_or_label):
        key = model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label_lower
        return self.resources.get(key)

    def resources_of(self, app_label: str) -> list:
        return [r for r in self.resources.values() if r.model._meta.app_label == app_label]

    def add_seeder(self, seeder: Seeder) -> None:
        if all(s.key != seeder.key for s in self.seeders):
            self.seeders.append(seeder)

    def add_home_card(self, card: HomeCard) -> None:
        if all(c.key != card.key for c in self.home_cards):
            self.home_cards.append(card)

    def add_periodic(self, job: PeriodicJob) -> None:
        self.periodic = [j for j in self.periodic if j.key != job.key] + [job]

    def ordered_modules(self) -> list:
        return sorted(self.modules.values(), key=lambda m: (m.order, m.label))


registry = Registry()


def register(resource_cls):
    """Class decorator: register a Resource (its generic pages, API and import/export)."""
    registry.register_resource(resource_cls())
    return resource_cls
