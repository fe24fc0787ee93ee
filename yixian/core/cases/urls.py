from django.urls import path

from . import views

urlpatterns = [
    path("cases/new/", views.case_intake, name="case_intake"),
    path("cases/<int:pk>/step/<str:action>/", views.case_step, name="case_step"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("notices/", views.notices, name="notices"),
]
