"""Which meetups a coordinator sees in the workspace, in what order, and that anyone
else's are a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest, Municipality
from events.models import Event, Invitation
from matching.models import Match

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=STOCKHOLM)
MEETUPS = reverse("workspace:meetups")


@pytest.fixture(autouse=True)
def _november_2026() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def make_event(municipality: Callable[[str], Municipality]) -> Callable[..., Event]:
    def make(title: str, days: float, where: str | None = "Östersund", **fields: Any) -> Event:
        starts = NOW + timedelta(days=days)
        return Event.objects.create(
            title_sv=title,
            kind=fields.pop("kind", Event.Kind.NETWORK_MEETUP),
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            municipality=municipality(where) if where else None,
            address="Storgatan 1",
            **fields,
        )

    return make


def titles(page: bytes) -> list[str]:
    """The events' titles in the order the lists show them."""
    html = page.decode()
    return [
        chunk.split('">', 1)[1].split("</a>")[0]
        for chunk in html.split('<th scope="row"><a href="/workspace/meetups/')[1:]
    ]


def test_a_coordinator_sees_coming_meetups_soonest_first_then_past_ones_latest_first(
    make_coordinator: Callable[..., User], make_event: Callable[..., Event]
) -> None:
    ostersund = client_for(make_coordinator("Östersund"))
    make_event("Next week", 7)
    make_event("Tomorrow", 1, status=Event.Status.PUBLISHED)
    make_event("Cancelled", 3, status=Event.Status.CANCELLED)
    make_event("Last month", -30)
    make_event("Last week", -7)

    page = ostersund.get(MEETUPS).content

    assert titles(page) == ["Tomorrow", "Cancelled", "Next week", "Last week", "Last month"]
    assert '<span class="meetups-status meetups-status-cancelled">Cancelled</span>' in (
        page.decode()
    )


def test_a_coordinator_sees_their_municipalities_and_what_they_organise(
    make_coordinator: Callable[..., User], make_event: Callable[..., Event]
) -> None:
    coordinator = make_coordinator("Östersund")
    make_event("In Östersund", 2)
    make_event("In Åre", 3, where="Åre")
    make_event("Mine, online", 4, where=None, organiser=coordinator)
    make_event("Someone else's, online", 5, where=None)

    page = client_for(coordinator).get(MEETUPS).content

    assert titles(page) == ["In Östersund", "Mine, online"]


def test_buddy_meetings_are_not_meetups(
    make_coordinator: Callable[..., User],
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    match = Match.objects.create(buddy_request=household(), ambassador=ambassador())
    meeting = make_event("Fika", 2, kind=Event.Kind.BUDDY_MEETING, match=match)
    ostersund = client_for(make_coordinator("Östersund"))

    assert titles(ostersund.get(MEETUPS).content) == []
    assert ostersund.get(reverse("workspace:meetup", args=[meeting.id])).status_code == 404


def test_a_coordinator_of_another_municipality_gets_a_404_and_changes_nothing(
    make_coordinator: Callable[..., User],
    make_event: Callable[..., Event],
    ambassador: Callable[..., Ambassador],
) -> None:
    ambassador("Östersund")
    meetup = make_event("In Östersund", 2)
    are = client_for(make_coordinator("Åre"))

    assert titles(are.get(MEETUPS).content) == []
    for name in ("meetup", "meetup_cancel"):
        assert are.get(reverse(f"workspace:{name}", args=[meetup.id])).status_code == 404
    for name in ("meetup_publish", "meetup_cancel"):
        assert are.post(reverse(f"workspace:{name}", args=[meetup.id])).status_code == 404
    meetup.refresh_from_db()
    assert meetup.status == Event.Status.DRAFT
    assert not Invitation.objects.exists()


def test_a_region_admin_sees_every_municipalitys_meetups(
    make_coordinator: Callable[..., User], make_event: Callable[..., Event]
) -> None:
    make_event("In Östersund", 2)
    make_event("In Åre", 3, where="Åre")

    page = client_for(make_coordinator(region_admin=True)).get(MEETUPS).content

    assert titles(page) == ["In Östersund", "In Åre"]


def test_past_meetups_come_fifty_a_page(
    make_coordinator: Callable[..., User], make_event: Callable[..., Event]
) -> None:
    for day in range(1, 52):
        make_event(f"Day {day}", -day)
    ostersund = client_for(make_coordinator("Östersund"))

    first = ostersund.get(MEETUPS)
    second = ostersund.get(MEETUPS, {"page": "2"})

    assert len(titles(first.content)) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert titles(second.content) == ["Day 51"]
