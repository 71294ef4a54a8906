"""When Twilio says no: busy and broken Twilio is tried again later, never twice; refusals stick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from ambassadors.models import OptOut, OutboundSms
from ambassadors.outbox import sms_dispatch_due, sms_queue, sms_send
from tests.twilio_contract import (
    INVALID_TO,
    RATE_LIMITED,
    SERVER_ERROR,
    UNSUBSCRIBED,
    Fault,
    TwilioProxy,
    closed_url,
)

pytestmark = pytest.mark.django_db

Status = OutboundSms.Status
NUMBER = "+46701740670"
# 12:00 in Stockholm, outside the quiet hours.
NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def queue() -> OutboundSms:
    return sms_queue(
        to=NUMBER, purpose=OutboundSms.Purpose.OFFER, body="Hej! Välkommen.", language="sv"
    )


@pytest.mark.parametrize("fault", [RATE_LIMITED, SERVER_ERROR], ids=["429", "500"])
def test_a_text_twilio_could_not_take_is_sent_once_after_the_pause(
    twilio_api: TwilioProxy, tasks_run_at_once: None, fault: Fault
) -> None:
    twilio_api.fail_next(1, *fault)

    with time_machine.travel(NOON, tick=False) as clock:
        message = queue()
        assert sms_send(message_id=message.id) == Status.QUEUED
        message.refresh_from_db()
        assert message.last_error_code == fault.code
        assert message.send_after > timezone.now()
        # Nothing is due before the pause is over.
        assert sms_dispatch_due() == 0

        clock.move_to(message.send_after + timedelta(seconds=1))
        assert sms_dispatch_due() == 1
        # The sweep comes again a minute later: nothing is left to send.
        clock.shift(timedelta(minutes=1))
        assert sms_dispatch_due() == 0
        sms_send(message_id=message.id)

    message.refresh_from_db()
    assert [request.status for request in twilio_api.requests] == [fault.status, 201]
    assert [request.accepted for request in twilio_api.requests] == [False, True]
    assert message.twilio_sid == twilio_api.requests[1].answer["sid"]
    assert message.attempts == 2


def test_a_text_twilio_keeps_failing_fails_after_the_last_attempt(
    settings: Any, twilio_api: TwilioProxy, tasks_run_at_once: None
) -> None:
    settings.SMS_MAX_ATTEMPTS = 3
    twilio_api.fail_next(3, *SERVER_ERROR)

    with time_machine.travel(NOON, tick=False) as clock:
        message = queue()
        sms_send(message_id=message.id)
        for _ in range(2):
            message.refresh_from_db()
            assert message.status == Status.QUEUED
            clock.move_to(message.send_after + timedelta(seconds=1))
            assert sms_dispatch_due() == 1

        clock.shift(timedelta(days=1))
        assert sms_dispatch_due() == 0

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert (message.attempts, message.last_error_code) == (3, 20500)
    assert [request.status for request in twilio_api.requests] == [500, 500, 500]


def test_an_invalid_number_fails_at_once_and_is_not_tried_again(
    twilio_api: TwilioProxy, tasks_run_at_once: None
) -> None:
    twilio_api.fail_next(1, *INVALID_TO)

    with time_machine.travel(NOON, tick=False) as clock:
        message = queue()
        assert sms_send(message_id=message.id) == Status.FAILED
        clock.shift(timedelta(days=1))
        assert sms_dispatch_due() == 0

    message.refresh_from_db()
    assert (message.status, message.last_error_code) == (Status.FAILED, 21211)
    assert len(twilio_api.requests) == 1
    assert not OptOut.objects.exists()


def test_an_unsubscribed_number_is_opted_out_and_gets_no_more_texts(
    twilio_api: TwilioProxy, tasks_run_at_once: None, django_capture_on_commit_callbacks: Any
) -> None:
    twilio_api.fail_next(1, *UNSUBSCRIBED)
    message = queue()

    assert sms_send(message_id=message.id) == Status.FAILED

    message.refresh_from_db()
    assert message.last_error_code == 21610
    assert OptOut.objects.filter(phone=NUMBER, source=OptOut.Source.TWILIO).exists()
    with django_capture_on_commit_callbacks(execute=True):
        later = queue()
    assert later.status == Status.SUPPRESSED
    assert sms_send(message_id=later.id) == Status.SUPPRESSED
    assert len(twilio_api.requests) == 1


def test_a_text_is_tried_again_when_twilio_cannot_be_reached(
    settings: Any, twilio_api: TwilioProxy
) -> None:
    settings.TWILIO_API_BASE_URL = closed_url()

    with time_machine.travel(NOON, tick=False):
        message = queue()
        assert sms_send(message_id=message.id) == Status.QUEUED

        message.refresh_from_db()
        assert message.send_after > timezone.now()
    assert message.last_error_code is None
    assert message.last_error.startswith("Twilio could not be reached")
    assert message.attempts == 1
    assert twilio_api.requests == []
