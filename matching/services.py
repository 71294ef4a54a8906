"""Load the waiting requests and free ambassadors, run the engine, keep its proposals."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import Ambassador, BuddyRequest, OptOut
from ambassadors.selectors import travel_minutes
from ambassadors.services import ApplicationError
from matching import graph
from matching.explain import explanation, explanation_language
from matching.models import Candidate, Exclusion, Match, MatchRun, Offer, Proposal

# A proposal keeps this many runners-up for the coordinator to pick from.
RUNNERS_UP = 4
# PostgreSQL advisory lock key ("matc") that makes runs take turns.
_RUN_LOCK = 0x6D617463


def weights() -> graph.Weights:
    return graph.Weights(**settings.MATCH_WEIGHTS)


def waiting_requests() -> QuerySet[BuddyRequest]:
    """Requests the engine may pair: open, not matched, not already handed on."""
    return (
        # Never an erased household or one that withdrew its consent.
        BuddyRequest.objects.in_service()
        .filter(status__in=[BuddyRequest.Status.NEW, BuddyRequest.Status.MATCHING])
        .exclude(matches__status=Match.Status.ACTIVE)
        .exclude(proposals__status=Proposal.Status.APPROVED)
        .select_related("preferred_language", "municipality")
        .prefetch_related("other_languages", "interests", "needs")
        .order_by("id")
    )


def ambassadors_with_room() -> QuerySet[Ambassador]:
    """Active, unpaused, reachable ambassadors, annotated with `free`: capacity less what is taken.

    Accepted matches and open offers (waiting for the ambassador's answer) both
    take a place.
    """
    today = timezone.localdate()
    return (
        # Never an erased ambassador or one who withdrew their consent, active or not.
        Ambassador.objects.in_service()
        .filter(active=True)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lt=today))
        # An offer is a text: a number that opted out cannot get one.
        .exclude(phone__in=OptOut.objects.values("phone"))
        .annotate(
            taken=Count("matches", filter=Q(matches__status=Match.Status.ACTIVE), distinct=True)
            + Count("offers", filter=Q(offers__status=Offer.Status.OPEN), distinct=True),
            free=F("capacity") - F("taken"),
        )
        .filter(free__gt=0)
        .select_related("home_municipality")
        .prefetch_related(
            "language_levels__language", "meeting_municipalities", "interests", "helps_with"
        )
        .order_by("id")
    )


def _as_request(buddy_request: BuddyRequest) -> graph.Request:
    languages = {language.code for language in buddy_request.other_languages.all()}
    return graph.Request(
        id=str(buddy_request.id),
        preferred_language=buddy_request.preferred_language.code,
        languages=frozenset({buddy_request.preferred_language.code, *languages}),
        municipality=buddy_request.municipality.code,
        interests=frozenset(interest.slug for interest in buddy_request.interests.all()),
        needs=frozenset(need.slug for need in buddy_request.needs.all()),
        children=len(buddy_request.children_ages),
    )


def _as_ambassador(ambassador: Ambassador, *, free: int) -> graph.Ambassador:
    return graph.Ambassador(
        id=str(ambassador.id),
        languages={level.language.code: level.level for level in ambassador.language_levels.all()},
        municipality=ambassador.home_municipality.code,
        meets_in=frozenset(m.code for m in ambassador.meeting_municipalities.all()),
        digital=ambassador.meets_digitally,
        interests=frozenset(interest.slug for interest in ambassador.interests.all()),
        helps_with=frozenset(need.slug for need in ambassador.helps_with.all()),
        has_children=ambassador.has_children,
        capacity=free,
    )


@dataclass(frozen=True)
class Computation:
    result: graph.Result
    requests: dict[str, BuddyRequest]
    ambassadors: dict[str, Ambassador]


def match_compute() -> Computation:
    """Run the engine over the database without writing anything."""
    requests = {str(r.id): r for r in waiting_requests()}
    ambassadors = {str(a.id): a for a in ambassadors_with_room()}
    exclusions = {
        (str(request_id), str(ambassador_id))
        for request_id, ambassador_id in Exclusion.objects.filter(
            buddy_request_id__in=[int(key) for key in requests]
        ).values_list("buddy_request_id", "ambassador_id")
    }
    result = graph.solve(
        [_as_request(r) for r in requests.values()],
        [_as_ambassador(a, free=a.free) for a in ambassadors.values()],  # type: ignore[attr-defined]
        travel_minutes(),
        exclusions,
        weights(),
    )
    return Computation(result=result, requests=requests, ambassadors=ambassadors)


def _one_run_at_a_time() -> None:
    """Make a second run wait for the first: both would propose for the same requests.

    SQLite takes its write lock at the start of every transaction anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RUN_LOCK])


