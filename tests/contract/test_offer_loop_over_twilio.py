"""The whole offer loop with the Twilio backend against Twilio's contract: approve, offer,
a signed yes, two introductions; every request one Twilio accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from twilio.request_validator import RequestValidator

from ambassadors.models import Ambassador, BuddyRequest, OutboundSms
from matching.models import Match, MatchRun, Offer
from matching.services import match_run, proposal_approve
from tests.twilio_contract import TwilioProxy

pytestmark = pytest.mark.django_db


def test_approve_offer_yes_and_introductions_over_twilio(
    settings: Any,
    twilio_api: TwilioProxy,
    tasks_run_at_once: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
    make_coordinator: Callable[..., User],
) -> None:
    settings.QUIET_HOURS = None
    buddy = ambassador("Åre", "ar:4 sv:4", first_name="Karim")
    family = household("Åre", "ar", first_name="Amina")
    run, _ = match_run(trigger=MatchRun.Trigger.COMMAND)

    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=run.proposals.get(), user=make_coordinator("Åre"))

    [offer_request] = twilio_api.requests
    assert offer_request.accepted
    assert offer_request.form["To"] == str(buddy.phone)
    assert offer_request.form["From"] == settings.TWILIO_FROM_NUMBER
    code = Offer.objects.get().code
    assert f"JA {code}" in offer_request.form["Body"]

    form = {
        "MessageSid": "SM" + "e" * 32,
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "From": str(buddy.phone),
        "To": settings.TWILIO_FROM_NUMBER,
        "Body": f"JA {code}",
    }
    url = f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/sms/"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, form)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/webhooks/twilio/sms/", form, HTTP_X_TWILIO_SIGNATURE=signature)

    assert response.status_code == 200
    assert Match.objects.get().ambassador == buddy
    introductions = twilio_api.requests[1:]
    assert all(request.accepted for request in introductions)
    assert {request.form["To"] for request in introductions} == {
        str(buddy.phone),
        str(family.phone),
    }
    logged = OutboundSms.objects.filter(purpose=OutboundSms.Purpose.INTRODUCTION)
    assert sorted(str(sid) for sid in logged.values_list("twilio_sid", flat=True)) == sorted(
        request.answer["sid"] for request in introductions
    )
