"""Reads for the people page: finding someone, and how busy each ambassador is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import phonenumbers
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ambassadors.models import Ambassador, BuddyRequest
from events.models import Event, Invitation, Rota, ShiftAssignment
from matching.models import Match

# How far back and ahead the load table looks.
LOAD_WINDOW = timedelta(days=30)
# A search shows this many of each kind; more means the words were too vague to be useful.
SEARCH_LIMIT = 25
# Fewer characters than this would list half the network.
SEARCH_MIN_LENGTH = 2
# Fewer digits than this match too many numbers to be worth a phone search.
PHONE_MIN_DIGITS = 4

_PHONE_SPELLING = re.compile(r"^\+?[\d\s()./-]+$")


User = AbstractBaseUser | AnonymousUser


def phone_e164(text: str) -> str | None:
    """A whole phone number as stored (+46701740605), from any common spelling; else None.

    "070-174 06 05", "0701740605", "+46 70 174 06 05", "0046 70…" and "46 70…" are
    all the same Swedish mobile; numbers from abroad need their + or 00.
    """
    text = text.strip()
    if not _PHONE_SPELLING.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    spellings = [text]
    # Pasted from a spreadsheet, the + of "+46…" is often lost.
    if digits.startswith("46") and not text.startswith(("+", "0")):
        spellings.append(f"+{digits}")
    for spelling in spellings:
        try:
            number = phonenumbers.parse(spelling, "SE")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _phone_filter(text: str) -> Q | None:
    """Whose stored number (+46701740605) the text is, or holds a part of."""
    whole = phone_e164(text)
    if whole is not None:
        return Q(phone=whole)
    text = text.strip()
    if not _PHONE_SPELLING.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) < PHONE_MIN_DIGITS:
        return None
    if text.startswith("+"):
        return Q(phone__startswith=f"+{digits}")
    if digits.startswith("00"):
        return Q(phone__startswith=f"+{digits[2:]}")
    if digits.startswith("0"):
        # "070 174" is the start of a Swedish number, its 0 being +46 in the stored
        # spelling; "0605" is more likely the end of one. Either will do.
        return Q(phone__startswith=f"+46{digits[1:]}") | Q(phone__contains=digits)
    return Q(phone__contains=digits)


def _words_filter(text: str, fields: tuple[str, ...]) -> Q:
    """Every word in one of the fields: "anna berg" finds Anna Berg and Annabelle Bergström."""
    combined = Q()
    for word in text.split():
        either = Q()
        # SQLite ignores case for ASCII letters only: "åsa" would miss Åsa without
        # the capitalised spelling. PostgreSQL needs none of this, and minds none of it.
        for spelling in {word, word.lower(), word.capitalize()}:
            for field in fields:
                either |= Q(**{f"{field}__icontains": spelling})
        combined &= either
    return combined


@dataclass(frozen=True)
class Found:
    """What a search found of one kind: the first SEARCH_LIMIT, and how many there were."""

    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class SearchResult:
    ambassadors: Found
    buddy_requests: Found

    @property
    def empty(self) -> bool:
        return not (self.ambassadors.total or self.buddy_requests.total)


def _found(queryset: QuerySet[Any]) -> Found:
    return Found(rows=list(queryset[:SEARCH_LIMIT]), total=queryset.count())


def people_search(*, user: User, query: str) -> SearchResult | None:
    """Ambassadors and buddy requests `user` may see, by name, phone number or email.

    None when the query is too short to search for.
    """
    query = query.strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return None
    phone = _phone_filter(query)
    ambassador_match = _words_filter(query, ("first_name", "last_name", "email"))
    request_match = _words_filter(query, ("first_name", "last_name"))
    if phone is not None:
        ambassador_match |= phone
        request_match |= phone
    ambassadors = (
        Ambassador.objects.visible_to(user)
        .filter(ambassador_match)
        .select_related("home_municipality")
        .order_by("first_name", "last_name", "id")
    )
    buddy_requests = (
        BuddyRequest.objects.visible_to(user)
        .filter(request_match)
        .select_related("municipality")
        .order_by("-created_at", "id")
    )
    return SearchResult(ambassadors=_found(ambassadors), buddy_requests=_found(buddy_requests))


def _count(rows: QuerySet[Any], *, link: str) -> Coalesce:
    """How many of `rows` point at the outer ambassador through `link`, as one subquery.

    Subqueries rather than joins: several Counts over joins multiply each other's rows.
    """
    counted = (
        rows.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# The load table's columns that sort, by the name the page uses in ?sort=.
LOAD_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "last_name"),
    "municipality": ("home_municipality__name", "first_name", "last_name"),
    "buddies": ("active_buddies",),
    "free": ("free_places",),
    "capacity": ("capacity",),
    "shifts_past": ("shifts_past",),
    "shifts_next": ("shifts_next",),
    "events_past": ("events_past",),
    "events_next": ("events_next",),
    "paused": ("paused_now",),
}
DEFAULT_SORT = "name"


def load_sort(value: str | None) -> tuple[str, bool]:
    """(column, descending) from ?sort=free or ?sort=-free; unknown columns sort by name."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    column = value.removeprefix("-")
    if column not in LOAD_SORTS:
        return DEFAULT_SORT, False
    return column, descending


