"""Answers to event invitations by SMS: "JA 57" / "NEJ 57"."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from ambassadors.models import Ambassador, BuddyRequest
from ambassadors.services import ApplicationError
from events import texts
from events.models import Event, Invitation
from events.services import rsvp


def _guest_invitations(
    ambassador: Ambassador | None, buddy_request: BuddyRequest | None
) -> list[Invitation]:
    who = Q(pk__in=[])
    if ambassador is not None:
        who |= Q(ambassador=ambassador)
    if buddy_request is not None:
        who |= Q(buddy_request=buddy_request)
    return list(
        Invitation.objects.filter(
            who, event__status=Event.Status.PUBLISHED, event__starts_at__gt=timezone.now()
        )
        .select_related("event")
        .order_by("event__starts_at")
    )


def invitation_by_code(
    *, ambassador: Ambassador | None, buddy_request: BuddyRequest | None, code: str
) -> Invitation | None:
    for invitation in _guest_invitations(ambassador, buddy_request):
        if str(invitation.event.code) == code.lstrip("0"):
            return invitation
    return None


def open_invitations(
    *, ambassador: Ambassador | None, buddy_request: BuddyRequest | None
) -> list[Invitation]:
    """Invitations still waiting for an answer, or a freed place waiting for a yes."""
    waiting = (Invitation.Status.INVITED, Invitation.Status.PLACE_OFFERED)
    return [i for i in _guest_invitations(ambassador, buddy_request) if i.status in waiting]


def invitation_answer(*, invitation: Invitation, going: bool, language: str) -> tuple[str, str]:
    """Act on a yes or no; returns the answer to send back and what happened."""
    try:
        status = rsvp(invitation=invitation, going=going, channel=Invitation.Channel.SMS)
    except ApplicationError as error:
        return error.message, f"late answer to event {invitation.event.code}"
    answer = texts.answer_text(event=invitation.event, status=status, language=language)
    return answer, f"event {invitation.event.code}: {status}"
