from django.urls import path

from workspace.people import views

urlpatterns = [
    path("", views.people, name="people"),
    path("<int:ambassador_id>/pause/", views.pause, name="people_pause"),
    path("<int:ambassador_id>/resume/", views.resume, name="people_resume"),
]
