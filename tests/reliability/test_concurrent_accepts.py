"""Yes said twice at the same moment, for one request: one match, one pair of introductions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from ambassadors.models import Ambassador, BuddyRequest, InboundSms, OutboundSms
from ambassadors.sms import LocmemMessage
from matching.models import Match, MatchRun, Offer, Proposal
from matching.offers import offer_decline
from matching.services import match_run, proposal_approve
from tests.reliability.concurrency import at_once, post_signed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMS = "/webhooks/twilio/sms/"


@pytest.fixture
def proposed(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
) -> Proposal:
    """Two ambassadors who could take one household; the engine proposes the nearer."""
    settings.QUIET_HOURS = None
    settings.TWILIO_AUTH_TOKEN = "accepts-test-auth-token-0123456789"
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"
    ambassador("Åre", "ar:4 sv:4", first_name="Karim")
    ambassador("Krokom", "ar:4 sv:4", first_name="Lina")
    household("Åre", "ar", first_name="Amina")
    run, _result = match_run(trigger=MatchRun.Trigger.COMMAND)
    return run.proposals.select_related("ambassador").get()


@pytest.fixture
def offered(proposed: Proposal, make_coordinator: Callable[..., User]) -> Offer:
    proposal_approve(proposal=proposed, user=make_coordinator("Åre"))
    return Offer.objects.select_related("ambassador").get()


def yes(offer: Offer, sid: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "From": str(offer.ambassador.phone),
        "To": "+46101380000",
        "Body": f"JA {offer.code}",
    }


def replies(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return re.findall(r"<Message>(.*?)</Message>", response.content.decode(), re.S)


def introductions() -> list[tuple[str, int | None, int | None]]:
    return sorted(
        (str(message.to), message.ambassador_id, message.buddy_request_id)
        for message in OutboundSms.objects.filter(purpose=OutboundSms.Purpose.INTRODUCTION)
    )


def assert_one_match_for(offer: Offer) -> None:
    match = Match.objects.get(buddy_request_id=offer.buddy_request_id)
    assert match.ambassador_id == offer.ambassador_id
    household = BuddyRequest.objects.get(id=offer.buddy_request_id)
    assert household.status == BuddyRequest.Status.MATCHED
    # One introduction each, to the ambassador and to the household.
    assert introductions() == sorted(
        [
            (str(offer.ambassador.phone), offer.ambassador_id, None),
            (str(household.phone), None, household.id),
        ]
    )


def test_the_same_yes_delivered_twenty_times_at_once_makes_one_match(offered: Offer) -> None:
    form = yes(offered, "SM" + "a" * 32)

    responses = at_once(20, lambda _: post_signed(SMS, form))

    # The introduction is the answer to a yes, by SMS; no copy gets a TwiML reply besides.
    assert [len(replies(response)) for response in responses] == [0] * 20
    assert InboundSms.objects.count() == 1
    assert_one_match_for(offered)


def test_ten_different_yes_texts_at_once_make_one_match(offered: Offer) -> None:
    # The ambassador pressed send ten times: ten texts, ten MessageSids.
    responses = at_once(10, lambda index: post_signed(SMS, yes(offered, f"SM{index:032x}")))

    assert all(len(replies(response)) <= 1 for response in responses)
    assert InboundSms.objects.count() == 10
    assert_one_match_for(offered)


def test_a_late_yes_and_the_next_ambassadors_yes_at_once_make_one_match_with_the_next(
    offered: Offer,
) -> None:
    # Karim said no; the offer went to Lina. Karim changes his mind as Lina says yes.
    offer_decline(offer=offered)
    following = Offer.objects.select_related("ambassador").get(status=Offer.Status.OPEN)
    assert following.ambassador_id != offered.ambassador_id
    forms = [yes(offered, "SM" + "b" * 32), yes(following, "SM" + "c" * 32)]

    responses = at_once(2, lambda index: post_signed(SMS, forms[index]))

    # Karim hears that the request has been passed on; Lina gets the introduction.
    assert [len(replies(response)) for response in responses] == [1, 0]
    assert Match.objects.count() == 1
    assert_one_match_for(following)


def test_two_coordinators_deciding_one_proposal_at_once_make_one_offer(
    proposed: Proposal, make_coordinator: Callable[..., User]
) -> None:
    # One approves the engine's choice, the other picks the runner-up, in the same second.
    first, second = make_coordinator("Åre"), make_coordinator("Krokom", "Åre")
    runner_up = proposed.candidates.get().ambassador_id

    def decide(index: int) -> Any:
        client = APIClient()
        client.force_authenticate([first, second][index])
        if index == 0:
            return client.post(f"/api/v1/proposals/{proposed.id}/approve/")
        return client.post(
            f"/api/v1/proposals/{proposed.id}/pick/", {"ambassador": runner_up}, format="json"
        )

    responses = at_once(2, decide)

    assert sorted(response.status_code for response in responses) == [200, 400]
    offer = Offer.objects.get()
    proposed.refresh_from_db()
    assert proposed.status == Proposal.Status.APPROVED
    assert offer.ambassador_id == proposed.ambassador_id
    assert OutboundSms.objects.filter(purpose=OutboundSms.Purpose.OFFER).count() == 1
