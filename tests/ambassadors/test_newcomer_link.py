"""A household sees and acts on its own request only through the signed link we text it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from ambassadors.models import AuditEvent, BuddyRequest, Consent, Language
from ambassadors.self_service import newcomer_link, newcomer_link_send, newcomer_token
from ambassadors.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina(household: Callable[..., BuddyRequest]) -> BuddyRequest:
    request = household("Åre", "uk en", first_name="Amina", last_name="Haddad")
    consent_record(
        purpose=Consent.Purpose.BUDDY_REQUEST, language="uk",
        channel=Consent.Channel.WEB, buddy_request=request,
    )  # fmt: skip
    return request


def path(buddy_request: BuddyRequest, language: str = "en") -> str:
    return f"/{language}/request/{newcomer_token(buddy_request=buddy_request)}/"


def test_the_link_shows_the_request_and_what_is_kept(client: Client, amina: BuddyRequest) -> None:
    response = client.get(path(amina))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Amina Haddad" in html
    assert "We have received your request" in html
    assert "Åre" in html
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, actor_kind=AuditEvent.Actor.NEWCOMER, subject_id=amina.id
    ).exists()


def test_the_texted_link_is_in_the_households_language(amina: BuddyRequest, settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://welcome.example.se"

    text = newcomer_link_send(buddy_request=amina)

    assert text.to == amina.phone and text.buddy_request == amina
    assert text.language == "uk"
    assert newcomer_link(buddy_request=amina).startswith("https://welcome.example.se/uk/request/")
    assert newcomer_link(buddy_request=amina) in text.body


def test_a_changed_link_is_a_404_that_says_what_to_do(client: Client, amina: BuddyRequest) -> None:
    token = newcomer_token(buddy_request=amina)
    forged = token.replace(token[2], "x" if token[2] != "x" else "y", 1)

    response = client.get(f"/en/request/{forged}/")

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_link_for_another_request_cannot_be_made_by_changing_the_id(
    client: Client, amina: BuddyRequest, household: Callable[..., BuddyRequest]
) -> None:
    other = household(first_name="Other")
    other_payload = newcomer_token(buddy_request=other).split(":")[0]
    _payload, timestamp, signature = newcomer_token(buddy_request=amina).split(":")

    response = client.get(f"/en/request/{other_payload}:{timestamp}:{signature}/")

    assert response.status_code == 404
    assert "Other" not in response.content.decode()


def test_an_old_link_is_gone_after_ninety_days(client: Client, amina: BuddyRequest) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=91)):
        token = newcomer_token(buddy_request=amina)

    response = client.get(f"/en/request/{token}/")

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.get(path(amina)).status_code == 200


def test_the_household_withdraws_its_consent(client: Client, amina: BuddyRequest) -> None:
    response = client.post(path(amina), {"action": "withdraw"}, follow=True)

    consent = amina.consents.get()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_channel == Consent.Channel.WEB
    assert "Your request is withdrawn" in response.content.decode()
    withdrawals = AuditEvent.objects.filter(action=AuditEvent.Action.WITHDRAW)
    assert [(row.actor_kind, row.subject_id, row.via) for row in withdrawals] == [
        (AuditEvent.Actor.NEWCOMER, amina.id, "newcomer_request")
    ]


def test_the_household_changes_the_language_we_write_in(
    client: Client, amina: BuddyRequest
) -> None:
    english = Language.objects.get(code="en")

    client.post(path(amina), {"action": "language", "preferred_language": english.id})

    amina.refresh_from_db()
    assert amina.preferred_language == english
    assert list(amina.other_languages.all()) == []
    change = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
    assert change.actor_kind == AuditEvent.Actor.NEWCOMER
    assert change.fields == ["other_languages", "preferred_language"]


def test_a_closed_request_keeps_its_language(client: Client, amina: BuddyRequest) -> None:
    BuddyRequest.objects.filter(id=amina.id).update(status=BuddyRequest.Status.CLOSED)

    client.post(
        path(amina),
        {"action": "language", "preferred_language": Language.objects.get(code="en").id},
    )

    amina.refresh_from_db()
    assert amina.preferred_language.code == "uk"


def test_the_link_of_an_erased_request_is_a_404(client: Client, amina: BuddyRequest) -> None:
    BuddyRequest.objects.filter(id=amina.id).update(erased_at=timezone.now())

    assert client.get(path(amina)).status_code == 404
