from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from ambassadors.models import Ambassador, InboundSms, OptOut

pytestmark = pytest.mark.django_db


def test_a_text_typed_on_the_command_line_is_handled_like_one_from_twilio(
    make_ambassador: Callable[..., Ambassador],
) -> None:
    ambassador = make_ambassador()
    out = StringIO()

    call_command("sms_inbound", str(ambassador.phone), "STOPP", stdout=out)

    assert OptOut.objects.filter(phone=str(ambassador.phone)).exists()
    assert InboundSms.objects.get().ambassador == ambassador
    assert "Read as: stop. opted out" in out.getvalue()
    assert "Answer: " in out.getvalue()


def test_a_bad_number_is_refused_with_the_reason() -> None:
    with pytest.raises(CommandError, match="not a phone number"):
        call_command("sms_inbound", "hello", "JA")


def test_it_refuses_when_texts_come_through_twilio(settings: Any) -> None:
    settings.SMS_BACKEND = "twilio"

    with pytest.raises(CommandError, match="webhook"):
        call_command("sms_inbound", "+46701740605", "JA")
