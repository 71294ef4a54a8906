from django.urls import path

from workspace.imports import views

urlpatterns = [
    path("", views.upload, name="import"),
]
