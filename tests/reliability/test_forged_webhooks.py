"""A webhook without Twilio's valid signature is refused and changes nothing, on every webhook.

Each case is refused with a 403 and leaves every row of every table as it was; the same request
signed properly does change something, so the check cannot pass by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps
from django.test import Client
from twilio.request_validator import RequestValidator

from ambassadors.models import InboundSms, Language, OutboundSms
from ambassadors.outbox import sms_queue
from events.models import Call, Hotline, HotlineLanguage

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

TOKEN = "forged-webhooks-auth-token-0123456789"
BASE = "https://welcome.example.se"
HOTLINE_NUMBER = "+46631234500"
MESSAGE_SID = "SM" + "0123456789abcdef" * 2
CALL_SID = "CA" + "0123456789abcdef" * 2
KNOWN_CALL_SID = "CA" + "fedcba9876543210" * 2


@dataclass(frozen=True)
class Hook:
    path: str
    form: dict[str, str]


HOOKS = {
    "sms": Hook(
        "/webhooks/twilio/sms/",
        {
            "MessageSid": MESSAGE_SID,
            "From": "+46701740605",
            "To": "+46101380000",
            "Body": "STOP",
        },
    ),
    "status": Hook(
        "/webhooks/twilio/status/", {"MessageSid": MESSAGE_SID, "MessageStatus": "delivered"}
    ),
    "voice": Hook(
        "/webhooks/twilio/voice/",
        {"CallSid": CALL_SID, "From": "+46701740606", "To": HOTLINE_NUMBER},
    ),
    "voice-status": Hook(
        "/webhooks/twilio/voice/status/",
        {"CallSid": KNOWN_CALL_SID, "CallStatus": "completed", "CallDuration": "61"},
    ),
}


@pytest.fixture(autouse=True)
def world(settings: Any) -> None:
    """A text on its way (for the status), a hotline (for a call) and a call (for its end)."""
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = BASE
    message = sms_queue(
        to="+46701740607", purpose=OutboundSms.Purpose.OFFER, body="Hej!", language="sv"
    )
    OutboundSms.objects.filter(id=message.id).update(
        status=OutboundSms.Status.SENDING, twilio_sid=MESSAGE_SID
    )
    hotline = Hotline.objects.create(
        name="Buddy hotline",
        phone=HOTLINE_NUMBER,
        fallback_name="Karin",
        fallback_phone="+46701740608",
    )
    HotlineLanguage.objects.create(
        hotline=hotline, language=Language.objects.get(code="sv"), digit=1
    )
    Call.objects.create(hotline=hotline, call_sid=KNOWN_CALL_SID, caller_last_digits="609")


def everything() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table: a refused request must leave all of them as they were."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def sign(url: str, form: dict[str, str], token: str = TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, form))


Forgery = Callable[[Hook], tuple[dict[str, str], str | None]]


def unsigned(hook: Hook) -> tuple[dict[str, str], str | None]:
    return hook.form, None


def wrong_signature(hook: Hook) -> tuple[dict[str, str], str | None]:
    return hook.form, "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def signed_with_another_token(hook: Hook) -> tuple[dict[str, str], str | None]:
    return hook.form, sign(f"{BASE}{hook.path}", hook.form, token="someone-elses-token")


def signed_for_another_address(hook: Hook) -> tuple[dict[str, str], str | None]:
    return hook.form, sign(f"https://attacker.example.com{hook.path}", hook.form)


def signed_for_another_webhook(hook: Hook) -> tuple[dict[str, str], str | None]:
    other = "/webhooks/twilio/status/" if hook.path != "/webhooks/twilio/status/" else "/"
    return hook.form, sign(f"{BASE}{other}", hook.form)


def signed_over_other_parameters(hook: Hook) -> tuple[dict[str, str], str | None]:
    # Twilio signed a harmless request; the attacker changed its fields.
    harmless = {key: "0" for key in hook.form}
    return hook.form, sign(f"{BASE}{hook.path}", harmless)


def signed_with_a_field_added(hook: Hook) -> tuple[dict[str, str], str | None]:
    signature = sign(f"{BASE}{hook.path}", hook.form)
    return {**hook.form, "Extra": "1"}, signature


def signed_with_an_empty_token(hook: Hook) -> tuple[dict[str, str], str | None]:
    return hook.form, sign(f"{BASE}{hook.path}", hook.form, token="")


FORGERIES: list[Forgery] = [
    unsigned,
    wrong_signature,
    signed_with_another_token,
    signed_for_another_address,
    signed_for_another_webhook,
    signed_over_other_parameters,
    signed_with_a_field_added,
    signed_with_an_empty_token,
]


def post(
    client: Client, path: str, form: dict[str, str], signature: str | None
) -> _MonkeyPatchedWSGIResponse:
    headers = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": signature}
    return client.post(path, form, **headers)  # type: ignore[arg-type]


@pytest.mark.parametrize("forgery", FORGERIES, ids=lambda forgery: forgery.__name__)
@pytest.mark.parametrize("name", list(HOOKS))
def test_a_forged_or_unsigned_webhook_is_refused_and_changes_nothing(
    client: Client, name: str, forgery: Forgery
) -> None:
    hook = HOOKS[name]
    form, signature = forgery(hook)
    before = everything()

    response = post(client, hook.path, form, signature)

    assert response.status_code == 403
    assert everything() == before


@pytest.mark.parametrize("name", list(HOOKS))
def test_a_properly_signed_webhook_is_refused_when_no_auth_token_is_configured(
    settings: Any, client: Client, name: str
) -> None:
    hook = HOOKS[name]
    signature = sign(f"{BASE}{hook.path}", hook.form)
    settings.TWILIO_AUTH_TOKEN = ""
    before = everything()

    response = post(client, hook.path, hook.form, signature)

    assert response.status_code == 403
    assert everything() == before


@pytest.mark.parametrize("name", list(HOOKS))
def test_the_same_request_properly_signed_is_taken(client: Client, name: str) -> None:
    # The control: each forgery above would have had an effect.
    hook = HOOKS[name]
    before = everything()

    response = post(client, hook.path, hook.form, sign(f"{BASE}{hook.path}", hook.form))

    assert response.status_code in (200, 204)
    assert everything() != before
    effects = {
        "sms": lambda: InboundSms.objects.filter(message_sid=MESSAGE_SID).exists(),
        "status": lambda: OutboundSms.objects.get(twilio_sid=MESSAGE_SID).status == "delivered",
        "voice": lambda: Call.objects.filter(call_sid=CALL_SID).exists(),
        "voice-status": lambda: Call.objects.get(call_sid=KNOWN_CALL_SID).duration_s == 61,
    }
    assert effects[name]()
