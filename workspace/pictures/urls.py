from django.urls import path

from workspace.pictures import views

urlpatterns = [
    path("", views.pictures, name="pictures"),
]
