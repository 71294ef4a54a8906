"""An ambassador signs in to /<lang>/me/ with a one-time code sent by SMS."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ambassadors.models import Ambassador, AuditEvent, Language, OutboundSms
from ambassadors.self_service import sign_in_ticket

pytestmark = pytest.mark.django_db

NUMBER = "+46701740650"


@pytest.fixture
def karim(ambassador: Callable[..., Ambassador]) -> Ambassador:
    return ambassador(
        "Åre", "ar:4 sv:2", first_name="Karim", phone=NUMBER,
        preferred_language=Language.objects.get(code="ar"),
    )  # fmt: skip


def ask_for_code(client: Client, phone: str = "070-174 06 50") -> Any:
    return client.post("/en/me/sign-in/", {"phone": phone})


def texted_code(ambassador: Ambassador) -> str:
    body = OutboundSms.objects.filter(ambassador=ambassador).latest("created_at").body
    found = re.search(r"\d{6}", body)
    assert found is not None, body
    return found.group(0)


def test_a_code_is_texted_in_the_ambassadors_language_and_signs_them_in(
    client: Client, karim: Ambassador
) -> None:
    response = ask_for_code(client)

    assert response.status_code == 302
    assert response["Location"] == "/en/me/code/"
    text = OutboundSms.objects.get(ambassador=karim)
    assert text.to == NUMBER
    assert text.language == "ar"
    code = texted_code(karim)
    before = client.session.session_key

    signed_in = client.post("/en/me/code/", {"code": code}, follow=True)

    assert signed_in.redirect_chain == [("/en/me/", 302)]
    assert "Hello, Karim" in signed_in.content.decode()
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN, actor_ambassador_id=karim.id, subject_id=karim.id
    ).exists()


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_an_unknown_number_gets_the_same_answer_and_no_text(
    client: Client, karim: Ambassador
) -> None:
    known = ask_for_code(client)
    stranger = Client()

    unknown = ask_for_code(stranger, "070-174 06 51")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert without_csrf(stranger.get("/en/me/code/").content.decode()) == without_csrf(
        client.get("/en/me/code/").content.decode()
    )
    assert OutboundSms.objects.count() == 1
    refused = stranger.post("/en/me/code/", {"code": "123456"})
    assert "The code is wrong or no longer valid" in refused.content.decode()


def test_the_cache_holds_a_keyed_hash_of_the_code_and_not_the_number(
    client: Client, karim: Ambassador
) -> None:
    ask_for_code(client)
    code = texted_code(karim)

    pending = cache.get(f"self-service:code:{sign_in_ticket(NUMBER)}")

    assert pending is not None
    assert pending["ambassador"] == karim.id
    assert code not in repr(pending)
    assert NUMBER not in repr(pending) and NUMBER not in sign_in_ticket(NUMBER)
    assert pending["digest"] not in (hashlib.sha256(code.encode()).hexdigest(), code)


def test_a_wrong_code_five_times_burns_the_right_one(client: Client, karim: Ambassador) -> None:
    ask_for_code(client)
    code = texted_code(karim)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = [client.post("/en/me/code/", {"code": wrong}).content.decode() for _ in range(5)]
    after = client.post("/en/me/code/", {"code": code})

    assert all("The code is wrong" in answer for answer in answers[:4])
    assert "That was the last try for this code" in answers[4]
    assert after.status_code == 200
    assert "The code is wrong or no longer valid" in after.content.decode()
    assert client.get("/en/me/").status_code == 302


def test_a_code_is_used_once(client: Client, karim: Ambassador) -> None:
    ask_for_code(client)
    code = texted_code(karim)
    client.post("/en/me/code/", {"code": code})
    other = Client()
    other.post("/en/me/sign-in/", {"phone": NUMBER})
    OutboundSms.objects.all().delete()

    reused = other.post("/en/me/code/", {"code": code})

    assert "The code is wrong or no longer valid" in reused.content.decode()


def test_a_code_expires_after_ten_minutes(client: Client, karim: Ambassador, settings: Any) -> None:
    # The lifetime is the cache's own expiry; the in-memory cache follows the
    # test's clock, which Redis does not.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ask_for_code(client)
        code = texted_code(karim)
        traveller.shift(timedelta(minutes=10, seconds=1))

        late = client.post("/en/me/code/", {"code": code})

    assert "The code is wrong or no longer valid" in late.content.decode()


@pytest.mark.parametrize(("preferred", "written_in"), [("sv", "sv"), ("uk", "uk"), ("fa", "en")])
def test_the_code_is_written_in_the_ambassadors_language_or_english(
    client: Client, ambassador: Callable[..., Ambassador], preferred: str, written_in: str
) -> None:
    someone = ambassador(phone=NUMBER, preferred_language=Language.objects.get(code=preferred))

    ask_for_code(client)

    assert OutboundSms.objects.get(ambassador=someone).language == written_in


def test_an_idle_ambassador_is_signed_out(client: Client, karim: Ambassador) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ask_for_code(client)
        client.post("/en/me/code/", {"code": texted_code(karim)})
        traveller.shift(timedelta(minutes=29))
        assert client.get("/en/me/").status_code == 200
        traveller.shift(timedelta(minutes=31))

        response = client.get("/en/me/")

    assert response.status_code == 302
    assert response["Location"] == "/en/me/sign-in/"


def test_signing_out_ends_the_session(client: Client, karim: Ambassador) -> None:
    ask_for_code(client)
    client.post("/en/me/code/", {"code": texted_code(karim)})

    client.post("/en/me/sign-out/")

    assert client.get("/en/me/")["Location"] == "/en/me/sign-in/"
