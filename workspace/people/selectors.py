"""Reads for the people pages: finding someone, how busy each ambassador is, and what
one ambassador's or one household's page shows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
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
from django.utils import timezone
from django.utils.translation import get_language

from ambassadors.models import Ambassador, BuddyRequest, Consent
from ambassadors.outbox import is_opted_out
from ambassadors.validators import phone_read
from events.models import Event, HotlineVolunteer, Invitation, Rota, ShiftAssignment
from matching.explain import explanation, explanation_language
from matching.models import Match, Offer, Proposal

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
    return phone_read(text)


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


# How many hotline shifts either side of now, and events answered, one page lists.
SHIFTS_SHOWN = 3
EVENTS_SHOWN = 10
# Still without a buddy: not yet proposed, proposed, or offered.
WAITING = (BuddyRequest.Status.NEW, BuddyRequest.Status.MATCHING, BuddyRequest.Status.OFFERED)


def reasons_explained(
    reasons: Mapping[str, Any], *, stored: str = "", stored_language: str = ""
) -> str:
    """A proposal's or candidate's reasons as sentences in the reader's language."""
    # The stored explanation is in the newcomer's language, which the
    # coordinator may not read: it is rewritten in theirs when they differ.
    language = explanation_language((get_language() or "en")[:2])
    if stored and stored_language == language:
        return stored
    return explanation(reasons, language=language)


def has_worked() -> Q:
    """Ambassadors who have been proposed, offered or matched: they were active then.

    Nothing records when someone was activated. This tells someone who signed up
    and is still to be met from someone a coordinator has deactivated since.
    """
    return (
        Q(Exists(Proposal.objects.filter(ambassador=OuterRef("pk"))))
        | Q(Exists(Offer.objects.filter(ambassador=OuterRef("pk"))))
        | Q(Exists(Match.objects.filter(ambassador=OuterRef("pk"))))
    )


def consent_withdrawn() -> Q:
    """Ambassadors who may no longer be one: every consent to it withdrawn, or erased.

    The rule is `Ambassador.objects.in_service()`, the one matching and events
    read. An erasure withdraws every consent, so the erased count as withdrawn
    too, and nobody can activate them.
    """
    return ~Q(pk__in=Ambassador.objects.in_service().values("pk"))


