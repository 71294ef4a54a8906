"""The load test's requests are ones the service accepts, so its figures measure real work.

A refused signature (403) or a form sent back with errors answers fast; a scenario that
drifted from the service would report fine figures for nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ambassadors.models import Ambassador, BuddyRequest, InboundSms, OutboundSms
from ambassadors.outbox import sms_queue, sms_send
from ambassadors.sms import LocmemMessage
from loadtest.scenario import (
    Reference,
    api_buddy_request,
    inbound_sms_form,
    listed,
    read_form,
    status_form,
    twilio_signature,
    web_buddy_request,
)

TOKEN = "load-test-auth-token"
BASE = "https://load.example.se"


@pytest.fixture
def twilio_settings(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = BASE


def _signed_post(client: Client, path: str, form: dict[str, str]) -> Any:
    signature = twilio_signature(token=TOKEN, url=f"{BASE}{path}", params=form)
    return client.post(path, form, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.django_db
def test_its_signed_inbound_text_is_accepted_and_answered(
    client: Client, twilio_settings: None, ambassador: Callable[..., Ambassador]
) -> None:
    sender = ambassador()
    form = inbound_sms_form(
        account_sid="AC" + "0" * 32,
        from_number=str(sender.phone),
        to_number="+46101380000",
        body="HJÄLP",
    )

    response = _signed_post(client, "/webhooks/twilio/sms/", form)

    assert response.status_code == 200
    assert b"<Message>" in response.content
    assert InboundSms.objects.get().message_sid == form["MessageSid"]


@pytest.mark.django_db
def test_its_signed_status_report_moves_the_text_forward(
    client: Client,
    twilio_settings: None,
    ambassador: Callable[..., Ambassador],
    sms_outbox: list[LocmemMessage],
) -> None:
    queued = sms_queue(
        to=ambassador().phone,
        purpose=OutboundSms.Purpose.REMINDER,
        body="Påminnelse",
        language="sv",
        send_now=False,
    )
    sms_send(message_id=queued.id)
    text = OutboundSms.objects.get(id=queued.id)
    form = status_form(
        account_sid="AC" + "0" * 32,
        sid=text.twilio_sid or "",
        status="delivered",
        from_number="+46101380000",
    )

    response = _signed_post(client, "/webhooks/twilio/status/", form)

    assert response.status_code == 204
    text.refresh_from_db()
    assert text.status == OutboundSms.Status.DELIVERED
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_its_web_form_submission_is_taken(client: Client) -> None:
    page = client.get("/sv/buddy/")
    fields = web_buddy_request(random.Random(1), read_form(page.content.decode()))
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)

    response = client.post("/sv/buddy/", data)

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert "thanks" in response["Location"]
    assert BuddyRequest.objects.count() == 1


@pytest.mark.django_db
def test_its_api_submissions_are_taken(api: APIClient) -> None:
    reference = Reference(
        municipalities=listed(api.get("/api/v1/municipalities/").json(), "code"),
        languages=listed(api.get("/api/v1/languages/").json(), "code"),
        interests=listed(api.get("/api/v1/interests/").json(), "slug"),
        needs=listed(api.get("/api/v1/needs/").json(), "slug"),
    )
    rng = random.Random(2)

    statuses = {
        api.post(
            "/api/v1/buddy-requests/", api_buddy_request(rng, reference), format="json"
        ).status_code
        for _ in range(5)
    }

    assert statuses <= {200, 201}, statuses
    assert BuddyRequest.objects.count() >= 1
