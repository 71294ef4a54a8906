"""A send whose answer was lost is looked up before it is tried again: never sent blind twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from ambassadors.models import OutboundSms
from ambassadors.outbox import STUCK_AFTER, sms_dispatch_due, sms_queue, sms_send
from ambassadors.sms import LocmemMessage
from tests.twilio_contract import TwilioProxy

pytestmark = pytest.mark.django_db

Status = OutboundSms.Status
NUMBER = "+46701740671"
NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def queue() -> OutboundSms:
    return sms_queue(
        to=NUMBER, purpose=OutboundSms.Purpose.OFFER, body="Hej! Välkommen.", language="sv"
    )


def test_a_dropped_answer_leaves_the_text_sending_and_is_not_retried_blind(
    twilio_api: TwilioProxy, tasks_run_at_once: None
) -> None:
    twilio_api.drop_next(1)

    with time_machine.travel(NOON, tick=False) as clock:
        message = queue()
        assert sms_send(message_id=message.id) == Status.SENDING
        assert sms_send(message_id=message.id) == Status.SENDING
        assert sms_dispatch_due() == 0
        clock.shift(STUCK_AFTER - timedelta(seconds=1))
        assert sms_dispatch_due() == 0

    message.refresh_from_db()
    assert message.twilio_sid is None
    assert message.last_error.startswith("Twilio did not answer")
    posts = [r for r in twilio_api.requests if r.method == "POST"]
    assert len(posts) == 1 and posts[0].accepted


def test_after_the_wait_twilio_is_asked_before_the_text_goes_again(
    twilio_api: TwilioProxy, tasks_run_at_once: None
) -> None:
    twilio_api.drop_next(1)

    with time_machine.travel(NOON, tick=False) as clock:
        message = queue()
        sms_send(message_id=message.id)
        clock.shift(STUCK_AFTER + timedelta(seconds=1))
        # Prism's list of messages never holds this text, so it is requeued and sent.
        assert sms_dispatch_due() == 1

    methods = [r.method for r in twilio_api.requests]
    assert methods == ["POST", "GET", "POST"]
    lookup = twilio_api.requests[1]
    assert lookup.status == 200 and "To=%2B46701740671" in lookup.path
    message.refresh_from_db()
    assert message.twilio_sid == twilio_api.requests[2].answer["sid"]


def test_a_text_the_provider_already_has_is_recorded_not_sent_again(
    sms_outbox: list[LocmemMessage], tasks_run_at_once: None
) -> None:
    message = queue()
    # The worker handed it over, then died before it could write the SID down.
    sms_send(message_id=message.id)
    OutboundSms.objects.filter(id=message.id).update(
        status=Status.SENDING, twilio_sid=None, status_changed_at=timezone.now() - STUCK_AFTER
    )

    sms_dispatch_due()

    message.refresh_from_db()
    assert len(sms_outbox) == 1
    assert (message.status, message.twilio_sid) == (Status.SENT, sms_outbox[0].sid)


def test_a_text_whose_worker_died_before_sending_goes_out_once(
    sms_outbox: list[LocmemMessage], tasks_run_at_once: None
) -> None:
    message = queue()
    OutboundSms.objects.filter(id=message.id).update(
        status=Status.SENDING, status_changed_at=timezone.now() - STUCK_AFTER
    )

    assert sms_dispatch_due() == 1
    assert sms_dispatch_due() == 0

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert len(sms_outbox) == 1
