"""The home page: one per role, made of cards that modules contribute."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..registry import registry
from ..scope import get_scope


@login_required
def home(request):
    user = request.user
    roles = user.role_codes
    cards = []
    for card in sorted(registry.home_cards, key=lambda c: c.order):
        if card.roles and not (roles & set(card.roles)):
            continue
        if card.perm and not user.has_perm(card.perm):
            continue
        data = card.render(request)
        if data is not None:
            cards.append({"key": card.key, "title": card.title, **data})
    scope = get_scope(user)
    context = {
        "cards": cards,
        "scope": scope,
        "scope_units": _scope_units(scope),
        "roles": list(user.roles.all()),
    }
    return render(request, "home.html", context)


def _scope_units(scope):
    from yixian.core.orgs.models import OrgUnit

    if scope.everything:
        return [_("全区")]
    return list(OrgUnit.objects.filter(path__in=scope.paths).values_list("name", flat=True))


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
