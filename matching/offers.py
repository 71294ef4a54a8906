"""The offer loop: approved proposal → SMS offer → accept, decline or silence → next.

Every change of an offer is a conditional update from OPEN, so two answers
arriving together (or an answer and the expiry sweep) change it once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ambassadors.models import Ambassador, BuddyRequest, OutboundSms
from ambassadors.outbox import release_time, sms_to
from matching import texts
from matching.models import Exclusion, Match, Offer, Proposal
from matching.services import request_candidates

Purpose = OutboundSms.Purpose


def _new_code(ambassador: Ambassador) -> str:
    taken = set(Offer.objects.filter(ambassador=ambassador).values_list("code", flat=True))
    while True:
        # Four digits are quick to type; the code only has to be unique among
        # this ambassador's offers, since the sender's number is checked too.
        code = str(secrets.randbelow(9000) + 1000)
        if code not in taken:
            return code


def offer_make(
    *, proposal: Proposal, ambassador: Ambassador, score: float, reasons: dict[str, object]
) -> Offer:
    """Offer the proposal's request to one ambassador by SMS.

    The answer time starts when the text may go out, so an offer written at
    night still has its full time once the quiet hours are over.
    """
    buddy_request = proposal.buddy_request
    code = _new_code(ambassador)
    body, language = texts.offer_text(
        ambassador=ambassador, buddy_request=buddy_request, code=code, reasons=reasons
    )
    now = timezone.now()
    offer = Offer.objects.create(
        proposal=proposal,
        buddy_request=buddy_request,
        ambassador=ambassador,
        code=code,
        score=score,
        reasons=reasons,
        expires_at=release_time(now, urgent=False) + settings.OFFER_TIMEOUT,
    )
    sms_to(ambassador, purpose=Purpose.OFFER, body=body, language=language, urgent=False)
    BuddyRequest.objects.filter(id=buddy_request.id).update(
        status=BuddyRequest.Status.OFFERED, status_changed_at=now
    )
    return offer


def offer_for_proposal(*, proposal: Proposal) -> Offer:
    """The first offer of an approved proposal, to the ambassador it names."""
    return offer_make(
        proposal=proposal,
        ambassador=proposal.ambassador,
        score=proposal.score,
        reasons=dict(proposal.reasons),
    )


def offer_next(*, proposal: Proposal) -> Offer | None:
    """Offer the request to the next best ambassador, or hand it back to matching.

    Ambassadors who declined or let an offer lapse are excluded, so the
    engine's next choice is someone new.
    """
    buddy_request = BuddyRequest.objects.get(id=proposal.buddy_request_id)
    candidates = request_candidates(buddy_request=buddy_request, k=1)
    if candidates:
        ambassador, pairing = candidates[0]
        return offer_make(
            proposal=proposal,
            ambassador=ambassador,
            score=pairing.score,
            reasons=pairing.reasons.as_dict(),
        )
    Proposal.objects.filter(id=proposal.id, status=Proposal.Status.APPROVED).update(
        status=Proposal.Status.UNANSWERED
    )
    BuddyRequest.objects.filter(id=buddy_request.id, status=BuddyRequest.Status.OFFERED).update(
        status=BuddyRequest.Status.NEW, status_changed_at=timezone.now()
    )
    return None


def _close(offer: Offer, *, status: Offer.Status, **changes: object) -> bool:
    now = timezone.now()
    return (
        Offer.objects.filter(id=offer.id, status=Offer.Status.OPEN).update(
            status=status, answered_at=now, **changes
        )
        == 1
    )


@transaction.atomic
def offer_accept(*, offer: Offer) -> Match | None:
    """The ambassador said yes: make the match and introduce the two.

    Returns None when the offer was no longer open (answered, expired or
    withdrawn in the meantime).
    """
    if not _close(offer, status=Offer.Status.ACCEPTED):
        return None
    try:
        with transaction.atomic():
            match = Match.objects.create(
                buddy_request_id=offer.buddy_request_id,
                ambassador_id=offer.ambassador_id,
                offer=offer,
            )
    except IntegrityError:
        # The request found a buddy another way (a coordinator in the admin).
        Offer.objects.filter(id=offer.id).update(status=Offer.Status.WITHDRAWN)
        return None
    BuddyRequest.objects.filter(id=offer.buddy_request_id).update(
        status=BuddyRequest.Status.MATCHED, status_changed_at=timezone.now()
    )
    buddy_request = BuddyRequest.objects.select_related("preferred_language", "municipality").get(
        id=offer.buddy_request_id
    )
    ambassador = Ambassador.objects.select_related("preferred_language").get(id=offer.ambassador_id)
    for recipient, introduction in (
        (ambassador, texts.introduction_to_ambassador),
        (buddy_request, texts.introduction_to_newcomer),
    ):
        body, language = introduction(ambassador=ambassador, buddy_request=buddy_request)
        sms_to(recipient, purpose=Purpose.INTRODUCTION, body=body, language=language)
    return match


def _exclude(offer: Offer, reason: Exclusion.Reason) -> None:
    Exclusion.objects.get_or_create(
        buddy_request_id=offer.buddy_request_id,
        ambassador_id=offer.ambassador_id,
        defaults={"reason": reason},
    )


@transaction.atomic
def offer_decline(*, offer: Offer, reason: str = "") -> bool:
    """The ambassador said no: never pair these two again, and ask the next one."""
    if not _close(offer, status=Offer.Status.DECLINED, decline_reason=reason[:300]):
        return False
    _exclude(offer, Exclusion.Reason.DECLINED)
    offer_next(proposal=offer.proposal)
    return True


def offers_expire_due() -> int:
    """Pass every offer nobody answered in time on to the next candidate."""
    expired = 0
    due = Offer.objects.filter(status=Offer.Status.OPEN, expires_at__lte=timezone.now())
    for offer in due.select_related("proposal"):
        with transaction.atomic():
            if not _close(offer, status=Offer.Status.EXPIRED):
                continue
            _exclude(offer, Exclusion.Reason.NO_ANSWER)
            offer_next(proposal=offer.proposal)
            expired += 1
    return expired


def followups_send_due() -> int:
    """Ask both sides of every match accepted FOLLOWUP_AFTER ago whether they have met."""
    cutoff = timezone.now() - settings.FOLLOWUP_AFTER
    sent = 0
    due = Match.objects.filter(
        status=Match.Status.ACTIVE, followup_sent_at__isnull=True, created_at__lte=cutoff
    ).select_related("ambassador__preferred_language", "buddy_request__preferred_language")
    for match in due:
        with transaction.atomic():
            claimed = Match.objects.filter(id=match.id, followup_sent_at__isnull=True).update(
                followup_sent_at=timezone.now()
            )
            if claimed != 1:
                continue
            # A buddy meeting in the calendar that has taken place answers the question.
            if match.meetings.filter(status="published", ends_at__lte=timezone.now()).exists():
                Match.objects.filter(id=match.id).update(
                    met_ambassador=Match.Met.YES, met_newcomer=Match.Met.YES
                )
                continue
            ambassador, buddy_request = match.ambassador, match.buddy_request
            for recipient, other in (
                (ambassador, buddy_request.first_name),
                (buddy_request, ambassador.first_name),
            ):
                language = texts.sms_language(recipient.preferred_language.code)
                body = texts.followup_text(
                    first_name=recipient.first_name, other=other, language=language
                )
                sms_to(
                    recipient, purpose=Purpose.FOLLOWUP, body=body, language=language, urgent=False
                )
            sent += 1
    return sent


@transaction.atomic
def followup_answer(*, match: Match, choice: int, from_ambassador: bool) -> None:
    """Record "have you met?"; 3 ends the match and sends the request back to matching."""
    field = "met_ambassador" if from_ambassador else "met_newcomer"
    Match.objects.filter(id=match.id).update(**{field: choice})
    if choice != Match.Met.NEW_MATCH:
        return
    ended = Match.objects.filter(id=match.id, status=Match.Status.ACTIVE).update(
        status=Match.Status.ENDED, ended_at=timezone.now()
    )
    if ended != 1:
        return
    Exclusion.objects.get_or_create(
        buddy_request_id=match.buddy_request_id,
        ambassador_id=match.ambassador_id,
        defaults={"reason": Exclusion.Reason.NEW_MATCH},
    )
    # The request waits for the engine again, as if never proposed.
    Proposal.objects.filter(
        buddy_request_id=match.buddy_request_id, status=Proposal.Status.APPROVED
    ).update(status=Proposal.Status.ENDED)
    BuddyRequest.objects.filter(
        id=match.buddy_request_id, status=BuddyRequest.Status.MATCHED
    ).update(status=BuddyRequest.Status.NEW, status_changed_at=timezone.now())


def followup_pending(
    *, ambassador: Ambassador | None, buddy_request: BuddyRequest | None
) -> Match | None:
    """The latest match this person was asked about and has not answered for."""
    if ambassador is not None:
        matches, unanswered = Match.objects.filter(ambassador=ambassador), "met_ambassador"
    elif buddy_request is not None:
        matches, unanswered = Match.objects.filter(buddy_request=buddy_request), "met_newcomer"
    else:
        return None
    # A digit months after the question is more likely about something else.
    recent = timezone.now() - timedelta(days=60)
    return (
        matches.filter(followup_sent_at__gte=recent, **{f"{unanswered}__isnull": True})
        .order_by("-followup_sent_at")
        .first()
    )
