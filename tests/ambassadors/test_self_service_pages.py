"""A signed-in ambassador's own pages: buddies, offers, meetups, shifts, pause, details, withdrawal.

Each page reads only the signed-in ambassador's rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from ambassadors.models import (
    Ambassador,
    AuditEvent,
    BuddyRequest,
    Consent,
    Interest,
    Language,
    LanguageLevel,
    Municipality,
    OutboundSms,
)
from ambassadors.services import consent_record
from events.models import Event, Hotline, HotlineVolunteer, Invitation, Rota, Shift, ShiftAssignment
from matching.models import Match, MatchRun, Offer, Proposal

pytestmark = pytest.mark.django_db


def sign_in(ambassador: Ambassador) -> Client:
    """A browser that has signed in as `ambassador` with the code texted to them."""
    client = Client()
    client.post("/en/me/sign-in/", {"phone": str(ambassador.phone)})
    body = OutboundSms.objects.filter(ambassador=ambassador).latest("created_at").body
    found = re.search(r"\d{6}", body)
    assert found is not None
    assert client.post("/en/me/code/", {"code": found.group(0)})["Location"] == "/en/me/"
    return client


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_visitor_who_has_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    for page in ("/en/me/", "/en/me/profile/", "/en/me/withdraw/"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, "/en/me/sign-in/")


def test_the_page_shows_their_own_buddies_offers_meetups_and_shifts_only(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    other = ambassador("Östersund", first_name="Olle")
    now = timezone.now()
    Match.objects.create(buddy_request=household("Åre", first_name="Amina"), ambassador=karim)
    Match.objects.create(
        buddy_request=household("Åre", first_name="Ended"), ambassador=karim, status="ended"
    )
    Match.objects.create(buddy_request=household(first_name="Notyours"), ambassador=other)
    leila = household("Krokom", first_name="Leila")
    run = MatchRun.objects.create(trigger=MatchRun.Trigger.COMMAND)
    proposal = Proposal.objects.create(
        run=run, buddy_request=leila, ambassador=karim, score=1, reasons={},
        explanation="", explanation_language="en",
    )  # fmt: skip
    Offer.objects.create(
        proposal=proposal, buddy_request=leila, ambassador=karim, code="4821", score=1,
        reasons={}, expires_at=now + timedelta(hours=20),
    )  # fmt: skip
    meetup = Event.objects.create(
        title_sv="Fika", title_en="Coffee in Åre", kind=Event.Kind.NETWORK_MEETUP,
        municipality=Municipality.objects.get(name="Åre"), status=Event.Status.PUBLISHED,
        starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2),
    )  # fmt: skip
    hidden = Event.objects.create(
        title_sv="Annat", title_en="Someone else's evening", kind=Event.Kind.NETWORK_MEETUP,
        municipality=Municipality.objects.get(name="Åre"), status=Event.Status.PUBLISHED,
        starts_at=now + timedelta(days=4), ends_at=now + timedelta(days=4, hours=2),
    )  # fmt: skip
    Invitation.objects.create(event=meetup, ambassador=karim, status=Invitation.Status.GOING)
    Invitation.objects.create(event=hidden, ambassador=other)
    hotline = Hotline.objects.create(
        name="Buddy hotline", phone="+46101234567", fallback_name="Jonas",
        fallback_phone="+46701740699",
    )  # fmt: skip
    rota = Rota.objects.create(
        hotline=hotline, first_day=date.today(), last_day=date.today() + timedelta(days=30),
        status=Rota.Status.PUBLISHED,
    )  # fmt: skip
    for number, volunteer in ((7, karim), (8, other)):
        shift = Shift.objects.create(
            hotline=hotline, rota=rota, number=number,
            starts_at=now + timedelta(days=number), ends_at=now + timedelta(days=number, hours=3),
        )  # fmt: skip
        ShiftAssignment.objects.create(
            shift=shift,
            volunteer=HotlineVolunteer.objects.create(hotline=hotline, ambassador=volunteer),
            language=Language.objects.get(code="sv"),
        )

    page = text(sign_in(karim).get("/en/me/").content.decode())

    assert "Hello, Karim" in page
    assert "Amina in Åre" in page
    assert "Leila in Krokom: answer YES 4821 or NO 4821" in page
    assert "Coffee in Åre" in page and "coming" in page
    assert "Buddy hotline: Swedish (shift 7)" in page
    for theirs in ("Ended", "Notyours", "Someone else's evening", "shift 8"):
        assert theirs not in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, actor_ambassador_id=karim.id, via="me_home"
    ).exists()


def test_an_ambassador_pauses_and_resumes_themself(ambassador: Callable[..., Ambassador]) -> None:
    karim = ambassador(first_name="Karim")
    client = sign_in(karim)
    until = timezone.localdate() + timedelta(days=30)

    paused = client.post("/en/me/pause/", {"until": until.isoformat()}, follow=True)

    karim.refresh_from_db()
    assert karim.paused_until == until
    assert "You are paused until" in text(paused.content.decode())
    change = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, via="me_pause")
    assert (change.actor_ambassador_id, change.fields) == (karim.id, ["paused_until"])

    client.post("/en/me/pause/", {"resume": "1"})

    karim.refresh_from_db()
    assert karim.paused_until is None


def test_a_pause_must_end_after_today(ambassador: Callable[..., Ambassador]) -> None:
    karim = ambassador(first_name="Karim")

    response = sign_in(karim).post(
        "/en/me/pause/", {"until": timezone.localdate().isoformat()}, follow=True
    )

    karim.refresh_from_db()
    assert karim.paused_until is None
    assert "Choose a day after today." in text(response.content.decode())


def test_an_ambassador_pauses_for_a_year_at_the_most(ambassador: Callable[..., Ambassador]) -> None:
    karim = ambassador(first_name="Karim")
    too_far = timezone.localdate() + timedelta(days=367)

    response = sign_in(karim).post("/en/me/pause/", {"until": too_far.isoformat()}, follow=True)

    karim.refresh_from_db()
    assert karim.paused_until is None
    assert "You can pause for 366 days at the most." in text(response.content.decode())


def test_an_ambassador_changes_their_details_and_the_audit_names_the_fields(
    ambassador: Callable[..., Ambassador],
) -> None:
    karim = ambassador("Åre", "sv:4", first_name="Karim", capacity=8, about="Old text")
    client = sign_in(karim)
    form = client.get("/en/me/profile/").context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "", False) and not isinstance(value, list)
    }
    data.update(
        {
            "first_name": "Karim",
            "about": "Skier and cook.",
            "level_sv": LanguageLevel.NATIVE,
            "level_ar": LanguageLevel.FLUENT,
            "interests": [Interest.objects.get(slug="skiing").id],
            "meeting_municipalities": [Municipality.objects.get(name="Krokom").id],
        }
    )

    response = client.post("/en/me/profile/", data)

    assert response.status_code == 302, response.context["form"].errors
    karim.refresh_from_db()
    assert karim.about == "Skier and cook."
    assert karim.capacity == 8
    assert {(row.language.code, row.level) for row in karim.language_levels.all()} == {
        ("sv", LanguageLevel.NATIVE),
        ("ar", LanguageLevel.FLUENT),
    }
    assert {m.name for m in karim.meeting_municipalities.all()} == {"Åre", "Krokom"}
    assert [i.slug for i in karim.interests.all()] == ["skiing"]
    change = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, via="me_profile")
    assert change.fields == ["about", "interests", "languages", "meeting_municipalities"]
    assert change.actor_ambassador_id == karim.id


def test_the_profile_leaves_the_number_and_home_to_the_coordinator(
    ambassador: Callable[..., Ambassador],
) -> None:
    karim = ambassador("Åre", first_name="Karim")
    client = sign_in(karim)
    form = client.get("/en/me/profile/").context["form"]

    assert "phone" not in form.fields and "home_municipality" not in form.fields


def test_withdrawing_withdraws_every_consent_and_signs_out(
    ambassador: Callable[..., Ambassador],
) -> None:
    karim = ambassador(first_name="Karim")
    consent = consent_record(
        purpose=Consent.Purpose.AMBASSADOR, language="en",
        channel=Consent.Channel.WEB, ambassador=karim,
    )  # fmt: skip
    client = sign_in(karim)

    response = client.post("/en/me/withdraw/")

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_channel == Consent.Channel.WEB
    assert "Consent withdrawn" in response.content.decode()
    withdrawals = AuditEvent.objects.filter(action=AuditEvent.Action.WITHDRAW)
    assert [(row.actor_kind, row.actor_ambassador_id, row.via) for row in withdrawals] == [
        (AuditEvent.Actor.AMBASSADOR, karim.id, "me_withdraw")
    ]
    assert client.get("/en/me/").status_code == 302


def test_the_pages_are_never_cached(ambassador: Callable[..., Ambassador]) -> None:
    response = sign_in(ambassador()).get("/en/me/")

    assert "no-store" in response["Cache-Control"]


def test_an_erased_ambassador_is_signed_out(ambassador: Callable[..., Ambassador]) -> None:
    karim = ambassador(first_name="Karim")
    client = sign_in(karim)

    Ambassador.objects.filter(id=karim.id).update(erased_at=timezone.now())

    assert client.get("/en/me/")["Location"] == "/en/me/sign-in/"
