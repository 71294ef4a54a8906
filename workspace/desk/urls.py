from django.urls import path

from workspace.desk import views

urlpatterns = [
    path("", views.today, name="today"),
    path("matching/run/", views.run_matching, name="match_run"),
    path("proposals/<int:proposal_id>/approve/", views.approve, name="proposal_approve"),
    path("proposals/<int:proposal_id>/pick/", views.pick, name="proposal_pick"),
    path("proposals/<int:proposal_id>/reject/", views.reject, name="proposal_reject"),
    path("texts/<int:text_id>/dealt-with/", views.text_dealt_with, name="text_dealt_with"),
]
