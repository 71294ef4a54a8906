"""A sign-in code never stays readable in the message log: blanked once sent, hidden until then."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, OptOut, OutboundSms
from ambassadors.outbox import OTP_BODY_GONE, opt_out, sms_send
from ambassadors.self_service import otp_request
from ambassadors.sms import LocmemMessage
from ambassadors.sms_text import segments

pytestmark = pytest.mark.django_db

Status = OutboundSms.Status


@pytest.fixture
def karim(ambassador: Callable[..., Ambassador]) -> Ambassador:
    return ambassador("Åre", first_name="Karim")


def code_in(body: str) -> str | None:
    found = re.search(r"\d{6}", body)
    return found.group(0) if found else None


def test_a_sent_code_reaches_the_phone_and_leaves_no_code_in_the_log(
    karim: Ambassador,
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    with committing():
        otp_request(phone=karim.phone)

    text = OutboundSms.objects.get(ambassador=karim)
    assert text.purpose == OutboundSms.Purpose.OTP
    assert text.status == Status.SENT
    assert code_in(sms_outbox[0].body) is not None
    assert text.body == OTP_BODY_GONE
    # What it cost stays countable.
    sent = segments(sms_outbox[0].body)
    assert (text.encoding, text.segments) == (sent.encoding, sent.count)


def test_a_code_waiting_to_be_sent_keeps_its_body_for_the_sender(
    karim: Ambassador, sms_outbox: list[LocmemMessage]
) -> None:
    otp_request(phone=karim.phone)

    text = OutboundSms.objects.get(ambassador=karim)
    assert text.status == Status.QUEUED
    assert code_in(text.body) is not None
    assert sms_send(message_id=text.id) == Status.SENT
    assert code_in(sms_outbox[0].body) == code_in(text.body)


def test_a_code_not_sent_because_the_number_opted_out_is_blanked(karim: Ambassador) -> None:
    otp_request(phone=karim.phone)

    opt_out(phone=karim.phone, source=OptOut.Source.KEYWORD)

    text = OutboundSms.objects.get(ambassador=karim)
    assert (text.status, text.body) == (Status.SUPPRESSED, OTP_BODY_GONE)


def test_a_code_whose_number_opts_out_before_the_send_is_blanked(
    karim: Ambassador, sms_outbox: list[LocmemMessage]
) -> None:
    otp_request(phone=karim.phone)
    text = OutboundSms.objects.get(ambassador=karim)
    # Opted out by another path than `opt_out`, which suppresses the queue itself.
    OptOut.objects.create(phone=str(karim.phone), source=OptOut.Source.KEYWORD)

    assert sms_send(message_id=text.id) == Status.SUPPRESSED

    text.refresh_from_db()
    assert text.body == OTP_BODY_GONE
    assert sms_outbox == []


def test_other_texts_keep_their_body_once_sent(
    karim: Ambassador, sms_outbox: list[LocmemMessage]
) -> None:
    text = OutboundSms.objects.create(
        to=karim.phone, ambassador=karim, purpose=OutboundSms.Purpose.OFFER, language="sv",
        body="Amina i Åre behöver en kompis. Svara JA 4821 eller NEJ 4821.",
        encoding="GSM-7", segments=1,
    )  # fmt: skip

    sms_send(message_id=text.id)

    text.refresh_from_db()
    assert text.body.startswith("Amina i Åre")


def test_the_admin_does_not_show_a_code_not_sent_yet(
    karim: Ambassador, make_coordinator: Callable[..., User]
) -> None:
    otp_request(phone=karim.phone)
    text = OutboundSms.objects.get(ambassador=karim)
    code = code_in(text.body)
    assert code is not None
    offer = OutboundSms.objects.create(
        to=karim.phone, ambassador=karim, purpose=OutboundSms.Purpose.OFFER, language="sv",
        body="Svara JA 4821 eller NEJ 4821.", encoding="GSM-7", segments=1,
    )  # fmt: skip
    client = Client()
    client.force_login(make_coordinator("Åre"))

    page = client.get(f"/admin/ambassadors/outboundsms/{text.id}/change/")
    other = client.get(f"/admin/ambassadors/outboundsms/{offer.id}/change/")
    listing = client.get("/admin/ambassadors/outboundsms/")

    assert page.status_code == 200
    assert code not in page.content.decode()
    assert "(sign-in code, not shown)" in page.content.decode()
    assert "Svara JA 4821 eller NEJ 4821." in other.content.decode()
    assert code not in listing.content.decode()
