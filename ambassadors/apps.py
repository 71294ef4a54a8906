from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = _("People and places")

    def ready(self) -> None:
        from ambassadors.checks import outbox_timing_check, q_cluster_timing_check
        from ambassadors.schedules import schedule_register

        post_migrate.connect(schedule_register, sender=self)
        # Every management command runs these, qcluster too: the worker refuses to start.
        checks.register(q_cluster_timing_check)
        checks.register(outbox_timing_check)
