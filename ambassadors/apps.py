from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = _("People and places")

    def ready(self) -> None:
        from ambassadors.schedules import schedule_register

        post_migrate.connect(schedule_register, sender=self)
