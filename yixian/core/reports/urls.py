from django.urls import path

from . import views

urlpatterns = [
    path("briefing/", views.briefing, name="briefing"),
]
