from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Ambassador Network")
admin.site.site_title = _("Ambassador Network")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    *i18n_patterns(path("", include("ambassadors.urls")), prefix_default_language=True),
]
