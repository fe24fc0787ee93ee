"""Data scope: which OrgUnits a user may see and change. Fails closed.

A user's scope is the union of the subtrees of the OrgUnits their person holds an active
membership in; a role with district-wide data scope widens it to everything. Models name the
lookup to their OrgUnit in ``scope_path`` ("org_unit" by default, "" for OrgUnit itself,
GLOBAL for reference data anyone signed in may read, None for records that belong to no
place and are only visible with district-wide scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

GLOBAL = "__global__"  # scope_path of reference data every signed-in user may read


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    paths: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.everything and not self.paths

    def q(self, model) -> Q:
        """The filter that narrows `model` rows to this scope (matches nothing when empty).

        A `scope_path` may be a tuple of lookups: a row is visible when ANY of them lies in
        scope (a case belongs to its place, its handling unit and its intake unit). Tuple
        lookups compare ids against a subquery of the units in scope, so no join is needed.
        """
        if self.everything:
            return Q()
        lookup = getattr(model, "scope_path", "org_unit")
        if lookup == GLOBAL:
            return Q()
        if lookup is None or not self.paths:
            return Q(pk__in=[])
        if isinstance(lookup, tuple):
            from yixian.core.orgs.models import OrgUnit

            units = OrgUnit.objects.filter(self._path_q("path__startswith")).values("pk")
            condition = Q()
            for part in lookup:
                condition |= Q(**{f"{part}__in": units})
            return condition
        prefix = f"{lookup}__path__startswith" if lookup else "path__startswith"
        return self._path_q(prefix)

    def _path_q(self, prefix: str) -> Q:
        condition = Q()
        for path in self.paths:
            condition |= Q(**{prefix: path})
        return condition

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.everything:
            return queryset
        return queryset.filter(self.q(queryset.model))

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """Narrow a choice list to this scope when its model is a yixian record (has a
        `scope_path`); other models' rows (permissions, content types) belong to no place."""
        if getattr(queryset.model, "scope_path", None) is None:
            return queryset
        return self.filter(queryset)

    def contains_unit(self, unit) -> bool:
        if self.everything:
            return True
        if unit is None:
            return False
        return any(unit.path.startswith(path) for path in self.paths)

    def contains(self, obj) -> bool:
        """Whether a (possibly unsaved) object lies inside this scope."""
        if self.everything:
            return True
        lookup = getattr(type(obj), "scope_path", "org_unit")
        if lookup == GLOBAL:
            return True
        if lookup is None:
            return False
        lookups = lookup if isinstance(lookup, tuple) else (lookup,)
        return any(self.contains_unit(_follow(obj, part)) for part in lookups)


def _follow(obj, lookup: str):
    target = obj
    for part in lookup.split("__") if lookup else []:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def compute_scope(user, on: date | None = None) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.roles.filter(data_scope="all").exists():
        return Scope(everything=True)
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Scope()
    from yixian.core.orgs.models import Membership

    on = on or timezone.localdate()
    paths = (
        Membership.objects.active(on)
        .filter(person_id=person_id, org_unit__is_active=True)
        .values_list("org_unit__path", flat=True)
    )
    return Scope(paths=_minimal(set(paths)))


def get_scope(user) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None:
        return Scope()
    cached = getattr(user, "_yixian_scope", None)
    if cached is None:
        cached = compute_scope(user)
        try:
            user._yixian_scope = cached
        except AttributeError:
            pass
    return cached


def clear_scope_cache(user) -> None:
    if hasattr(user, "_yixian_scope"):
        del user._yixian_scope
