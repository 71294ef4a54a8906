from typing import Any

from django_q.models import Schedule

REMINDERS_SCHEDULE_NAME = "events: send reminders that are due"
WAITLIST_SCHEDULE_NAME = "events: pass on unconfirmed freed places"
SHIFT_REMINDERS_SCHEDULE_NAME = "events: remind hotline volunteers of their shifts"
VOICEMAIL_SCHEDULE_NAME = "events: delete voicemails past their retention"


def schedule_register(**kwargs: Any) -> None:
    """Keep the meetup and hotline schedules in place; called after every migrate."""
    for name, func in (
        (REMINDERS_SCHEDULE_NAME, "events.tasks.reminders_dispatch_scheduled"),
        (WAITLIST_SCHEDULE_NAME, "events.tasks.waitlist_expire_scheduled"),
        (SHIFT_REMINDERS_SCHEDULE_NAME, "events.tasks.shift_reminders_scheduled"),
    ):
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": 1,
                "repeats": -1,
            },
        )
    Schedule.objects.update_or_create(
        name=VOICEMAIL_SCHEDULE_NAME,
        defaults={
            "func": "events.tasks.voicemails_forget_scheduled",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
