"""Project pages beyond the generic ones (mounted at /projects/, namespace "projects")."""

from django.urls import path

from . import views
from .dataio import urlpatterns_dataio

urlpatterns = [
    path("board/", views.board, name="board"),
    path("lights/red/", views.light_list, {"light": "red"}, name="red_list"),
    path("lights/yellow/", views.light_list, {"light": "yellow"}, name="yellow_list"),
    path("lights/<str:light>/", views.light_list, name="light_list"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:unit_pk>/", views.group_detail, name="group_detail"),
    path("<int:pk>/visit/", views.visit, name="visit"),
    path("projects/<int:pk>/visit/", views.visit, name="project_visit"),
    path("projects/<int:pk>/blocker/", views.raise_blocker, name="raise_blocker"),
    path("projects/<int:pk>/stage/", views.reach_stage, name="reach_stage"),
    path("projects/<int:pk>/investment/", views.report_investment, name="report_investment"),
    path("files/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("files/visit/<int:pk>/", views.visit_file, name="visit_file"),
]
urlpatterns += urlpatterns_dataio  # the 发改局 sheet (one row per project) and monthly investment imports
