"""The ambassadors' load table: buddies, capacity, hotline shifts and events around today,
pauses; sorted and paged, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest
from events.models import Event, Hotline, HotlineVolunteer, Invitation, Rota, Shift, ShiftAssignment
from matching.models import Match

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
TODAY = date(2027, 3, 1)
PEOPLE = reverse("workspace:people")
HEADERS = [
    "Name",
    "Municipality",
    "Active buddies",
    "Capacity",
    "Free places",
    "Hotline shifts, last 30 days",
    "Hotline shifts, next 30 days",
    "Events attended, last 30 days",
    "Events coming, next 30 days",
    "Paused until",
    "Pause",
]


@pytest.fixture(autouse=True)
def _march_2027() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ostersund(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Östersund"))
    return client


class LoadTable(HTMLParser):
    """The load table as the coordinator reads it: its headers, and each row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._inside = False
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "people-load") in attrs:
            self._inside = True
        elif not self._inside:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self._inside:
            return
        if tag == "table":
            self._inside = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.headers if self._in_head else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    @classmethod
    def read(cls, html: bytes) -> LoadTable:
        table = cls()
        table.feed(html.decode())
        return table

    def row(self, name: str) -> dict[str, str]:
        [cells] = [cells for cells in self.rows if cells[0] == name]
        return dict(zip(self.headers, cells, strict=True))

    @property
    def names(self) -> list[str]:
        return [cells[0] for cells in self.rows]


def at(days: float) -> datetime:
    return NOW + timedelta(days=days)


_numbers = count(1)


def shift(rota: Rota, volunteer: HotlineVolunteer, days: float) -> None:
    made = Shift.objects.create(
        hotline=rota.hotline,
        rota=rota,
        number=next(_numbers),
        starts_at=at(days),
        ends_at=at(days) + timedelta(hours=3),
    )
    ShiftAssignment.objects.create(shift=made, volunteer=volunteer, language=None)


def event(days: float, status: str = Event.Status.PUBLISHED) -> Event:
    return Event.objects.create(
        title_sv="Träff",
        kind=Event.Kind.NETWORK_MEETUP,
        starts_at=at(days),
        ends_at=at(days) + timedelta(hours=2),
        address="Rådhusgatan 25",
        status=status,
    )


def test_each_ambassador_shows_buddies_free_places_shifts_and_events_around_today(
    ostersund: Client,
    ambassador: Callable[..., Ambassador],
    household: Callable[..., BuddyRequest],
) -> None:
    erik = ambassador("Östersund", first_name="Erik", capacity=3)
    ambassador("Östersund", first_name="Sara", capacity=2)
    for _ in range(2):
        Match.objects.create(buddy_request=household("Östersund"), ambassador=erik)
    Match.objects.create(
        buddy_request=household("Östersund"), ambassador=erik, status=Match.Status.ENDED
    )
    hotline = Hotline.objects.create(
        name="Hotline", phone="+46101234567", fallback_name="Jonas", fallback_phone="+46701740699"
    )
    volunteer = HotlineVolunteer.objects.create(hotline=hotline, ambassador=erik)
    published = Rota.objects.create(
        hotline=hotline, first_day=TODAY, last_day=TODAY, status=Rota.Status.PUBLISHED
    )
    draft = Rota.objects.create(hotline=hotline, first_day=TODAY, last_day=TODAY)
    for days in (-40, -10, -2, 5, 40):
        shift(published, volunteer, days)
    shift(draft, volunteer, 6)
    went, stayed_home, unrecorded = event(-7), event(-6), event(-5)
    Invitation.objects.create(event=went, ambassador=erik, status="going", attended=True)
    Invitation.objects.create(event=stayed_home, ambassador=erik, status="going", attended=False)
    Invitation.objects.create(event=unrecorded, ambassador=erik, status="going")
    Invitation.objects.create(event=event(-45), ambassador=erik, status="going", attended=True)
    Invitation.objects.create(event=event(3), ambassador=erik, status="going")
    Invitation.objects.create(event=event(4), ambassador=erik, status="invited")
    Invitation.objects.create(event=event(5, "cancelled"), ambassador=erik, status="going")

    table = LoadTable.read(ostersund.get(PEOPLE).content)

    assert table.headers == HEADERS
    assert table.row("Erik") == {
        "Name": "Erik",
        "Municipality": "Östersund",
        "Active buddies": "2",
        "Capacity": "3",
        "Free places": "1",
        "Hotline shifts, last 30 days": "2",
        "Hotline shifts, next 30 days": "1",
        "Events attended, last 30 days": "1",
        "Events coming, next 30 days": "1",
        "Paused until": "–",
        "Pause": "Pause Erik until Pause: Erik",
    }
    sara = table.row("Sara")
    assert [sara["Active buddies"], sara["Free places"], sara["Hotline shifts, next 30 days"]] == [
        "0",
        "2",
        "0",
    ]


