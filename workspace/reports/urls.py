from django.urls import path

from workspace.reports import views

urlpatterns = [
    path("", views.reports, name="reports"),
]
