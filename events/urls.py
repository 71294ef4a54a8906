"""Meetup pages outside the /<lang>/ paths: calendar files, signed personal links and
the coordinators' hotline pages.

The public listing lives under /<lang>/events/ (see config/urls.py).
"""

from django.urls import path

from events import hotline_views, views

app_name = "events"

urlpatterns = [
    path("feed.ics", views.public_feed, name="feed"),
    path("<int:event_id>.ics", views.event_ics, name="event_ics"),
    path("<int:event_id>/checkin/", views.checkin, name="checkin"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("i/<str:token>/", views.invitation_page, name="invitation"),
    path("i/<str:token>.ics", views.invitation_ics, name="invitation_ics"),
    path("me/<str:token>/", views.ambassador_page, name="ambassador_page"),
    path("hotline/", hotline_views.hotline_list, name="hotline_list"),
    path("hotline/<int:hotline_id>/rota/new/", hotline_views.rota_new, name="hotline_rota_new"),
    path(
        "hotline/<int:hotline_id>/rota/<int:rota_id>/",
        hotline_views.rota_page,
        name="hotline_rota",
    ),
    path("hotline/<int:hotline_id>/calls/", hotline_views.call_stats, name="hotline_calls"),
]
