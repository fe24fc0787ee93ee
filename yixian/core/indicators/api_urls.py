"""/api/indicators/… (mounted in yixian/urls.py before the generated resource API)."""

from django.urls import path, re_path

from . import api

urlpatterns = [
    path("", api.IndicatorListAPI.as_view(), name="api-indicators"),
    # a code is dotted ("cases.close_on_time"), so it never clashes with a resource slug
    re_path(r"^(?P<code>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)/$", api.IndicatorDetailAPI.as_view(), name="api-indicator-detail"),
]
