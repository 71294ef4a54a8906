from django.urls import path

from workspace.people import views

urlpatterns = [
    path("", views.people, name="people"),
]
