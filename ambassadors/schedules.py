from typing import Any

from django_q.models import Schedule

SCHEDULE_NAME = "sms: send texts whose time has come"
RETENTION_SCHEDULE_NAME = "privacy: anonymise requests past their retention"


def schedule_register(**kwargs: Any) -> None:
    """Every minute, send the texts that waited out the quiet hours or a retry pause;
    every day, apply the retention rules (RETENTION_CLOSED_MONTHS, RETENTION_UNMATCHED_MONTHS)."""
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "ambassadors.tasks.sms_dispatch_due_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    Schedule.objects.update_or_create(
        name=RETENTION_SCHEDULE_NAME,
        defaults={
            "func": "ambassadors.tasks.retention_task",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