@transaction.atomic
def match_run(
    *, trigger: MatchRun.Trigger, user: AbstractBaseUser | AnonymousUser | None = None
) -> tuple[MatchRun, graph.Result]:
    """Propose an ambassador for every waiting request the engine can serve.

    The proposals of earlier runs that nobody decided on give way to this run's.
    Returns the stored run and the engine's result (which names the unmatched).
    """
    started = time.perf_counter()
    _one_run_at_a_time()
    computation = match_compute()
    result = computation.result
    run = MatchRun.objects.create(
        trigger=trigger,
        started_by_id=user.pk if user is not None and user.is_authenticated else None,
        requests=len(computation.requests),
        ambassadors=len(computation.ambassadors),
        matched=len(result.matches),
        objective=result.objective,
    )
    Proposal.objects.filter(
        status=Proposal.Status.PROPOSED,
        buddy_request_id__in=[int(key) for key in computation.requests],
    ).update(status=Proposal.Status.SUPERSEDED)
    for pairing in result.matches:
        buddy_request = computation.requests[pairing.request]
        language = explanation_language(buddy_request.preferred_language.code)
        reasons = pairing.reasons.as_dict()
        proposal = Proposal.objects.create(
            run=run,
            buddy_request=buddy_request,
            ambassador=computation.ambassadors[pairing.ambassador],
            score=pairing.score,
            reasons=reasons,
            explanation=explanation(reasons, language=language),
            explanation_language=language,
        )
        runners_up = [
            candidate
            for candidate in result.candidates.get(pairing.request, [])
            if candidate.ambassador != pairing.ambassador
        ][:RUNNERS_UP]
        Candidate.objects.bulk_create(
            Candidate(
                proposal=proposal,
                ambassador=computation.ambassadors[candidate.ambassador],
                rank=rank,
                score=candidate.score,
                reasons=candidate.reasons.as_dict(),
            )
            for rank, candidate in enumerate(runners_up, start=1)
        )
    BuddyRequest.objects.filter(
        id__in=[int(pairing.request) for pairing in result.matches],
        status=BuddyRequest.Status.NEW,
    ).update(status=BuddyRequest.Status.MATCHING, status_changed_at=timezone.now())
    if settings.MATCH_AUTO_APPROVE:
        for proposal in run.proposals.select_related("buddy_request", "ambassador"):
            proposal_approve(proposal=proposal, user=AnonymousUser())
    MatchRun.objects.filter(id=run.id).update(seconds=time.perf_counter() - started)
    run.refresh_from_db()
    return run, result


def _check_reachable(ambassador: Ambassador) -> None:
    if OptOut.objects.filter(phone=str(ambassador.phone)).exists():
        raise ApplicationError(
            _("%(name)s has asked for no more texts; pick another candidate.")
            % {"name": ambassador},
            field="ambassador",
        )


def _has_room(ambassador: Ambassador) -> bool:
    # The same test the engine applies: active, not paused, a place free.
    return ambassadors_with_room().filter(id=ambassador.id).exists()


def _decide(
    proposal: Proposal, *, status: Proposal.Status, user: AbstractBaseUser | AnonymousUser,
    **changes: Any,
) -> Proposal:  # fmt: skip
    claimed = Proposal.objects.filter(id=proposal.id, status=Proposal.Status.PROPOSED).update(
        status=status,
        decided_by=user if user.is_authenticated else None,
        decided_at=timezone.now(),
        **changes,
    )
    if claimed != 1:
        raise ApplicationError(_("This proposal has already been decided."))
    proposal.refresh_from_db()
    return proposal


