"""/workspace/: one place for coordinators to run the network."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

app_name = "workspace"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="workspace/registration/login.html",
            redirect_authenticated_user=True,
            next_page=reverse_lazy("workspace:today"),
        ),
        name="login",
    ),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("workspace:login")),
        name="logout",
    ),
    path("", include("workspace.desk.urls")),
    path("people/", include("workspace.people.urls")),
    path("meetups/", include("workspace.meetups.urls")),
    path("pictures/", include("workspace.pictures.urls")),
    path("reports/", include("workspace.reports.urls")),
    path("import/", include("workspace.imports.urls")),
]