def test_a_full_ambassador_has_no_free_places(
    ostersund: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    erik = ambassador("Östersund", first_name="Erik", capacity=1)
    Match.objects.create(buddy_request=household("Östersund"), ambassador=erik)

    table = LoadTable.read(ostersund.get(PEOPLE).content)

    assert table.row("Erik")["Free places"] == "full"


def test_only_active_ambassadors_in_the_coordinators_municipalities_are_listed(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    ambassador("Östersund", first_name="Erik")
    ambassador("Östersund", first_name="Nyström", active=False)
    ambassador("Åre", first_name="Astrid")

    table = LoadTable.read(ostersund.get(PEOPLE).content)

    assert table.names == ["Erik"]


def test_a_pause_shows_until_its_last_day_and_not_after(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    ambassador("Östersund", first_name="Erik", paused_until=TODAY)
    ambassador("Östersund", first_name="Sara", paused_until=TODAY - timedelta(days=1))

    response = ostersund.get(PEOPLE)
    table = LoadTable.read(response.content)

    assert table.row("Erik")["Paused until"] == "1 Mar 2027"
    assert table.row("Erik")["Pause"] == "Resume: Erik"
    assert table.row("Sara")["Paused until"] == "–"
    assert "Paused now: 1" in response.content.decode()


def test_the_paused_filter_lists_only_those_paused_now(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    ambassador("Östersund", first_name="Erik", paused_until=TODAY + timedelta(days=9))
    ambassador("Östersund", first_name="Sara")

    table = LoadTable.read(ostersund.get(PEOPLE, {"paused": "1"}).content)

    assert table.names == ["Erik"]


def test_the_table_sorts_by_a_column_either_way(
    ostersund: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    ambassador("Östersund", first_name="Anna", capacity=1)
    ambassador("Östersund", first_name="Bo", capacity=4)
    cilla = ambassador("Östersund", first_name="Cilla", capacity=4)
    Match.objects.create(buddy_request=household("Östersund"), ambassador=cilla)

    most_free = LoadTable.read(ostersund.get(PEOPLE, {"sort": "-free"}).content)
    least_free = LoadTable.read(ostersund.get(PEOPLE, {"sort": "free"}).content)
    by_name = LoadTable.read(ostersund.get(PEOPLE, {"sort": "nonsense"}).content)

    assert most_free.names == ["Bo", "Cilla", "Anna"]
    assert least_free.names == ["Anna", "Cilla", "Bo"]
    assert by_name.names == ["Anna", "Bo", "Cilla"]


def test_the_sorted_column_says_so_and_its_link_turns_the_order_round(
    ostersund: Client, ambassador: Callable[..., Ambassador]
) -> None:
    ambassador("Östersund", first_name="Anna")

    page = ostersund.get(PEOPLE, {"sort": "-free", "q": "anna"}).content.decode()

    assert '<th scope="col" aria-sort="descending">' in page
    assert 'href="?sort=free&amp;q=anna"' in page
    # Counts sort busiest first on the first click.
    assert 'href="?sort=-buddies&amp;q=anna"' in page


def test_the_table_shows_fifty_ambassadors_a_page(
    ostersund: Client, make_ambassador: Callable[..., Ambassador]
) -> None:
    for index in range(51):
        make_ambassador("Östersund", first_name=f"Ambassador {index:02d}", active=True)

    first = ostersund.get(PEOPLE)
    second = ostersund.get(PEOPLE, {"page": "2"})

    assert len(LoadTable.read(first.content).rows) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert LoadTable.read(second.content).names == ["Ambassador 50"]


def test_the_page_takes_as_many_queries_for_thirty_ambassadors_as_for_two(
    ostersund: Client, ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ostersund.get(PEOPLE).status_code == 200
        return len(captured)

    for _ in range(2):
        Match.objects.create(buddy_request=household("Östersund"), ambassador=ambassador())
    few = queries()
    for _ in range(28):
        Match.objects.create(buddy_request=household("Östersund"), ambassador=ambassador())

    assert queries() == few


def test_a_visitor_cannot_pause_anyone(client: Client, ambassador: Callable[..., Any]) -> None:
    erik = ambassador("Östersund")

    response = client.post(
        reverse("workspace:people_pause", args=[erik.id]), {"until": "2027-04-01"}
    )

    assert response.status_code == 302
    erik.refresh_from_db()
    assert erik.paused_until is None
