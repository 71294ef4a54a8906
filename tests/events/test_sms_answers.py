"""One inbox for two kinds of question: four-digit codes answer buddy offers, shorter
ones event invitations; a bare yes with both open asks which."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from ambassadors.models import Ambassador, BuddyRequest
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation
from events.services import event_publish
from matching.models import Match, MatchRun, Offer
from matching.services import match_run, proposal_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_open(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    make_coordinator: Callable[..., User],
    municipality: Callable[[str], Any],
    sms_outbox: list[LocmemMessage],
) -> tuple[Ambassador, Offer, Event]:
    settings.QUIET_HOURS = None
    karim = ambassador("Åre", "ar:4 sv:4", first_name="Karim")
    household("Åre", "ar")
    coordinator = make_coordinator("Åre")
    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)
    proposal_approve(proposal=run.proposals.get(), user=coordinator)
    start = timezone.now() + timedelta(days=3)
    event = Event.objects.create(
        title_sv="Välkomstkväll",
        kind=Event.Kind.WELCOME_EVENING,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        municipality=municipality("Åre"),
        address="Åre bibliotek",
        organiser=coordinator,
    )
    event_publish(event=event)
    event.refresh_from_db()
    return karim, Offer.objects.get(), event


def replies(response: Any) -> list[str]:
    return re.findall(r"<Message>(.*?)</Message>", response.content.decode(), re.S)


def test_a_bare_yes_with_an_offer_and_an_invitation_open_asks_which_code(
    both_open: tuple[Ambassador, Offer, Event], twilio_post: Callable[..., Any]
) -> None:
    karim, offer, event = both_open

    response = twilio_post(
        "/webhooks/twilio/sms/",
        {"MessageSid": "SM" + "1" * 32, "From": str(karim.phone), "Body": "JA"},
    )

    [answer] = replies(response)
    assert offer.code in answer and str(event.code) in answer
    assert not Match.objects.exists()
    assert Invitation.objects.get().status == Invitation.Status.INVITED


def test_the_length_of_the_code_tells_an_offer_from_an_event(
    both_open: tuple[Ambassador, Offer, Event], twilio_post: Callable[..., Any]
) -> None:
    karim, offer, event = both_open

    twilio_post(
        "/webhooks/twilio/sms/",
        {"MessageSid": "SM" + "2" * 32, "From": str(karim.phone), "Body": f"JA {event.code}"},
    )
    twilio_post(
        "/webhooks/twilio/sms/",
        {"MessageSid": "SM" + "3" * 32, "From": str(karim.phone), "Body": f"NEJ {offer.code}"},
    )

    assert Invitation.objects.get().status == Invitation.Status.GOING
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED


def test_a_code_of_an_event_they_were_not_invited_to_changes_nothing(
    both_open: tuple[Ambassador, Offer, Event],
    twilio_post: Callable[..., Any],
    ambassador: Callable[..., Ambassador],
) -> None:
    _karim, _offer, event = both_open
    stranger = ambassador("Berg", "sv:4", active=False)

    [answer] = replies(
        twilio_post(
            "/webhooks/twilio/sms/",
            {
                "MessageSid": "SM" + "4" * 32,
                "From": str(stranger.phone),
                "Body": f"JA {event.code}",
            },
        )
    )

    assert str(event.code) in answer
    assert not Invitation.objects.filter(ambassador=stranger).exists()
