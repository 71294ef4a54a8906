from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from ambassadors.privacy import privacy_part_register
        from matching.privacy import MatchingPart
        from matching.schedules import schedule_register

        post_migrate.connect(schedule_register, sender=self)
        # Export, erasure and consent withdrawal reach this app's rows through it.
        privacy_part_register(MatchingPart())
