"""Reads for the map and the charts: the database turned into plain figures.

Every figure is scoped like the rest of the workspace: a coordinator counts
the people of their own municipalities, a region admin everyone.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count
from django.utils import timezone

from ambassadors.models import BuddyRequest, Municipality, Road
from ambassadors.selectors import municipalities_choosable_by
from events.models import Call, Event, Hotline, Invitation
from matching.models import Match, Offer
from matching.services import ambassadors_with_room, waiting_requests

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class MunicipalityLoad:
    """One municipality's waiting requests against its ambassadors' free places.

    `mine` is False for a municipality outside the coordinator's: it is on the
    map for orientation, with every figure 0.
    """

    municipality: Municipality
    mine: bool
    waiting: int
    ambassadors_with_room: int
    free_places: int


def municipality_loads(*, user: User) -> list[MunicipalityLoad]:
    """Every municipality, by name, with what the matching engine would see in it now.

    Waiting and free are the engine's own definitions (matching.services), so
    the map and the next run agree: a request waits until it has a match or an
    approved proposal; an open offer holds a place as a match does.
    """
    mine = set(municipalities_choosable_by(user=user).values_list("id", flat=True))
    waiting = dict(
        waiting_requests()
        .filter(municipality_id__in=mine)
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("municipality_id", "n")
    )
    with_room: dict[int, int] = {}
    free: dict[int, int] = {}
    # `free` is an aggregate already: summed here, not by a second GROUP BY over it.
    rows = (
        ambassadors_with_room()
        .filter(home_municipality_id__in=mine)
        .prefetch_related(None)
        # django-stubs cannot see `free`, which ambassadors_with_room annotates.
        .values_list("home_municipality_id", "free")  # type: ignore[misc]
    )
    for municipality_id, places in rows:
        with_room[municipality_id] = with_room.get(municipality_id, 0) + 1
        free[municipality_id] = free.get(municipality_id, 0) + places
    return [
        MunicipalityLoad(
            municipality=municipality,
            mine=municipality.id in mine,
            waiting=waiting.get(municipality.id, 0),
            ambassadors_with_room=with_room.get(municipality.id, 0),
            free_places=free.get(municipality.id, 0),
        )
        for municipality in Municipality.objects.order_by("name")
    ]


def roads() -> list[Road]:
    """The travel graph's edges: reference data, the same for every coordinator."""
    return list(Road.objects.select_related("start", "end").order_by("minutes", "id"))


# Figures over time.


class Period(StrEnum):
    MONTHS = "months"
    WEEKS = "weeks"


# How many months or weeks a chart shows, the current one last.
PERIOD_LENGTH = {Period.MONTHS: 12, Period.WEEKS: 26}


@dataclass(frozen=True)
class Bucket:
    """A calendar month or an ISO week, in Stockholm days: `start` up to, not with, `end`."""

    start: date
    end: date


def buckets(*, period: Period, today: date) -> list[Bucket]:
    """The last PERIOD_LENGTH months or weeks up to and with the one `today` is in."""
    count = PERIOD_LENGTH[period]
    if period is Period.WEEKS:
        monday = today - timedelta(days=today.weekday())
        starts = [monday - timedelta(weeks=count - 1 - i) for i in range(count + 1)]
    else:
        months = today.year * 12 + today.month - 1
        starts = [
            date(month // 12, month % 12 + 1, 1) for month in range(months - count + 1, months + 2)
        ]
    return [Bucket(start, end) for start, end in zip(starts, starts[1:], strict=False)]


@dataclass(frozen=True)
class Trends:
    """Per bucket, oldest first: what happened in the coordinator's municipalities."""

    period: Period
    buckets: list[Bucket]
    requests: list[int]
    matches: list[int]
    # Days from a request to its match, for the matches made in the bucket; None: no match.
    median_days_to_match: list[float | None]
    declines: list[int]
    # Guests who said they would come to the meetups that began in the bucket, and who came.
    meetup_going: list[int]
    meetup_attended: list[int]
    calls_answered: list[int]
    calls_voicemail: list[int]
    calls_missed: list[int]


class _Clock:
    """Puts moments into buckets by their Stockholm date."""

    def __init__(self, spans: list[Bucket]) -> None:
        self.starts = [bucket.start for bucket in spans]
        self.last_end = spans[-1].end
        self.since = timezone.make_aware(datetime.combine(spans[0].start, time()))
        self.until = timezone.make_aware(datetime.combine(self.last_end, time()))

    def index(self, moment: datetime) -> int | None:
        day = timezone.localtime(moment).date()
        if day < self.starts[0] or day >= self.last_end:
            return None
        return bisect_right(self.starts, day) - 1

    def count(self, moments: Iterable[datetime]) -> list[int]:
        counts = [0] * len(self.starts)
        for moment in moments:
            index = self.index(moment)
            if index is not None:
                counts[index] += 1
        return counts


def trends(*, user: User, period: Period, now: datetime) -> Trends:
    """Requests, matches, time to match, declines, meetups and calls per month or week.

    Rows are fetched as timestamps and counted here: a few thousand a year,
    and Python's median works the same on SQLite and PostgreSQL.
    """
    spans = buckets(period=period, today=timezone.localdate(now))
    clock = _Clock(spans)
    between = {"__gte": clock.since, "__lt": clock.until}

    def window(field: str) -> dict[str, datetime]:
        return {f"{field}{lookup}": moment for lookup, moment in between.items()}

    requests = BuddyRequest.objects.visible_to(user)
    created = requests.filter(**window("created_at")).values_list("created_at", flat=True)

    matches = Match.objects.filter(buddy_request__in=requests, **window("created_at"))
    match_times = list(matches.values_list("created_at", "buddy_request__created_at"))
    waits: list[list[float]] = [[] for _ in spans]
    for made, asked in match_times:
        index = clock.index(made)
        if index is not None:
            waits[index].append((made - asked).total_seconds() / 86400)

    declined = Offer.objects.filter(
        buddy_request__in=requests, status=Offer.Status.DECLINED, **window("answered_at")
    ).values_list("answered_at", flat=True)

    # Meetups only: a buddy meeting is two people's own arrangement, and an
    # event counts once it has begun, when its attendance can be known.
    meetups = (
        Event.objects.visible_to(user)
        .exclude(kind=Event.Kind.BUDDY_MEETING)
        .exclude(status=Event.Status.CANCELLED)
        .filter(starts_at__lte=now, **window("starts_at"))
    )
    guests = Invitation.objects.filter(event__in=meetups)
    going = guests.filter(status=Invitation.Status.GOING).values_list("event__starts_at", flat=True)
    attended = guests.filter(attended=True).values_list("event__starts_at", flat=True)

    calls = Call.objects.filter(
        hotline__in=Hotline.objects.visible_to(user), **window("started_at")
    )

    def calls_with(outcome: Call.Outcome) -> list[int]:
        return clock.count(calls.filter(outcome=outcome).values_list("started_at", flat=True))

    return Trends(
        period=period,
        buckets=spans,
        requests=clock.count(created),
        matches=clock.count(made for made, _asked in match_times),
        median_days_to_match=[round(statistics.median(w), 1) if w else None for w in waits],
        declines=clock.count(moment for moment in declined if moment is not None),
        meetup_going=clock.count(going),
        meetup_attended=clock.count(attended),
        calls_answered=calls_with(Call.Outcome.ANSWERED),
        calls_voicemail=calls_with(Call.Outcome.VOICEMAIL),
        calls_missed=calls_with(Call.Outcome.MISSED),
    )
