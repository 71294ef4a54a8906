from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api.voice import VoiceStatusWebhook, VoiceWebhook
from api.webhooks import InboundSmsWebhook, StatusWebhook
from events.views import event_list

admin.site.site_header = _("Ambassador Network")
admin.site.site_title = _("Ambassador Network")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("webhooks/twilio/sms/", InboundSmsWebhook.as_view(), name="twilio-sms"),
    path("webhooks/twilio/status/", StatusWebhook.as_view(), name="twilio-status"),
    path("webhooks/twilio/voice/", VoiceWebhook.as_view(), name="twilio-voice"),
    path("webhooks/twilio/voice/status/", VoiceStatusWebhook.as_view(), name="twilio-voice-status"),
    path("events/", include("events.urls")),
    path("workspace/", include("workspace.urls")),
    *i18n_patterns(
        path("", include("ambassadors.urls")),
        # An ambassador's own pages live in `events`: they show matches, meetups and shifts.
        path("me/", include("events.me_urls")),
        path("events/", event_list, name="event_list"),
        prefix_default_language=True,
    ),
]