def _lock_undecided(proposal: Proposal) -> None:
    """Lock the proposal before anything else a decision touches.

    Two decisions on one proposal then queue on this row, and the second sees
    it decided, instead of each locking an ambassador the other then waits for
    (a deadlock on PostgreSQL).
    """
    undecided = Proposal.objects.select_for_update().filter(
        id=proposal.id, status=Proposal.Status.PROPOSED
    )
    if not undecided.exists():
        raise ApplicationError(_("This proposal has already been decided."))


@transaction.atomic
def proposal_approve(*, proposal: Proposal, user: AbstractBaseUser | AnonymousUser) -> Proposal:
    """Accept the engine's choice, and offer the request to the ambassador by SMS."""
    _lock_undecided(proposal)
    ambassador = Ambassador.objects.select_for_update().get(id=proposal.ambassador_id)
    _check_reachable(ambassador)
    if not _has_room(ambassador):
        raise ApplicationError(
            _("%(name)s has no room for another buddy; pick another candidate.")
            % {"name": ambassador},
            field="ambassador",
        )
    decided = _decide(proposal, status=Proposal.Status.APPROVED, user=user)
    _offer(decided)
    return decided


def _offer(proposal: Proposal) -> None:
    # matching.offers asks this module for the next candidate, so it is
    # imported here rather than at the top.
    from matching.offers import offer_for_proposal

    offer_for_proposal(proposal=proposal)


@transaction.atomic
def proposal_pick(
    *, proposal: Proposal, ambassador: Ambassador, user: AbstractBaseUser | AnonymousUser
) -> Proposal:
    """Approve one of the runners-up instead of the engine's choice.

    The engine's choice takes the picked candidate's place in the list, so the
    coordinator can still change their mind before the offer goes out.
    """
    _lock_undecided(proposal)
    candidate = proposal.candidates.filter(ambassador=ambassador).first()
    if candidate is None:
        raise ApplicationError(_("Pick one of the proposal's candidates."), field="ambassador")
    locked = Ambassador.objects.select_for_update().get(id=ambassador.id)
    _check_reachable(locked)
    if not _has_room(locked):
        raise ApplicationError(
            _("%(name)s has no room for another buddy; pick another candidate.") % {"name": locked},
            field="ambassador",
        )
    reasons = candidate.reasons
    language = proposal.explanation_language
    previous = (proposal.ambassador, proposal.score, proposal.reasons)
    decided = _decide(
        proposal,
        status=Proposal.Status.APPROVED,
        user=user,
        ambassador=ambassador,
        score=candidate.score,
        reasons=reasons,
        explanation=explanation(reasons, language=language),
    )
    candidate.ambassador, candidate.score, candidate.reasons = previous
    candidate.save()
    _offer(decided)
    return decided


@transaction.atomic
def proposal_reject(*, proposal: Proposal, user: AbstractBaseUser | AnonymousUser) -> Proposal:
    """Turn the pairing down for good; the request waits for the next run."""
    _lock_undecided(proposal)
    decided = _decide(proposal, status=Proposal.Status.REJECTED, user=user)
    Exclusion.objects.get_or_create(
        buddy_request_id=proposal.buddy_request_id,
        ambassador_id=proposal.ambassador_id,
        defaults={
            "reason": Exclusion.Reason.BLOCKED,
            "created_by": user if user.is_authenticated else None,
        },
    )
    BuddyRequest.objects.filter(
        id=proposal.buddy_request_id, status=BuddyRequest.Status.MATCHING
    ).update(status=BuddyRequest.Status.NEW, status_changed_at=timezone.now())
    return decided


def request_candidates(
    *, buddy_request: BuddyRequest, k: int = 5
) -> list[tuple[Ambassador, graph.Pairing]]:
    """The k ambassadors with room who would suit one request best, best first."""
    ambassadors = {str(a.id): a for a in ambassadors_with_room()}
    exclusions = {
        (str(buddy_request.id), str(ambassador_id))
        for ambassador_id in buddy_request.exclusions.values_list("ambassador_id", flat=True)
    }
    pairings = graph.top_candidates(
        _as_request(buddy_request),
        [_as_ambassador(a, free=a.free) for a in ambassadors.values()],  # type: ignore[attr-defined]
        travel_minutes(),
        k=k,
        exclusions=exclusions,
        weights=weights(),
    )
    return [(ambassadors[pairing.ambassador], pairing) for pairing in pairings]
