"""Reads for the meetup pages: the events a coordinator sees, and who answered what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from events.models import Event, Invitation
from events.services import audience

Status = Invitation.Status
# A freed place offered to someone on the waiting list is still theirs to lose:
# the coordinator reads both as "waiting".
WAITING = (Status.WAITLISTED, Status.PLACE_OFFERED)


def meetups_for(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Event]:
    """The events `user` sees, each with its answers counted.

    Buddy meetings are left out: a pair plans them from their match, and there
    are many more of them than meetups.
    """
    return (
        Event.objects.visible_to(user)
        .exclude(kind=Event.Kind.BUDDY_MEETING)
        .select_related("municipality")
        .annotate(
            going=Count("invitations", filter=Q(invitations__status=Status.GOING)),
            waiting=Count("invitations", filter=Q(invitations__status__in=WAITING)),
            declined=Count("invitations", filter=Q(invitations__status=Status.DECLINED)),
            unanswered=Count("invitations", filter=Q(invitations__status=Status.INVITED)),
        )
    )


def meetups_upcoming(*, user: AbstractBaseUser | AnonymousUser, now: datetime) -> QuerySet[Event]:
    """Events not yet over, soonest first (drafts, published and cancelled alike)."""
    return meetups_for(user=user).filter(ends_at__gt=now).order_by("starts_at", "id")


def meetups_past(*, user: AbstractBaseUser | AnonymousUser, now: datetime) -> QuerySet[Event]:
    """Events that are over, the latest first."""
    return meetups_for(user=user).filter(ends_at__lte=now).order_by("-starts_at", "-id")


@dataclass(frozen=True)
class Answers:
    """An event's invitations by answer, each list in the order people answered."""

    going: list[Invitation]
    waiting: list[Invitation]
    declined: list[Invitation]
    unanswered: list[Invitation]


def meetup_answers(*, event: Event) -> Answers:
    invitations = list(
        event.invitations.select_related(
            "ambassador__home_municipality", "buddy_request__municipality"
        ).order_by("answered_at", "invited_at", "id")
    )
    waiting = sorted(
        (i for i in invitations if i.status in WAITING),
        key=lambda i: (i.waitlisted_at is None, i.waitlisted_at, i.id),
    )
    return Answers(
        going=[i for i in invitations if i.status == Status.GOING],
        waiting=waiting,
        declined=[i for i in invitations if i.status == Status.DECLINED],
        unanswered=[i for i in invitations if i.status == Status.INVITED],
    )


@dataclass(frozen=True)
class AudienceSize:
    ambassadors: int
    households: int


def meetup_audience_size(*, event: Event) -> AudienceSize:
    """How many people publishing would text an invitation to."""
    ambassadors, households = audience(event)
    return AudienceSize(ambassadors=ambassadors.count(), households=households.count())


def meetup_to_notify(*, event: Event) -> int:
    """How many guests cancelling would text: those coming or waiting."""
    if event.published_at is None:
        return 0
    return event.invitations.filter(status__in=[Status.GOING, *WAITING]).count()
