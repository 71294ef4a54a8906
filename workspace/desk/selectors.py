"""Reads for today's page: what needs a coordinator, within their municipalities.

Every panel is a count and the first few items: the count says how much is
left, the items say where to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from ambassadors.models import Ambassador, BuddyRequest, InboundSms
from ambassadors.selectors import coordinator_municipalities
from events.models import Event, Hotline, Invitation, Rota, RotaGap
from matching.models import Match, Offer, Proposal
from matching.services import ambassadors_with_room
from workspace.people.selectors import WAITING, ambassadors_to_meet, reasons_explained

User = AbstractBaseUser | AnonymousUser
_T = TypeVar("_T")

# Enough to start the day with; the count tells how many more there are.
TOP = 8
# Each proposal carries its runners-up, so fewer fit on the page.
TOP_PROPOSALS = 5
# An offer closer than this to its deadline may still be saved by a phone call.
OFFER_WARNING = timedelta(hours=12)
FOLLOWUP_LOOKBACK = timedelta(days=30)
EVENT_HORIZON = timedelta(days=7)
GAP_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Panel(Generic[_T]):
    count: int
    items: list[_T]


def _panel(queryset: QuerySet[Any], top: int = TOP) -> Panel[Any]:
    return Panel(count=queryset.count(), items=list(queryset[:top]))


@dataclass(frozen=True)
class WaitingRequest:
    buddy_request: BuddyRequest
    days: int


@dataclass(frozen=True)
class Choice:
    """An ambassador a proposal could go to, explained in the coordinator's language."""

    ambassador: Ambassador
    score: float
    explanation: str
    # Approving or picking someone without room is refused by the service.
    has_room: bool


@dataclass(frozen=True)
class PendingProposal:
    proposal: Proposal
    proposed: Choice
    others: list[Choice]


@dataclass(frozen=True)
class EventAnswers:
    event: Event
    going: int
    place_offered: int
    waitlisted: int
    declined: int
    no_answer: int

    @property
    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - self.going - self.place_offered, 0)


@dataclass(frozen=True)
class Today:
    waiting: Panel[WaitingRequest]
    proposals: Panel[PendingProposal]
    offers: Panel[Offer]
    texts: Panel[InboundSms]
    new_matches: Panel[Match]
    events: Panel[EventAnswers]
    gaps: Panel[RotaGap]
    to_meet: Panel[Ambassador]


def requests_visible_to(*, user: User) -> QuerySet[BuddyRequest]:
    return BuddyRequest.objects.visible_to(user)


def requests_waiting(*, user: User) -> Panel[WaitingRequest]:
    """Households still without a buddy, the longest waiting first."""
    queryset = (
        requests_visible_to(user=user)
        .filter(status__in=WAITING)
        .exclude(matches__status=Match.Status.ACTIVE)
        .select_related("municipality", "preferred_language")
        .order_by("created_at", "id")
    )
    panel = _panel(queryset)
    today = timezone.localdate()
    return Panel(
        count=panel.count,
        items=[
            WaitingRequest(
                buddy_request=buddy_request,
                days=(today - timezone.localdate(buddy_request.created_at)).days,
            )
            for buddy_request in panel.items
        ],
    )


def proposals_visible_to(*, user: User) -> QuerySet[Proposal]:
    """Proposals for the requests `user` may see, whatever their status."""
    return Proposal.objects.filter(buddy_request__in=requests_visible_to(user=user))


def proposals_pending(*, user: User) -> Panel[PendingProposal]:
    """Proposals waiting for a decision, with the runners-up a coordinator may pick instead.

    The runners-up are the candidates the run stored with the proposal: the
    ones `proposal_pick` accepts.
    """
    queryset = (
        proposals_visible_to(user=user)
        .filter(status=Proposal.Status.PROPOSED)
        .select_related("buddy_request__municipality", "buddy_request__preferred_language")
        .select_related("ambassador__home_municipality")
        .prefetch_related("candidates__ambassador__home_municipality")
        .order_by("buddy_request__created_at", "id")
    )
    panel = _panel(queryset, TOP_PROPOSALS)
    proposals: list[Proposal] = panel.items
    everyone = {proposal.ambassador_id for proposal in proposals} | {
        candidate.ambassador_id for proposal in proposals for candidate in proposal.candidates.all()
    }
    with_room = set(ambassadors_with_room().filter(id__in=everyone).values_list("id", flat=True))
    return Panel(
        count=panel.count,
        items=[
            PendingProposal(
                proposal=proposal,
                proposed=Choice(
                    ambassador=proposal.ambassador,
                    score=proposal.score,
                    explanation=reasons_explained(
                        proposal.reasons,
                        stored=proposal.explanation,
                        stored_language=proposal.explanation_language,
                    ),
                    has_room=proposal.ambassador_id in with_room,
                ),
                others=[
                    Choice(
                        ambassador=candidate.ambassador,
                        score=candidate.score,
                        explanation=reasons_explained(candidate.reasons),
                        has_room=candidate.ambassador_id in with_room,
                    )
                    for candidate in proposal.candidates.all()
                ],
            )
            for proposal in proposals
        ],
    )


