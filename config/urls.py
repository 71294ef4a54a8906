from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ambassador Network"
admin.site.site_title = "Ambassador Network"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    *i18n_patterns(path("", include("ambassadors.urls")), prefix_default_language=True),
]
