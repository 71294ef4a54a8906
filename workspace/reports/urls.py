from django.urls import path

from workspace.reports import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("export.csv", views.report_csv, name="report_csv"),
    path("export.xlsx", views.report_xlsx, name="report_xlsx"),
]
