from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Meetups")

    def ready(self) -> None:
        from events.schedules import schedule_register

        post_migrate.connect(schedule_register, sender=self)
