"""Planning a meetup from the workspace: the form, Stockholm time, the coordinator's own
municipalities, and the service's refusals shown on the form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Municipality
from events.models import Event

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=STOCKHOLM)
NEW = reverse("workspace:meetup_new")


@pytest.fixture(autouse=True)
def _november_2026() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(make_coordinator: Callable[..., User]) -> User:
    return make_coordinator("Östersund")


@pytest.fixture
def ostersund(coordinator: User) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


def form(municipalities: Callable[[str], Municipality], /, **changes: Any) -> dict[str, Any]:
    data = {
        "title_sv": "Nätverksträff på biblioteket",
        "title_en": "Network meetup at the library",
        "title_ar": "لقاء الشبكة في المكتبة",
        "title_uk": "",
        "description_sv": "Fika och nya ansikten.",
        "description_en": "Coffee and new faces.",
        "kind": Event.Kind.NETWORK_MEETUP,
        "starts_at": "2026-12-03T18:00",
        "ends_at": "2026-12-03T20:00",
        "municipality": municipalities("Östersund").id,
        "address": "Rådhusgatan 25, Östersund",
        "video_url": "",
        "capacity": "12",
        "audience": Event.Audience.BOTH,
        "is_public": "on",
    }
    data.update(changes)
    return data


def test_a_coordinator_plans_a_draft_and_finds_it_in_the_list(
    ostersund: Client, coordinator: User, municipality: Callable[[str], Municipality]
) -> None:
    response = ostersund.post(NEW, form(municipality), follow=True)

    event = Event.objects.get()
    assert response.redirect_chain == [(reverse("workspace:meetup", args=[event.id]), 302)]
    page = response.content.decode()
    assert "The draft is saved. Check it, then publish it to send the invitations." in page
    assert "Publish and send invitations" in page
    assert event.status == Event.Status.DRAFT
    assert event.organiser == coordinator
    # 18:00 in Stockholm in December is 17:00 UTC.
    assert event.starts_at == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    assert (event.title_ar, event.capacity, event.is_public) == ("لقاء الشبكة في المكتبة", 12, True)
    assert list(event.audience_municipalities.all()) == [municipality("Östersund")]
    listing = ostersund.get(reverse("workspace:meetups")).content.decode()
    assert f'<a href="{reverse("workspace:meetup", args=[event.id])}">' in listing
    assert "Thu 3 Dec 2026, 18:00" in listing


def test_summer_time_is_read_as_summer_time(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    ostersund.post(
        NEW, form(municipality, starts_at="2027-06-10T18:00", ends_at="2027-06-10T20:00")
    )

    assert Event.objects.get().starts_at == datetime(2027, 6, 10, 16, 0, tzinfo=UTC)


def test_an_hour_that_does_not_exist_in_stockholm_is_refused(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    # Clocks go from 02:00 to 03:00 on 28 March 2027.
    response = ostersund.post(
        NEW, form(municipality, starts_at="2027-03-28T02:30", ends_at="2027-03-28T04:00")
    )

    assert response.status_code == 200
    assert "couldn’t be interpreted in time zone Europe/Stockholm" in response.content.decode()
    assert not Event.objects.exists()


def test_an_event_that_ends_before_it_starts_is_refused_on_the_form(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    response = ostersund.post(NEW, form(municipality, ends_at="2026-12-03T17:00"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_ends_at">Ends: The event must end after it starts.</a>' in page
    assert not Event.objects.exists()


def test_a_swedish_title_is_needed(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    response = ostersund.post(NEW, form(municipality, title_sv=""))

    assert "Title in Swedish: This field is required." in response.content.decode()
    assert not Event.objects.exists()


def test_a_coordinator_plans_only_in_their_own_municipalities(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    page = ostersund.get(NEW).content.decode()
    response = ostersund.post(NEW, form(municipality, municipality=municipality("Åre").id))

    assert f'<option value="{municipality("Östersund").id}" selected>Östersund</option>' in page
    assert "Åre" not in page
    assert "You can only plan events in municipalities you coordinate." in (
        response.content.decode()
    )
    assert not Event.objects.exists()


def test_a_digital_meetup_needs_no_municipality(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    ostersund.post(
        NEW,
        form(
            municipality,
            kind=Event.Kind.DIGITAL,
            municipality="",
            address="",
            video_url="meet.example.se/welcome",
        ),
    )

    event = Event.objects.get()
    assert event.municipality is None
    assert event.video_url == "https://meet.example.se/welcome"


def test_a_buddy_meeting_is_not_planned_here(
    ostersund: Client, municipality: Callable[[str], Municipality]
) -> None:
    page = ostersund.get(NEW).content.decode()
    response = ostersund.post(NEW, form(municipality, kind=Event.Kind.BUDDY_MEETING))

    assert 'value="buddy_meeting"' not in page
    assert "Select a valid choice." in response.content.decode()
    assert not Event.objects.exists()


def test_a_region_admins_meetup_is_for_the_whole_region(
    make_coordinator: Callable[..., User], municipality: Callable[[str], Municipality]
) -> None:
    client = Client()
    client.force_login(make_coordinator(region_admin=True))

    client.post(NEW, form(municipality, municipality=municipality("Åre").id))

    event = Event.objects.get()
    assert event.municipality == municipality("Åre")
    assert not event.audience_municipalities.exists()
