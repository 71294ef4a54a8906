from django.urls import path

from workspace.meetups import views

urlpatterns = [
    path("", views.meetups, name="meetups"),
    path("new/", views.meetup_new, name="meetup_new"),
    path("<int:event_id>/", views.meetup, name="meetup"),
    path("<int:event_id>/publish/", views.meetup_publish, name="meetup_publish"),
    path("<int:event_id>/cancel/", views.meetup_cancel, name="meetup_cancel"),
]
