"""Twilio sends a webhook again when our answer was slow or lost: a replay, or twenty copies
arriving together, have the effect of one, and every copy gets a clean answer (no 500)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from ambassadors.models import Ambassador, InboundSms, Language, OptOut, OutboundSms
from ambassadors.outbox import sms_queue
from events.models import Call, Hotline, HotlineLanguage
from tests.reliability.concurrency import at_once, post_signed

# Each copy on its own connection, committed, as on a real server: a transactional test, with
# the reference data put back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COPIES = 20
SMS = "/webhooks/twilio/sms/"
STATUS = "/webhooks/twilio/status/"
VOICE = "/webhooks/twilio/voice/"
VOICE_STATUS = "/webhooks/twilio/voice/status/"
MESSAGE_SID = "SM" + "5" * 32
CALL_SID = "CA" + "6" * 32
HOTLINE_NUMBER = "+46631234500"


@pytest.fixture(autouse=True)
def signed(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = "replay-test-auth-token-0123456789"
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"
    settings.QUIET_HOURS = None
    settings.SMS_BACKEND = "locmem"


def messages(response: Any) -> list[str]:
    """The texts a TwiML answer sends back; the answer must be TwiML at all."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    content = response.content.decode()
    assert "<Response" in content
    return re.findall(r"<Message>(.*?)</Message>", content, re.S)


@pytest.fixture
def stop(ambassador: Callable[..., Ambassador]) -> dict[str, str]:
    """An ambassador texts STOP: stored, opted out, and one confirmation back."""
    person = ambassador("Åre", "sv:4")
    return {
        "MessageSid": MESSAGE_SID,
        "From": str(person.phone),
        "To": "+46101380000",
        "Body": "STOP",
    }


def assert_one_stop(form: dict[str, str]) -> None:
    assert InboundSms.objects.filter(message_sid=MESSAGE_SID).count() == 1
    assert OptOut.objects.filter(phone=form["From"]).count() == 1
    assert OutboundSms.objects.filter(in_reply_to__message_sid=MESSAGE_SID).count() == 1


def test_an_inbound_text_posted_twice_is_stored_and_answered_once(stop: dict[str, str]) -> None:
    first = post_signed(SMS, stop)
    again = post_signed(SMS, stop)

    assert len(messages(first)) == 1
    assert messages(again) == []
    assert_one_stop(stop)


def test_twenty_copies_of_an_inbound_text_at_once_are_stored_and_answered_once(
    stop: dict[str, str],
) -> None:
    responses = at_once(COPIES, lambda _: post_signed(SMS, stop))

    assert sorted(len(messages(response)) for response in responses) == [0] * (COPIES - 1) + [1]
    assert_one_stop(stop)


@pytest.fixture
def on_its_way() -> OutboundSms:
    message = sms_queue(
        to="+46701740640", purpose=OutboundSms.Purpose.OFFER, body="Hej!", language="sv"
    )
    OutboundSms.objects.filter(id=message.id).update(
        status=OutboundSms.Status.SENDING, twilio_sid=MESSAGE_SID
    )
    message.refresh_from_db()
    return message


def test_twenty_copies_of_a_delivery_report_at_once_move_the_status_once(
    on_its_way: OutboundSms,
) -> None:
    form = {"MessageSid": MESSAGE_SID, "MessageStatus": "delivered"}

    responses = at_once(COPIES, lambda _: post_signed(STATUS, form))

    assert [response.status_code for response in responses] == [204] * COPIES
    on_its_way.refresh_from_db()
    assert on_its_way.status == OutboundSms.Status.DELIVERED
    # A late "sent" after the copies does not move it back.
    post_signed(STATUS, {"MessageSid": MESSAGE_SID, "MessageStatus": "sent"})
    on_its_way.refresh_from_db()
    assert on_its_way.status == OutboundSms.Status.DELIVERED


def test_twenty_copies_of_an_opted_out_report_at_once_opt_the_number_out_once(
    on_its_way: OutboundSms,
) -> None:
    form = {"MessageSid": MESSAGE_SID, "MessageStatus": "undelivered", "ErrorCode": "21610"}

    responses = at_once(COPIES, lambda _: post_signed(STATUS, form))

    assert [response.status_code for response in responses] == [204] * COPIES
    assert OptOut.objects.filter(phone=str(on_its_way.to)).count() == 1
    on_its_way.refresh_from_db()
    assert (on_its_way.status, on_its_way.last_error_code) == ("undelivered", 21610)


@pytest.fixture
def hotline() -> Hotline:
    hotline = Hotline.objects.create(
        name="Buddy hotline",
        phone=HOTLINE_NUMBER,
        fallback_name="Karin",
        fallback_phone="+46701740641",
    )
    for digit, code in enumerate(["sv", "ar"], start=1):
        HotlineLanguage.objects.create(
            hotline=hotline, language=Language.objects.get(code=code), digit=digit
        )
    return hotline


def test_twenty_copies_of_a_new_call_at_once_keep_one_call(hotline: Hotline) -> None:
    form = {"CallSid": CALL_SID, "From": "+46701740642", "To": HOTLINE_NUMBER}

    responses = at_once(COPIES, lambda _: post_signed(VOICE, form))

    assert [response.status_code for response in responses] == [200] * COPIES
    # Every copy hears the same menu.
    assert len({response.content for response in responses}) == 1
    assert b"<Gather" in responses[0].content
    call = Call.objects.get()
    assert (call.call_sid, call.caller_last_digits) == (CALL_SID, "642")


def test_twenty_copies_of_a_calls_end_at_once_record_it_once(hotline: Hotline) -> None:
    Call.objects.create(hotline=hotline, call_sid=CALL_SID, caller_last_digits="642")
    form = {"CallSid": CALL_SID, "CallStatus": "no-answer", "CallDuration": "34"}

    responses = at_once(COPIES, lambda _: post_signed(VOICE_STATUS, form))

    assert [response.status_code for response in responses] == [204] * COPIES
    call = Call.objects.get()
    assert (call.duration_s, call.outcome) == (34, Call.Outcome.MISSED)
    assert call.ended_at is not None


def test_twenty_copies_of_a_voicemail_at_once_tell_the_coordinator_once(hotline: Hotline) -> None:
    Call.objects.create(hotline=hotline, call_sid=CALL_SID, caller_last_digits="642")
    form = {
        "CallSid": CALL_SID,
        "From": "+46701740642",
        "To": HOTLINE_NUMBER,
        "RecordingSid": "RE" + "7" * 32,
        "RecordingDuration": "12",
    }

    responses = at_once(COPIES, lambda _: post_signed(f"{VOICE}?step=voicemail", form))

    assert [response.status_code for response in responses] == [200] * COPIES
    assert Call.objects.get().outcome == Call.Outcome.VOICEMAIL
    told = OutboundSms.objects.filter(purpose=OutboundSms.Purpose.VOICEMAIL)
    assert told.count() == 1
    assert str(told.get().to) == "+46701740641"
