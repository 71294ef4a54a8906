"""An ambassador's own page: their events, their calendar link, and buddy meetings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar  # type: ignore[import-untyped, unused-ignore]
import pytest
import time_machine
from django.test import Client

from ambassadors.models import Ambassador, BuddyRequest, Language
from ambassadors.sms import LocmemMessage
from events.models import Event, Invitation, Reminder
from events.services import calendar_link, calendar_token, invitation_token, page_token
from matching.models import Match

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _march_2027(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def erik(ambassador: Callable[..., Ambassador], language: Callable[[str], Language]) -> Ambassador:
    return ambassador("Åre", "en:4 sv:4", first_name="Erik", preferred_language=language("en"))


@pytest.fixture
def pair(erik: Ambassador, household: Callable[..., BuddyRequest]) -> Match:
    amina = household("Åre", "ar en", first_name="Amina", status=BuddyRequest.Status.MATCHED)
    return Match.objects.create(buddy_request=amina, ambassador=erik)


def page_of(ambassador: Ambassador) -> str:
    return f"/events/me/{page_token(ambassador)}/"


def meeting_form(pair: Match, **overrides: Any) -> dict[str, Any]:
    form = {
        "match": pair.id,
        "title": "Coffee at the library",
        "date": "2027-03-10",
        "starts_at": "18:00",
        "ends_at": "19:30",
        "address": "Åre bibliotek",
        "video_url": "",
    }
    form.update(overrides)
    return form


def test_the_page_offers_the_buddies_by_first_name_and_the_calendar_link(
    client: Client, erik: Ambassador, pair: Match
) -> None:
    html = client.get(page_of(erik)).content.decode()

    assert "Hello Erik!" in html
    assert f'<option value="{pair.id}">Amina</option>' in html
    assert f'value="{calendar_link(erik)}"' in html
    assert 'href="webcal://' in html


def test_a_meeting_planned_on_the_page_is_in_both_calendars_with_reminders(
    client: Client, erik: Ambassador, pair: Match
) -> None:
    response = client.post(page_of(erik), meeting_form(pair), follow=True)

    assert response.redirect_chain == [(page_of(erik), 302)]
    meeting = Event.objects.get()
    assert meeting.kind == Event.Kind.BUDDY_MEETING
    assert meeting.match == pair
    assert meeting.title_sv == "Coffee at the library"
    assert meeting.starts_at == datetime(2027, 3, 10, 18, 0, tzinfo=STOCKHOLM)
    assert meeting.ends_at == datetime(2027, 3, 10, 19, 30, tzinfo=STOCKHOLM)
    assert meeting.address == "Åre bibliotek"
    assert meeting.is_public is False
    assert {(i.ambassador_id, i.buddy_request_id, i.status) for i in meeting.invitations.all()} == {
        (erik.id, None, Invitation.Status.GOING),
        (None, pair.buddy_request_id, Invitation.Status.GOING),
    }
    assert Reminder.objects.filter(invitation__event=meeting).count() == 4
    html = response.content.decode()
    assert "The meeting with Amina is in your calendar." in html
    assert "Coffee at the library" in html
    assert "Wednesday March 10, 2027, 18:00–19:30" in html

    feed = client.get(f"/events/calendar/{calendar_token(erik)}.ics").content
    (vevent,) = icalendar.Calendar.from_ical(feed).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Coffee at the library"
    assert vevent.decoded("DTSTART") == datetime(2027, 3, 10, 18, 0, tzinfo=STOCKHOLM)


def test_a_meeting_by_video_needs_no_place(client: Client, erik: Ambassador, pair: Match) -> None:
    client.post(
        page_of(erik),
        meeting_form(pair, address="", video_url="https://meet.example.se/erik-amina"),
    )

    assert Event.objects.get().video_url == "https://meet.example.se/erik-amina"


def test_a_meeting_that_ends_before_it_starts_is_refused_next_to_the_end_time(
    client: Client, erik: Ambassador, pair: Match
) -> None:
    response = client.post(page_of(erik), meeting_form(pair, ends_at="17:00"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "<title>Error:" in html
    assert 'id="id_ends_at_error"' in html
    assert 'aria-invalid="true" aria-describedby="id_ends_at_error"' in html
    assert Event.objects.count() == 0


def test_a_meeting_without_place_or_link_is_refused_next_to_the_place(
    client: Client, erik: Ambassador, pair: Match
) -> None:
    response = client.post(page_of(erik), meeting_form(pair, address=""))

    html = response.content.decode()
    assert 'id="id_address_error"' in html
    assert "Give a place or a video link." in html
    assert Event.objects.count() == 0


def test_a_meeting_in_the_past_is_refused(client: Client, erik: Ambassador, pair: Match) -> None:
    response = client.post(page_of(erik), meeting_form(pair, date="2027-02-27"))

    assert 'id="id_starts_at_error"' in response.content.decode()
    assert Event.objects.count() == 0


def test_an_ambassador_cannot_plan_a_meeting_for_someone_elses_buddy(
    client: Client,
    erik: Ambassador,
    pair: Match,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    other = Match.objects.create(
        buddy_request=household("Åre", "ar", first_name="Olga"), ambassador=ambassador()
    )

    html = client.get(page_of(erik)).content.decode()
    response = client.post(page_of(erik), meeting_form(pair, match=other.id))

    assert "Olga" not in html
    assert 'id="id_match_error"' in response.content.decode()
    assert Event.objects.count() == 0


def test_an_ended_match_cannot_get_meetings(client: Client, erik: Ambassador, pair: Match) -> None:
    Match.objects.filter(id=pair.id).update(status=Match.Status.ENDED)

    html = client.get(page_of(erik)).content.decode()

    assert "When you have a buddy, you can plan your meetings here." in html
    assert "Amina" not in html


def test_the_page_lists_the_ambassadors_coming_events_with_their_answers(
    client: Client, erik: Ambassador, pair: Match
) -> None:
    client.post(page_of(erik), meeting_form(pair))

    html = client.get(page_of(erik)).content.decode()

    invitation = Invitation.objects.get(ambassador=erik)
    assert "Your answer: coming" in html
    assert f'href="/events/i/{invitation_token(invitation)}/?lang=en"' in html
    assert invitation.event.title_sv in html


def test_the_page_is_in_the_ambassadors_language(
    client: Client,
    ambassador: Callable[..., Ambassador],
    language: Callable[[str], Language],
) -> None:
    layla = ambassador(languages="ar:4", preferred_language=language("ar"))

    html = client.get(page_of(layla)).content.decode()

    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.parametrize("token", ["1-000000000000000000000000", "1", "x-y"])
def test_a_forged_link_finds_nothing(client: Client, erik: Ambassador, token: str) -> None:
    assert client.get(f"/events/me/{token}/").status_code == 404
    assert client.post(f"/events/me/{token}/", {}).status_code == 404
