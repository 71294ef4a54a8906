from django.urls import path

from workspace.meetups import views

urlpatterns = [
    path("", views.meetups, name="meetups"),
]
