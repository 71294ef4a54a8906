from typing import Any

from django.conf import settings
from django_q.models import Schedule

SCHEDULE_NAME = "matching: run over waiting requests"
OFFERS_SCHEDULE_NAME = "matching: pass on unanswered offers"
FOLLOWUPS_SCHEDULE_NAME = "matching: ask matched pairs whether they have met"


def schedule_register(**kwargs: Any) -> None:
    """Keep the matching schedules in step with the settings.

    Called after every migrate, so a changed setting takes effect on the next deploy.
    """
    for name, func, minutes in (
        (SCHEDULE_NAME, "matching.tasks.match_run_scheduled", settings.MATCH_SCHEDULE_MINUTES),
        (OFFERS_SCHEDULE_NAME, "matching.tasks.offers_expire_scheduled", 1),
        (FOLLOWUPS_SCHEDULE_NAME, "matching.tasks.followups_send_scheduled", 5),
    ):
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
            },
        )
