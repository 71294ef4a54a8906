"""Texts reach Twilio's contract mock as requests Twilio accepts, once per row."""

from __future__ import annotations

from typing import Any

import pytest

from ambassadors.models import OutboundSms
from ambassadors.outbox import TWILIO_STATUSES, sms_queue, sms_send
from tests.twilio_contract import Recorded, TwilioProxy

pytestmark = pytest.mark.django_db

Status = OutboundSms.Status
NUMBER = "+46701740660"


def queue(to: str = NUMBER) -> OutboundSms:
    return sms_queue(
        to=to, purpose=OutboundSms.Purpose.OFFER, body="Hej! Välkommen.", language="sv"
    )


def assert_row_matches(message: OutboundSms, request: Recorded) -> None:
    """The row holds the SID Prism made up, and the status word it answered, as ours."""
    message.refresh_from_db()
    assert request.accepted
    assert message.twilio_sid == request.answer["sid"]
    assert message.status == TWILIO_STATUSES.get(request.answer["status"], Status.SENDING)
    assert message.sent_at is not None


def test_a_text_reaches_twilio_as_a_request_twilio_accepts(
    settings: Any, twilio_api: TwilioProxy
) -> None:
    message = queue()

    sms_send(message_id=message.id)

    [request] = twilio_api.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages.json"
    assert request.status == 201
    assert request.form == {
        "To": NUMBER,
        "From": "+46101380000",
        "Body": "Hej! Välkommen.",
        "StatusCallback": "https://welcome.example.se/webhooks/twilio/status/",
    }
    assert_row_matches(message, request)


def test_a_queued_text_is_sent_by_its_task_once_the_transaction_commits(
    twilio_api: TwilioProxy, tasks_run_at_once: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
        assert twilio_api.requests == []

    [request] = twilio_api.requests
    assert_row_matches(message, request)
    assert message.attempts == 1


def test_two_texts_get_two_different_sids(twilio_api: TwilioProxy) -> None:
    first, second = queue(), queue("+46701740661")

    sms_send(message_id=first.id)
    sms_send(message_id=second.id)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.twilio_sid and second.twilio_sid
    assert first.twilio_sid != second.twilio_sid
    assert [request.accepted for request in twilio_api.requests] == [True, True]


def test_sending_one_row_twice_makes_one_request_to_twilio(twilio_api: TwilioProxy) -> None:
    message = queue()

    first = sms_send(message_id=message.id)
    second = sms_send(message_id=message.id)

    assert first == second
    [request] = twilio_api.requests
    assert_row_matches(message, request)
    assert message.attempts == 1


def test_with_a_messaging_service_the_request_names_it_instead_of_a_sender(
    settings: Any, twilio_api: TwilioProxy
) -> None:
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2
    message = queue()

    sms_send(message_id=message.id)

    [request] = twilio_api.requests
    assert request.form["MessagingServiceSid"] == settings.TWILIO_MESSAGING_SERVICE_SID
    assert "From" not in request.form
    assert_row_matches(message, request)
