from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("export/", views.indicator_export, name="export"),
]

try:  # the dashboard (helper module `dashboard`), when present
    from . import dashboard

    urlpatterns.append(path("dashboard/", dashboard.dashboard_page, name="dashboard"))
except ImportError:  # pragma: no cover
    pass

# a code is dotted ("cases.close_on_time"): it never clashes with the generated resource pages
CODE = r"(?P<code>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)"
urlpatterns += [
    re_path(rf"^{CODE}/$", views.indicator_detail, name="detail"),
    re_path(rf"^{CODE}/records/$", views.indicator_records, name="records"),
]
