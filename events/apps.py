from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetups")

    def ready(self) -> None:
        from ambassadors.privacy import privacy_part_register
        from events.privacy import EventsPart
        from events.schedules import schedule_register

        post_migrate.connect(schedule_register, sender=self)
        # Export, erasure and consent withdrawal reach this app's rows through it.
        privacy_part_register(EventsPart())
