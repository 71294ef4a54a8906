from django.urls import path

from workspace.imports import views

urlpatterns = [
    path("", views.upload, name="import"),
    path("preview/", views.preview, name="import_preview"),
    path("commit/", views.commit, name="import_commit"),
    path("cancel/", views.cancel, name="import_cancel"),
    path("template/<slug:kind>.csv", views.template, name="import_template"),
]