def ambassadors_to_meet(*, user: User) -> QuerySet[Ambassador]:
    """Signed up or imported, not active yet, and not withdrawn: the oldest first."""
    return (
        Ambassador.objects.visible_to(user)
        .filter(active=False)
        .exclude(has_worked())
        .exclude(consent_withdrawn())
        .select_related("home_municipality")
        .prefetch_related("language_levels__language")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class AmbassadorPage:
    """Everything one ambassador's page shows.

    Households and events in municipalities the coordinator does not see are
    named (a first name, a title) but not linked: their pages would be a 404.
    """

    ambassador: Ambassador
    paused: bool
    has_worked: bool
    consent: Consent | None
    consent_withdrawn: bool
    opted_out: bool
    buddies: list[Match]
    offers: list[Offer]
    hotlines: list[HotlineVolunteer]
    shifts_past: list[ShiftAssignment]
    shifts_next: list[ShiftAssignment]
    events: Found
    visible_requests: set[int]
    visible_events: set[int]


def ambassador_page(*, user: User, ambassador: Ambassador, now: datetime) -> AmbassadorPage:
    """What `user` sees of `ambassador`, who they have already been allowed to see."""
    today = timezone.localdate(now)
    buddies = list(
        ambassador.matches.filter(status=Match.Status.ACTIVE)
        .select_related("buddy_request")
        .order_by("created_at", "id")
    )
    offers = list(
        ambassador.offers.filter(status=Offer.Status.OPEN)
        .select_related("buddy_request")
        .order_by("expires_at", "id")
    )
    assignments = ShiftAssignment.objects.filter(
        volunteer__ambassador=ambassador, shift__rota__status=Rota.Status.PUBLISHED
    ).select_related("shift__hotline", "language")
    invitations = (
        ambassador.invitations.exclude(status=Invitation.Status.INVITED)
        .select_related("event__municipality")
        .order_by("-event__starts_at", "-id")
    )
    events = _found_first(invitations, EVENTS_SHOWN)
    households = {match.buddy_request_id for match in buddies} | {
        offer.buddy_request_id for offer in offers
    }
    this_one = Ambassador.objects.filter(id=ambassador.id)
    return AmbassadorPage(
        ambassador=ambassador,
        paused=ambassador.is_paused(today),
        has_worked=this_one.filter(has_worked()).exists(),
        consent=ambassador.consents.filter(purpose=Consent.Purpose.AMBASSADOR).first(),
        consent_withdrawn=this_one.filter(consent_withdrawn()).exists(),
        opted_out=is_opted_out(ambassador.phone),
        buddies=buddies,
        offers=offers,
        hotlines=list(
            ambassador.hotline_volunteering.select_related("hotline").order_by("hotline__name")
        ),
        # A shift under way is still to be done: it is among the next ones.
        shifts_past=list(
            assignments.filter(shift__ends_at__lte=now).order_by("-shift__starts_at")[:SHIFTS_SHOWN]
        ),
        shifts_next=list(
            assignments.filter(shift__ends_at__gt=now).order_by("shift__starts_at")[:SHIFTS_SHOWN]
        ),
        events=events,
        visible_requests=set(
            BuddyRequest.objects.visible_to(user)
            .filter(id__in=households)
            .values_list("id", flat=True)
        ),
        visible_events=set(
            Event.objects.visible_to(user)
            .exclude(kind=Event.Kind.BUDDY_MEETING)
            .filter(id__in=[invitation.event_id for invitation in events.rows])
            .values_list("id", flat=True)
        ),
    )


def _found_first(queryset: QuerySet[Any], limit: int) -> Found:
    return Found(rows=list(queryset[:limit]), total=queryset.count())


@dataclass(frozen=True)
class ExplainedProposal:
    proposal: Proposal
    explanation: str


@dataclass(frozen=True)
class RequestPage:
    """Everything one household's page shows.

    `waiting_days` while they wait for a buddy; `waited_days` once they have one:
    from their request to the match.
    """

    buddy_request: BuddyRequest
    waiting_days: int | None
    waited_days: int | None
    consent: Consent | None
    opted_out: bool
    proposals: list[ExplainedProposal]
    offers: list[Offer]
    matches: list[Match]
    visible_ambassadors: set[int]


def request_page(*, user: User, buddy_request: BuddyRequest, now: datetime) -> RequestPage:
    """What `user` sees of `buddy_request`, which they have already been allowed to see."""
    today = timezone.localdate(now)
    asked = timezone.localdate(buddy_request.created_at)
    proposals = list(
        buddy_request.proposals.select_related("run", "ambassador__home_municipality")
        .select_related("decided_by")
        .order_by("-run__started_at", "-id")
    )
    offers = list(buddy_request.offers.select_related("ambassador").order_by("-created_at", "-id"))
    matches = list(
        buddy_request.matches.select_related("ambassador__home_municipality").order_by(
            "-created_at", "-id"
        )
    )
    active = next((match for match in matches if match.status == Match.Status.ACTIVE), None)
    waiting = active is None and buddy_request.status in WAITING
    ambassadors = (
        {proposal.ambassador_id for proposal in proposals}
        | {offer.ambassador_id for offer in offers}
        | {match.ambassador_id for match in matches}
    )
    return RequestPage(
        buddy_request=buddy_request,
        waiting_days=(today - asked).days if waiting else None,
        waited_days=(timezone.localdate(active.created_at) - asked).days if active else None,
        consent=buddy_request.consents.first(),
        opted_out=is_opted_out(buddy_request.phone),
        proposals=[
            ExplainedProposal(
                proposal=proposal,
                explanation=reasons_explained(
                    proposal.reasons,
                    stored=proposal.explanation,
                    stored_language=proposal.explanation_language,
                ),
            )
            for proposal in proposals
        ],
        offers=offers,
        matches=matches,
        visible_ambassadors=set(
            Ambassador.objects.visible_to(user)
            .filter(id__in=ambassadors)
            .values_list("id", flat=True)
        ),
    )
