from django.urls import path

from workspace.desk import views

urlpatterns = [
    path("", views.today, name="today"),
]