def offers_expiring(*, user: User) -> Panel[Offer]:
    """Open offers whose answer time runs out within OFFER_WARNING, the soonest first.

    Offers already past their deadline stay listed until the sweep passes them on.
    """
    return _panel(
        Offer.objects.filter(
            status=Offer.Status.OPEN,
            expires_at__lte=timezone.now() + OFFER_WARNING,
            buddy_request__in=requests_visible_to(user=user),
        )
        .select_related("buddy_request__municipality", "ambassador")
        .order_by("expires_at", "id")
    )


def texts_visible_to(*, user: User) -> QuerySet[InboundSms]:
    """Texts from the people of `user`'s municipalities.

    A text from a number we do not know belongs to no municipality: only the
    region admin sees it.
    """
    texts = InboundSms.objects.select_related(
        "ambassador__home_municipality", "buddy_request__municipality"
    )
    if coordinator_municipalities(user=user) is None:
        return texts
    return texts.filter(
        Q(ambassador__in=Ambassador.objects.visible_to(user))
        | Q(buddy_request__in=requests_visible_to(user=user))
    )


def texts_unparsed(*, user: User) -> Panel[InboundSms]:
    """Texts nobody could read as an answer and no coordinator has dealt with, oldest first."""
    return _panel(
        texts_visible_to(user=user)
        .filter(needs_attention=True, dealt_with_at__isnull=True)
        .order_by("received_at", "id")
    )


def followups_new_match(*, user: User) -> Panel[Match]:
    """Matches ended in the last FOLLOWUP_LOOKBACK because one side asked for a new match."""
    asked = Q(met_ambassador=Match.Met.NEW_MATCH) | Q(met_newcomer=Match.Met.NEW_MATCH)
    return _panel(
        Match.objects.filter(
            asked,
            status=Match.Status.ENDED,
            ended_at__gte=timezone.now() - FOLLOWUP_LOOKBACK,
            buddy_request__in=requests_visible_to(user=user),
        )
        .select_related("buddy_request__municipality", "ambassador")
        .order_by("-ended_at", "-id")
    )


def _answers(status: Invitation.Status) -> Count:
    return Count("invitations", filter=Q(invitations__status=status))


def events_this_week(*, user: User) -> Panel[EventAnswers]:
    """Published events under way or starting within EVENT_HORIZON, with their answers.

    Buddy meetings are left out: a pair plans those, nobody else answers them.
    """
    now = timezone.now()
    queryset = (
        Event.objects.visible_to(user)
        .filter(status=Event.Status.PUBLISHED, ends_at__gt=now, starts_at__lt=now + EVENT_HORIZON)
        .exclude(kind=Event.Kind.BUDDY_MEETING)
        .select_related("municipality")
        .annotate(
            going=_answers(Invitation.Status.GOING),
            place_offered=_answers(Invitation.Status.PLACE_OFFERED),
            waitlisted=_answers(Invitation.Status.WAITLISTED),
            declined=_answers(Invitation.Status.DECLINED),
            no_answer=_answers(Invitation.Status.INVITED),
        )
        .order_by("starts_at", "id")
    )
    panel = _panel(queryset)
    return Panel(
        count=panel.count,
        items=[
            EventAnswers(
                event=event,
                going=event.going,
                place_offered=event.place_offered,
                waitlisted=event.waitlisted,
                declined=event.declined,
                no_answer=event.no_answer,
            )
            for event in panel.items
        ],
    )


def hotline_gaps(*, user: User) -> Panel[RotaGap]:
    """Uncovered places on published rotas' shifts under way or within GAP_HORIZON.

    Gaps in a draft are still being planned on the rota page itself.
    """
    now = timezone.now()
    return _panel(
        RotaGap.objects.filter(
            shift__rota__status=Rota.Status.PUBLISHED,
            shift__ends_at__gt=now,
            shift__starts_at__lt=now + GAP_HORIZON,
            shift__hotline__in=Hotline.objects.visible_to(user),
        )
        .select_related("shift__hotline", "language")
        .order_by(
            "shift__starts_at",
            "shift__hotline__name",
            # The backup after the languages, on every database.
            F("language__name_en").asc(nulls_last=True),
            "id",
        )
    )


def ambassadors_new(*, user: User) -> Panel[Ambassador]:
    """Ambassadors who signed up or were imported and wait to be met, the oldest first."""
    return _panel(ambassadors_to_meet(user=user))


def today(*, user: User) -> Today:
    """Everything on today's page for `user`."""
    return Today(
        waiting=requests_waiting(user=user),
        proposals=proposals_pending(user=user),
        offers=offers_expiring(user=user),
        texts=texts_unparsed(user=user),
        new_matches=followups_new_match(user=user),
        events=events_this_week(user=user),
        gaps=hotline_gaps(user=user),
        to_meet=ambassadors_new(user=user),
    )