def ambassador_load(
    *,
    user: User,
    now: datetime,
    today: date,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    paused_only: bool = False,
) -> QuerySet[Ambassador]:
    """Active ambassadors `user` may see, each annotated with how busy they are.

    active_buddies, free_places (capacity left), shifts_past / shifts_next (on
    published rotas, LOAD_WINDOW either side of `now`), events_past (checked in
    at the door) / events_next (said they are coming), paused_now (their
    paused_until if it has not passed, else None). `paused_only` keeps those with
    a pause that has not run out.
    """
    shifts = ShiftAssignment.objects.filter(shift__rota__status=Rota.Status.PUBLISHED)
    invitations = Invitation.objects.exclude(event__status=Event.Status.CANCELLED)
    load = (
        Ambassador.objects.visible_to(user)
        .filter(active=True)
        .select_related("home_municipality")
        .annotate(
            active_buddies=_count(
                Match.objects.filter(status=Match.Status.ACTIVE), link="ambassador"
            ),
            shifts_past=_count(
                shifts.filter(shift__starts_at__gte=now - LOAD_WINDOW, shift__starts_at__lt=now),
                link="volunteer__ambassador",
            ),
            shifts_next=_count(
                shifts.filter(shift__starts_at__gte=now, shift__starts_at__lt=now + LOAD_WINDOW),
                link="volunteer__ambassador",
            ),
            events_past=_count(
                invitations.filter(
                    attended=True,
                    event__starts_at__gte=now - LOAD_WINDOW,
                    event__starts_at__lt=now,
                ),
                link="ambassador",
            ),
            events_next=_count(
                invitations.filter(
                    status=Invitation.Status.GOING,
                    event__status=Event.Status.PUBLISHED,
                    event__starts_at__gte=now,
                    event__starts_at__lt=now + LOAD_WINDOW,
                ),
                link="ambassador",
            ),
        )
        .annotate(free_places=F("capacity") - F("active_buddies"))
        # A pause that has run out is no pause: it shows and sorts as none.
        .annotate(
            paused_now=Case(
                When(paused_until__gte=today, then=F("paused_until")),
                default=None,
                output_field=DateField(),
            )
        )
    )
    if paused_only:
        load = load.filter(paused_until__gte=today)
    return load.order_by(*_ordering(sort, descending))


def _ordering(column: str, descending: bool) -> list[OrderBy]:
    orders = [
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        for field in LOAD_SORTS[column]
    ]
    # Ties in name order, and the id last so pages never swap rows between them.
    return [*orders, F("first_name").asc(), F("last_name").asc(), F("id").asc()]
