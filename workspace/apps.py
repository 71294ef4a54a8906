from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The coordinators' workspace: today's work, pictures, reports and imports.

    It reads from and acts through the other apps' selectors and services, and
    nothing imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "workspace"
    verbose_name = _("Coordinator workspace")
