"""A sign-in code Twilio refuses for good leaves no code in the message log."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ambassadors.models import Ambassador, OutboundSms
from ambassadors.outbox import OTP_BODY_GONE, sms_send
from ambassadors.self_service import otp_request
from tests.twilio_contract import INVALID_TO, TwilioProxy

pytestmark = pytest.mark.django_db


def test_a_code_twilio_refuses_fails_and_is_blanked(
    twilio_api: TwilioProxy, ambassador: Callable[..., Ambassador]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    otp_request(phone=karim.phone)
    text = OutboundSms.objects.get(ambassador=karim)
    twilio_api.fail_next(1, *INVALID_TO)

    assert sms_send(message_id=text.id) == OutboundSms.Status.FAILED

    text.refresh_from_db()
    assert text.body == OTP_BODY_GONE
    assert text.last_error_code == INVALID_TO.code
    # The code did go to Twilio, the one place it had to.
    assert any(char.isdigit() for char in twilio_api.requests[0].form["Body"])


def test_a_code_twilio_takes_is_blanked_with_its_sid_kept(
    twilio_api: TwilioProxy, ambassador: Callable[..., Ambassador]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    otp_request(phone=karim.phone)
    text = OutboundSms.objects.get(ambassador=karim)

    sms_send(message_id=text.id)

    text.refresh_from_db()
    assert text.body == OTP_BODY_GONE
    assert text.twilio_sid == twilio_api.requests[0].answer["sid"]
