from django.urls import path

from ambassadors import newcomer_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("buddy/", views.buddy_request_create, name="buddy_request_create"),
    path("buddy/thanks/", views.buddy_request_thanks, name="buddy_request_thanks"),
    path("ambassador/", views.ambassador_create, name="ambassador_create"),
    path("ambassador/thanks/", views.ambassador_thanks, name="ambassador_thanks"),
    path("request/<str:token>/", newcomer_views.request_page, name="newcomer_request"),
]
