"""The public listing of upcoming meetups, in the page's language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, Language, Municipality
from ambassadors.sms import LocmemMessage
from events.models import Accessibility, Event, Invitation
from events.services import event_cancel, event_publish, rsvp

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
START = datetime(2027, 4, 6, 18, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _march_2027(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def make_event(make_coordinator: Callable[..., User]) -> Callable[..., Event]:
    organiser = make_coordinator("Östersund")

    def make(*, publish: bool = True, **fields: Any) -> Event:
        fields.setdefault("title_sv", "Vårträff")
        fields.setdefault("title_en", "Spring meetup")
        fields.setdefault("kind", Event.Kind.NETWORK_MEETUP)
        fields.setdefault("address", "Storgatan 20")
        fields.setdefault("municipality", Municipality.objects.get(name="Östersund"))
        fields.setdefault("starts_at", START)
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
        event = Event.objects.create(organiser=organiser, **fields)
        if publish:
            event_publish(event=event)
            event.refresh_from_db()
        return event

    return make


def test_the_listing_shows_upcoming_public_events_in_the_pages_language(
    client: Client, make_event: Callable[..., Event]
) -> None:
    event = make_event(
        title_ar="لقاء الربيع",
        accessibility=[Accessibility.STEP_FREE, Accessibility.CHILDREN_WELCOME],
        capacity=30,
    )

    english = client.get("/en/events/").content.decode()
    swedish = client.get("/sv/events/").content.decode()
    arabic = client.get("/ar/events/").content.decode()

    assert f'<h2 id="event-{event.id}-title">Spring meetup</h2>' in english
    assert "Network meetup" in english
    assert "Tuesday April 6, 2027, 18:00–20:00" in english
    assert "Storgatan 20, Östersund" in english
    assert "Step-free access" in english
    assert "Children welcome" in english
    assert "30 places left" in english
    assert f'href="/events/{event.id}.ics?lang=en"' in english
    assert "/events/feed.ics?lang=en" in english
    assert f'<h2 id="event-{event.id}-title">Vårträff</h2>' in swedish
    assert "tisdag 6 april 2027, 18:00–20:00" in swedish
    assert f'href="/events/{event.id}.ics?lang=sv"' in swedish
    assert '<html lang="ar" dir="rtl">' in arabic
    assert f'<h2 id="event-{event.id}-title">لقاء الربيع</h2>' in arabic


def test_an_event_without_a_title_in_the_language_shows_the_swedish_one(
    client: Client, make_event: Callable[..., Event]
) -> None:
    make_event(title_uk="")

    assert "Vårträff" in client.get("/uk/events/").content.decode()


def test_drafts_unlisted_cancelled_and_past_events_are_not_listed(
    client: Client, make_event: Callable[..., Event]
) -> None:
    make_event(title_en="Listed")
    make_event(title_en="Draft", publish=False)
    make_event(title_en="Unlisted", is_public=False)
    event_cancel(event=make_event(title_en="Cancelled"))
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        make_event(title_en="Over", starts_at=NOW - timedelta(days=2))

    html = client.get("/en/events/").content.decode()

    assert "Listed" in html
    for title in ["Draft", "Unlisted", "Cancelled", "Over"]:
        assert title not in html


def test_a_full_event_says_so(
    client: Client,
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
    language: Callable[[str], Language],
) -> None:
    ambassador(preferred_language=language("en"))
    event = make_event(capacity=1)
    rsvp(invitation=Invitation.objects.get(event=event), going=True, channel=Invitation.Channel.SMS)

    html = client.get("/en/events/").content.decode()

    assert "<dd>Full</dd>" in html
    assert "places left" not in html


def test_an_event_without_a_limit_shows_no_places(
    client: Client, make_event: Callable[..., Event]
) -> None:
    make_event(capacity=None)

    html = client.get("/en/events/").content.decode()

    assert "places left" not in html
    assert "Full" not in html


def test_an_empty_listing_says_nothing_is_planned(client: Client) -> None:
    html = client.get("/en/events/").content.decode()

    assert "No meetups are planned right now." in html
    assert "/events/feed.ics" in html


def test_the_listing_without_a_language_sends_the_visitor_to_theirs(client: Client) -> None:
    response = client.get("/events/", headers={"accept-language": "uk,en;q=0.5"})

    assert response.status_code == 302
    assert response["Location"] == "/uk/events/"


@pytest.mark.parametrize("code", ["sv", "en", "ar", "uk"])
def test_the_listing_links_to_itself_in_every_language(client: Client, code: str) -> None:
    html = client.get(f"/{code}/events/").content.decode()

    for other in ["sv", "en", "ar", "uk"]:
        assert f'href="/{other}/events/" lang="{other}"' in html
