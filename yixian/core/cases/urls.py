from django.urls import path

from . import kpi_views, public, views

urlpatterns = [
    path("cases/new/", views.case_intake, name="case_intake"),
    path("cases/<int:pk>/step/<str:action>/", views.case_step, name="case_step"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("notices/", views.notices, name="notices"),
    # Public intake: no login (see public.py); only these five pages are open to anonymous users.
    path("public/", public.submit, name="public_submit"),
    path("public/done/", public.done, name="public_done"),
    path("public/track/", public.track, name="public_track"),
    path("public/track/<str:code>/", public.progress, name="public_progress"),
    path("public/track/<str:code>/rate/", public.rate, name="public_rate"),
    path("kpis/", kpi_views.kpis_page, name="kpis"),
    path("kpis/export/", kpi_views.kpis_export, name="kpis_export"),
]
