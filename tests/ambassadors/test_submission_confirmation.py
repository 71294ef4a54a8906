"""A household that asks for a buddy is texted a confirmation with the link to its own request."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework.test import APIClient

from ambassadors.models import (
    BuddyRequest,
    Consent,
    Language,
    Municipality,
    OptOut,
    OutboundSms,
)
from ambassadors.services import buddy_request_submit
from ambassadors.sms import LocmemMessage

pytestmark = pytest.mark.django_db

Purpose = OutboundSms.Purpose
Status = OutboundSms.Status
NUMBER = "+46701740640"
# 23:00 in Stockholm: inside the quiet hours.
NIGHT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def link_path(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/request/\S+/)", body)
    assert found is not None, body
    return found.group(1)


def submit(language: str = "uk", phone: str = NUMBER) -> BuddyRequest:
    buddy_request, _updated = buddy_request_submit(
        first_name="Olena",
        phone=PhoneNumber.from_string(phone),
        preferred_language=Language.objects.get(code=language),
        municipality=Municipality.objects.get(name="Krokom"),
        consent_language=language,
        channel=Consent.Channel.WEB,
    )
    return buddy_request


def test_an_api_request_is_confirmed_with_a_link_that_opens_it(
    api: APIClient, client: Client, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"

    response = api.post(
        "/api/v1/buddy-requests/",
        {
            "first_name": "Olena", "phone": NUMBER, "preferred_language": "uk",
            "municipality": "2380", "consent": True, "consent_language": "uk",
        },
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    text = OutboundSms.objects.get()
    assert (text.purpose, text.to, text.language) == (Purpose.CONFIRMATION, NUMBER, "uk")
    assert text.buddy_request_id == response.json()["id"]
    assert text.body.split("https://welcome.example.se")[1].startswith("/uk/request/")
    page = client.get(link_path(text.body))
    assert page.status_code == 200
    assert "Olena" in page.content.decode()


def test_the_web_form_confirms_in_the_households_language_or_english(client: Client) -> None:
    client.post(
        "/sv/buddy/",
        {
            "first_name": "Abdi", "phone": "070-174 06 41",
            "preferred_language": Language.objects.get(code="so").id,
            "municipality": Municipality.objects.get(name="Åre").id, "consent": "on",
        },
    )  # fmt: skip

    text = OutboundSms.objects.get(purpose=Purpose.CONFIRMATION)
    assert text.language == "en"
    assert "/en/request/" in text.body


def test_the_confirmation_goes_at_once_even_at_night(
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    with time_machine.travel(NIGHT, tick=False), committing():
        buddy_request = submit()

    text = OutboundSms.objects.get(buddy_request=buddy_request)
    assert text.status == Status.SENT
    assert [sent.to for sent in sms_outbox] == [NUMBER]


def test_an_update_of_the_open_request_is_confirmed_again() -> None:
    first = submit()
    second = submit(language="en")

    assert second == first
    texts = OutboundSms.objects.filter(buddy_request=first).order_by("id")
    assert list(texts.values_list("language", flat=True)) == ["uk", "en"]


def test_a_number_that_opted_out_gets_no_confirmation(sms_outbox: list[LocmemMessage]) -> None:
    OptOut.objects.create(phone=NUMBER, source=OptOut.Source.KEYWORD)

    buddy_request = submit()

    text = OutboundSms.objects.get(buddy_request=buddy_request)
    assert text.status == Status.SUPPRESSED
    assert sms_outbox == []
