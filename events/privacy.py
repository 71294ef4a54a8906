"""What events hold about a person, for export, erasure and consent withdrawal.

Registered with ambassadors.privacy from EventsConfig.ready(): the ambassadors
app runs it without importing this app (see `PersonPart` there).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from ambassadors.privacy import Erasure, Subjects, rows_export
from events.hotline import _gaps_refresh
from events.models import (
    Absence,
    Availability,
    Event,
    HotlineVolunteer,
    Invitation,
    Reminder,
    Shift,
    ShiftAssignment,
)
from events.services import waitlist_promote
from matching.models import Match


class EventsPart:
    """Invitations and their reminders, buddy meetings, and hotline volunteering."""

    label = "events"
    # First: buddy meetings are found through matching's matches, which must still be there.
    stage = 10

    def export(self, subjects: Subjects) -> dict[str, list[dict[str, object]]]:
        theirs = subjects.theirs
        volunteering = {"volunteer__ambassador_id__in": subjects.ambassador_ids}
        return {
            "events.invitation": rows_export(Invitation.objects.filter(theirs)),
            "events.reminder": rows_export(
                Reminder.objects.filter(invitation__in=Invitation.objects.filter(theirs))
            ),
            "events.event": rows_export(_buddy_meetings(subjects)),
            "events.hotlinevolunteer": rows_export(
                HotlineVolunteer.objects.filter(ambassador_id__in=subjects.ambassador_ids)
            ),
            "events.availability": rows_export(Availability.objects.filter(**volunteering)),
            "events.absence": rows_export(Absence.objects.filter(**volunteering)),
            "events.shiftassignment": rows_export(ShiftAssignment.objects.filter(**volunteering)),
        }

    def contacts(self, subjects: Subjects) -> tuple[set[int], set[int]]:
        """Their fellow volunteers: a swap offer names the volunteer."""
        fellows = HotlineVolunteer.objects.filter(
            hotline__volunteers__ambassador_id__in=subjects.ambassador_ids
        ).values_list("ambassador_id", flat=True)
        return set(fellows), set()

    def release(self, subjects: Subjects, *, now: datetime) -> None:
        """They leave the shifts to come (the places show as gaps) and the events to come
        (their places go to the waiting list)."""
        coming = ShiftAssignment.objects.filter(
            volunteer__ambassador_id__in=subjects.ambassador_ids, shift__starts_at__gt=now
        )
        shift_ids = set(coming.values_list("shift_id", flat=True))
        coming.delete()
        for shift in Shift.objects.filter(id__in=shift_ids).select_related("hotline"):
            _gaps_refresh(shift)
        HotlineVolunteer.objects.filter(ambassador_id__in=subjects.ambassador_ids).update(
            active=False
        )

        upcoming = Invitation.objects.filter(subjects.theirs, event__starts_at__gt=now)
        Reminder.objects.filter(invitation__in=upcoming, status=Reminder.Status.PENDING).delete()
        freed = set(
            upcoming.filter(
                status__in=[Invitation.Status.GOING, Invitation.Status.PLACE_OFFERED]
            ).values_list("event_id", flat=True)
        )
        upcoming.exclude(status=Invitation.Status.DECLINED).update(
            status=Invitation.Status.DECLINED, answered_at=now
        )
        for event in Event.objects.select_for_update().filter(
            id__in=freed, status=Event.Status.PUBLISHED
        ):
            waitlist_promote(event=event)

    def erase(self, subjects: Subjects, erasure: Erasure, *, now: datetime) -> None:
        theirs = subjects.theirs
        # Buddy meetings carry both first names in their titles and count in no report.
        erasure.delete(_buddy_meetings(subjects))
        # Invitations to what has happened stay as the report's participants;
        # those to what is still to come were declined by `release` and go.
        erasure.delete(Invitation.objects.filter(theirs, event__starts_at__gt=now))
        erasure.delete(
            Reminder.objects.filter(
                invitation__in=Invitation.objects.filter(theirs), status=Reminder.Status.PENDING
            )
        )
        erasure.delete(HotlineVolunteer.objects.filter(ambassador_id__in=subjects.ambassador_ids))

    def requests_served(self) -> models.QuerySet[Any] | None:
        return None  # an invitation is no match: retention counts matches only


def _buddy_meetings(subjects: Subjects) -> models.QuerySet[Event]:
    return Event.objects.filter(
        kind=Event.Kind.BUDDY_MEETING, match__in=Match.objects.filter(subjects.theirs)
    )
