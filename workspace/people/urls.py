from django.urls import path

from workspace.people import privacy, views

urlpatterns = [
    path("", views.people, name="people"),
    path("<int:ambassador_id>/pause/", views.pause, name="people_pause"),
    path("<int:ambassador_id>/resume/", views.resume, name="people_resume"),
    path("ambassador/<int:ambassador_id>/", views.ambassador, name="ambassador"),
    path("ambassador/<int:ambassador_id>/activate/", views.activate, name="ambassador_activate"),
    path(
        "ambassador/<int:ambassador_id>/deactivate/",
        views.deactivate,
        name="ambassador_deactivate",
    ),
    path("request/<int:request_id>/", views.buddy_request, name="buddy_request"),
    path("<str:kind>/<int:key>/export/", privacy.export, name="person_export"),
    path("<str:kind>/<int:key>/erase/", privacy.erase, name="person_erase"),
]
