"""Withdrawing consent stops all processing of the person at once, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ambassadors.models import Ambassador, AuditEvent, BuddyRequest, Consent, OutboundSms
from ambassadors.outbox import sms_to
from ambassadors.services import consent_record, consent_withdraw
from events.models import Event, Invitation
from events.services import audience
from matching.models import MatchRun, Offer, Proposal
from matching.offers import offer_for_proposal
from matching.services import ambassadors_with_room, match_run, waiting_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    sms_outbox: Any,
) -> tuple[BuddyRequest, Ambassador, Ambassador, Offer]:
    """A household with an offer out to its best ambassador, and a second candidate."""
    settings.QUIET_HOURS = None
    best = ambassador("Åre", "ar:4 sv:4", first_name="Karim")
    second = ambassador("Krokom", "ar:4 sv:4", first_name="Lina")
    family = household("Åre", "ar", first_name="Amina")
    for person in (best, second):
        consent_record(purpose=Consent.Purpose.AMBASSADOR, language="sv",
                       channel=Consent.Channel.WEB, ambassador=person)  # fmt: skip
    consent_record(purpose=Consent.Purpose.BUDDY_REQUEST, language="sv",
                   channel=Consent.Channel.WEB, buddy_request=family)  # fmt: skip
    match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal = Proposal.objects.get(buddy_request=family)
    assert proposal.ambassador == best
    Proposal.objects.filter(id=proposal.id).update(status=Proposal.Status.APPROVED)
    offer = offer_for_proposal(proposal=proposal)
    return family, best, second, offer


def test_a_household_that_withdraws_has_its_request_withdrawn_and_its_offer_ended(
    offered: tuple[BuddyRequest, Ambassador, Ambassador, Offer],
) -> None:
    family, _best, _second, offer = offered

    consent_withdraw(consent=family.consents.get(), channel=Consent.Channel.SMS)

    family.refresh_from_db()
    offer.refresh_from_db()
    assert family.status == BuddyRequest.Status.WITHDRAWN
    assert offer.status == Offer.Status.WITHDRAWN
    assert not Offer.objects.filter(status=Offer.Status.OPEN).exists()
    assert family not in waiting_requests()


def test_a_household_that_withdraws_gets_none_of_its_waiting_texts(
    offered: tuple[BuddyRequest, Ambassador, Ambassador, Offer],
) -> None:
    family = offered[0]
    held = sms_to(family, purpose=OutboundSms.Purpose.FOLLOWUP, body="Have you met?",
                  language="sv", send_now=False)  # fmt: skip

    consent_withdraw(consent=family.consents.get(), channel=Consent.Channel.WEB)

    held.refresh_from_db()
    assert held.status == OutboundSms.Status.SUPPRESSED


def test_an_ambassador_who_withdraws_is_inactive_and_their_offer_goes_to_the_next_candidate(
    offered: tuple[BuddyRequest, Ambassador, Ambassador, Offer],
) -> None:
    family, best, second, offer = offered

    consent_withdraw(consent=best.consents.get(), channel=Consent.Channel.PAPER)

    best.refresh_from_db()
    offer.refresh_from_db()
    assert not best.active
    assert offer.status == Offer.Status.WITHDRAWN
    assert Offer.objects.get(status=Offer.Status.OPEN).ambassador == second
    assert AuditEvent.objects.filter(action=AuditEvent.Action.WITHDRAW, subject_id=best.id,
                                     subject_type="ambassadors.ambassador").exists()  # fmt: skip


def test_an_ambassador_who_withdrew_is_never_proposed_or_invited_even_if_reactivated(
    offered: tuple[BuddyRequest, Ambassador, Ambassador, Offer],
) -> None:
    _family, best, _second, _offer = offered
    consent_withdraw(consent=best.consents.get(), channel=Consent.Channel.PAPER)
    Ambassador.objects.filter(id=best.id).update(active=True)  # by mistake, in the admin
    event = Event.objects.create(
        title_sv="Träff", kind=Event.Kind.NETWORK_MEETUP,
        starts_at=timezone.now() + timedelta(days=2), ends_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip

    assert best not in ambassadors_with_room()
    ambassadors, _households = audience(event)
    assert best not in ambassadors


def test_a_withdrawal_frees_their_place_at_an_event_to_come(
    offered: tuple[BuddyRequest, Ambassador, Ambassador, Offer],
) -> None:
    family = offered[0]
    event = Event.objects.create(
        title_sv="Träff", kind=Event.Kind.NETWORK_MEETUP, status=Event.Status.PUBLISHED,
        starts_at=timezone.now() + timedelta(days=2), ends_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    invitation = Invitation.objects.create(event=event, buddy_request=family,
                                           status=Invitation.Status.GOING)  # fmt: skip

    consent_withdraw(consent=family.consents.get(), channel=Consent.Channel.WEB)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
