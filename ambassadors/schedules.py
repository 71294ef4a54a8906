from typing import Any

from django_q.models import Schedule

SCHEDULE_NAME = "sms: send texts whose time has come"


def schedule_register(**kwargs: Any) -> None:
    """Every minute, send the texts that waited out the quiet hours or a retry pause."""
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "ambassadors.tasks.sms_dispatch_due_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
