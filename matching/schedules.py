from typing import Any

from django.conf import settings
from django_q.models import Schedule

SCHEDULE_NAME = "matching: run over waiting requests"


def schedule_register(**kwargs: Any) -> None:
    """Keep the periodic run's django-q2 schedule in step with MATCH_SCHEDULE_MINUTES.

    Called after every migrate, so a changed setting takes effect on the next deploy.
    """
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "matching.tasks.match_run_scheduled",
            "schedule_type": Schedule.MINUTES,
            "minutes": settings.MATCH_SCHEDULE_MINUTES,
            "repeats": -1,
        },
    )
