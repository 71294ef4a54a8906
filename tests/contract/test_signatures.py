"""Twilio's signature: our check agrees with Twilio's published vectors and trusts no header."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.http import QueryDict
from django.test import Client
from twilio.request_validator import RequestValidator

from ambassadors.models import OutboundSms
from ambassadors.outbox import sms_queue
from api.webhooks import signature_valid

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

    TwilioPost = Callable[..., _MonkeyPatchedWSGIResponse]

pytestmark = pytest.mark.django_db

# Twilio's own test vectors, copied from twilio-python's
# tests/unit/test_request_validator.py (https://github.com/twilio/twilio-python).
TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}
EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8="

STATUS_PATH = "/webhooks/twilio/status/"
SID = "SM" + "0123456789abcdef" * 2


@pytest.fixture
def token(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize(
    ("url", "signature"),
    [
        (URL, EXPECTED),
        # Twilio may sign with or without the port: both forms must pass.
        (URL.replace(".com", ".com:1234"), EXPECTED),
        (URL, "kvajT1Ptam85bY51eRf/AJRuM3w="),  # signed for :443
        (URL.replace("https", "http"), "0ZXoZLH/DfblKGATFgpif+LLRf4="),  # signed for :80
        (URL.replace(".com", ".com:1234").replace("https", "http"), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
    ],
    ids=["plain", "https-port-removed", "https-443-added", "http-80-added", "http-port-kept"],
)
def test_twilios_published_signatures_are_valid(url: str, signature: str) -> None:
    assert signature_valid(url=url, params=PARAMS, signature=signature) is True


@pytest.mark.usefixtures("token")
def test_a_repeated_form_field_is_signed_in_the_order_twilio_sent_it() -> None:
    # The webhook hands the raw QueryDict over; the same vector file has this one.
    params = QueryDict("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234")

    assert signature_valid(url=URL, params=params, signature="IK+Dwps556ElfBT0I3Rgjkr1wJU=")


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize(
    "signature",
    ["RSOYDt4T1cUTdK1PDd93/VVr8B9=", "kvajT1Ptam85bY51eRf/AJRuM3w", ""],
    ids=["wrong", "truncated", "empty"],
)
def test_any_other_signature_is_invalid(signature: str) -> None:
    assert signature_valid(url=URL, params=PARAMS, signature=signature) is False


def test_nothing_is_valid_without_an_auth_token(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    signed_without_key = RequestValidator("").compute_signature(URL, PARAMS)

    assert signature_valid(url=URL, params=PARAMS, signature=signed_without_key) is False


def sending() -> OutboundSms:
    message = sms_queue(
        to="+46701740680", purpose=OutboundSms.Purpose.OFFER, body="Hej!", language="sv"
    )
    OutboundSms.objects.filter(id=message.id).update(
        status=OutboundSms.Status.SENDING, twilio_sid=SID
    )
    return message


DELIVERED = {"MessageSid": SID, "MessageStatus": "delivered"}


def status_after(message: OutboundSms) -> str:
    message.refresh_from_db()
    return message.status


def test_a_callback_signed_for_our_public_address_is_accepted(twilio_post: TwilioPost) -> None:
    message = sending()

    response = twilio_post(STATUS_PATH, DELIVERED)

    assert response.status_code == 204
    assert status_after(message) == OutboundSms.Status.DELIVERED


def test_a_callback_signed_for_the_host_the_client_named_is_refused(
    settings: Any, twilio_post: TwilioPost
) -> None:
    message = sending()
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        f"http://testserver{STATUS_PATH}", DELIVERED
    )

    response = twilio_post(STATUS_PATH, DELIVERED, signature=signature)

    assert response.status_code == 403
    assert status_after(message) == OutboundSms.Status.SENDING


def test_forwarded_headers_do_not_change_the_address_that_is_checked(
    settings: Any, twilio_post: TwilioPost, client: Client
) -> None:
    # Even where Django trusts the proxy headers, the signature is checked
    # against PUBLIC_BASE_URL, not against the address a client claims.
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    message = sending()
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        f"https://localhost{STATUS_PATH}", DELIVERED
    )

    response = client.post(
        STATUS_PATH,
        DELIVERED,
        HTTP_X_TWILIO_SIGNATURE=signature,
        HTTP_X_FORWARDED_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
    )

    assert response.wsgi_request.build_absolute_uri() == f"https://localhost{STATUS_PATH}"
    assert response.status_code == 403
    assert status_after(message) == OutboundSms.Status.SENDING


def test_an_unsigned_callback_is_refused(twilio_post: TwilioPost, client: Client) -> None:
    message = sending()

    response = client.post(STATUS_PATH, DELIVERED)

    assert response.status_code == 403
    assert status_after(message) == OutboundSms.Status.SENDING


def test_without_an_auth_token_every_callback_is_refused(
    settings: Any, twilio_post: TwilioPost
) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    message = sending()

    # The fixture signs with the (now empty) token: an HMAC with an empty key.
    response = twilio_post(STATUS_PATH, DELIVERED)

    assert response.status_code == 403
    assert status_after(message) == OutboundSms.Status.SENDING
