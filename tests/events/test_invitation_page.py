"""The personal invitation page: a signed link, no login, in the guest's language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar  # type: ignore[import-untyped, unused-ignore]
import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, BuddyRequest, Language, Municipality
from ambassadors.sms import LocmemMessage
from events.models import Accessibility, Event, Invitation
from events.services import (
    calendar_token,
    event_cancel,
    event_publish,
    invitation_token,
    page_link,
    rsvp,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
START = datetime(2027, 7, 15, 18, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _march_2027(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def make_event(make_coordinator: Callable[..., User]) -> Callable[..., Event]:
    organiser = make_coordinator("Åre")

    def make(**fields: Any) -> Event:
        fields.setdefault("title_sv", "Nätverksträff")
        fields.setdefault("title_en", "Lakeside coffee")
        fields.setdefault("title_ar", "لقاء الشبكة")
        fields.setdefault("description_en", "Coffee and stories by the lake.")
        fields.setdefault("description_ar", "قهوة وحكايات عند البحيرة.")
        fields.setdefault("kind", Event.Kind.NETWORK_MEETUP)
        fields.setdefault("address", "Stationsvägen 1")
        fields.setdefault("municipality", Municipality.objects.get(name="Åre"))
        event = Event.objects.create(
            starts_at=START, ends_at=START + timedelta(hours=2), organiser=organiser, **fields
        )
        event_publish(event=event)
        event.refresh_from_db()
        return event

    return make


@pytest.fixture
def english_speaker(
    ambassador: Callable[..., Ambassador], language: Callable[[str], Language]
) -> Callable[..., Ambassador]:
    def make(first_name: str) -> Ambassador:
        return ambassador("Åre", "en:4", first_name=first_name, preferred_language=language("en"))

    return make


def page_of(invitation: Invitation) -> str:
    return f"/events/i/{invitation_token(invitation)}/"


def test_the_page_shows_the_event_and_the_guests_answer(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    event = make_event(accessibility=[Accessibility.HEARING_LOOP], capacity=10)
    invitation = Invitation.objects.get(event=event, ambassador=anna)

    response = client.get(page_of(invitation))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in html
    assert "<h1>Lakeside coffee</h1>" in html
    assert "Coffee and stories by the lake." in html
    assert "Thursday July 15, 2027, 18:00–20:00" in html
    assert "Stationsvägen 1, Åre" in html
    assert "Hearing loop" in html
    assert "10 places left" in html
    assert "Invited, no answer yet" in html
    assert 'value="yes"' in html and 'value="no"' in html
    assert f'href="/events/i/{invitation_token(invitation)}.ics?lang=en"' in html
    # An ambassador finds their own page from here.
    assert f'href="{page_link(anna)}"' in html


def test_an_answer_through_the_page_is_stored_and_shown(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    invitation = Invitation.objects.get(event=make_event(), ambassador=anna)

    response = client.post(page_of(invitation), {"answer": "yes"}, follow=True)

    assert response.redirect_chain == [(page_of(invitation), 302)]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.GOING
    assert invitation.channel == Invitation.Channel.LINK
    assert invitation.reminders.count() == 2
    html = response.content.decode()
    assert '<p id="answer">Coming</p>' in html
    assert "Thank you! Your answer is saved." in html

    client.post(page_of(invitation), {"answer": "no"})

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert '<p id="answer">Not coming</p>' in client.get(page_of(invitation)).content.decode()


def test_a_yes_to_a_full_event_goes_on_the_waiting_list(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    first = english_speaker("Anna")
    second = english_speaker("Bo")
    event = make_event(capacity=1)
    rsvp(
        invitation=Invitation.objects.get(event=event, ambassador=first),
        going=True,
        channel=Invitation.Channel.SMS,
    )
    invitation = Invitation.objects.get(event=event, ambassador=second)
    before = client.get(page_of(invitation)).content.decode()

    response = client.post(page_of(invitation), {"answer": "yes"}, follow=True)

    assert "Full" in before
    assert "If you say yes, you go on the waiting list" in before
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WAITLISTED
    assert '<p id="answer">On the waiting list</p>' in response.content.decode()


def test_an_arabic_guest_gets_the_page_in_arabic_right_to_left(
    client: Client,
    make_event: Callable[..., Event],
    household: Callable[..., BuddyRequest],
) -> None:
    family = household("Åre", "ar", first_name="Amina")
    event = make_event(audience=Event.Audience.NEWCOMERS)
    invitation = Invitation.objects.get(event=event, buddy_request=family)

    response = client.get(page_of(invitation))

    html = response.content.decode()
    assert response["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1>لقاء الشبكة</h1>" in html
    assert "قهوة وحكايات عند البحيرة." in html
    assert "Lakeside coffee" not in html


def test_a_guest_can_read_the_page_in_another_language(
    client: Client,
    make_event: Callable[..., Event],
    household: Callable[..., BuddyRequest],
) -> None:
    family = household("Åre", "ar", first_name="Amina")
    invitation = Invitation.objects.get(
        event=make_event(audience=Event.Audience.NEWCOMERS), buddy_request=family
    )

    html = client.get(page_of(invitation) + "?lang=en").content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert "<h1>Lakeside coffee</h1>" in html
    assert f'href="{page_of(invitation)}?lang=sv"' in html


def test_a_guest_speaking_another_language_reads_english(
    client: Client,
    make_event: Callable[..., Event],
    household: Callable[..., BuddyRequest],
) -> None:
    family = household("Åre", "so", first_name="Hodan")
    invitation = Invitation.objects.get(
        event=make_event(audience=Event.Audience.NEWCOMERS), buddy_request=family
    )

    html = client.get(page_of(invitation)).content.decode()

    assert '<html lang="en"' in html
    assert "<h1>Lakeside coffee</h1>" in html


def test_the_page_does_not_name_the_other_guests(
    client: Client,
    make_event: Callable[..., Event],
    english_speaker: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    anna = english_speaker("Anna")
    english_speaker("Zlatan")
    household("Åre", "en", first_name="Yusra")
    event = make_event(audience=Event.Audience.BOTH)
    for invitation in event.invitations.exclude(ambassador=anna):
        rsvp(invitation=invitation, going=True, channel=Invitation.Channel.SMS)

    html = client.get(page_of(event.invitations.get(ambassador=anna))).content.decode()

    assert "Zlatan" not in html
    assert "Yusra" not in html


def test_an_answer_to_a_cancelled_event_is_refused_with_the_reason(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    event = make_event()
    invitation = Invitation.objects.get(event=event, ambassador=anna)
    event_cancel(event=event)

    response = client.post(page_of(invitation), {"answer": "yes"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "This event can no longer be answered." in html
    assert "This event is cancelled." in html
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


def test_an_answer_needs_the_forms_csrf_token(
    make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    invitation = Invitation.objects.get(event=make_event(), ambassador=anna)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(page_of(invitation), {"answer": "yes"})

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


def test_an_answer_other_than_yes_or_no_is_a_bad_request(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    invitation = Invitation.objects.get(event=make_event(), ambassador=anna)

    assert client.post(page_of(invitation), {"answer": "maybe"}).status_code == 400


@pytest.mark.parametrize("token", ["1-000000000000000000000000", "abc", "1"])
def test_a_forged_link_finds_nothing(
    client: Client,
    make_event: Callable[..., Event],
    english_speaker: Callable[..., Ambassador],
    token: str,
) -> None:
    english_speaker("Anna")
    make_event()

    assert client.get(f"/events/i/{token}/").status_code == 404
    assert client.post(f"/events/i/{token}/", {"answer": "yes"}).status_code == 404
    assert client.get(f"/events/i/{token}.ics").status_code == 404


def test_a_calendar_token_does_not_open_an_invitation(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    invitation = Invitation.objects.get(event=make_event(), ambassador=anna)
    # Signed for the ambassador whose number the invitation has: right key, wrong kind.
    token = calendar_token(Ambassador(id=invitation.id))

    assert client.get(f"/events/i/{token}/").status_code == 404


def test_the_calendar_file_of_an_invitation_works_for_an_unlisted_event(
    client: Client, make_event: Callable[..., Event], english_speaker: Callable[..., Ambassador]
) -> None:
    anna = english_speaker("Anna")
    event = make_event(is_public=False)
    invitation = Invitation.objects.get(event=event, ambassador=anna)

    response = client.get(f"/events/i/{invitation_token(invitation)}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Lakeside coffee"
    assert vevent.decoded("DTSTART") == START
    assert client.get(f"/events/{event.id}.ics").status_code == 404
