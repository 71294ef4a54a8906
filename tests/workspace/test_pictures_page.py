"""The map and charts page: its figures are the database's rows, scoped to the coordinator."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest, Municipality, Road
from events.models import Call, Event, Hotline, Invitation
from matching.models import Match, MatchRun, Offer, Proposal
from workspace.pictures import svg

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NS = {"svg": svg.SVG_NS}
# A Friday in ISO week 12; the months shown are April 2025 to March 2026.
TODAY = datetime(2026, 3, 20, 10, 0, tzinfo=STOCKHOLM)


def at(day: str, clock: str = "12:00") -> datetime:
    """A moment in Stockholm time."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


class _Tables(HTMLParser):
    """The body and foot rows of every table with an id, as the text of their cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._in_head = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None and not self._in_head:
            self.tables[self._table].append([])
        elif tag in ("th", "td") and self._table is not None and not self._in_head:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    reader = _Tables()
    reader.feed(html)
    return reader.tables


def picture(html: str, ident: str) -> ET.Element:
    """One of the page's SVG pictures, parsed: it must be well-formed XML."""
    found = re.search(rf'<svg [^>]*id="{ident}".*?</svg>', html, re.DOTALL)
    assert found, ident
    return ET.fromstring(found.group(0))


def column(rows: list[list[str]], index: int = 1) -> dict[str, str]:
    """{row label: the cell in `index`} of a chart's table."""
    return {row[0]: row[index] for row in rows}


@pytest.fixture
def region(client: Client, make_coordinator: Callable[..., User]) -> Client:
    client.force_login(make_coordinator(region_admin=True))
    return client


@pytest.fixture
def are(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Åre"))
    return client


def page(client: Client, **params: str) -> str:
    response = client.get(reverse("workspace:pictures"), params)
    assert response.status_code == 200
    assert response.context["nav"] == "pictures"
    return str(response.content.decode())


def backdate(buddy_request: BuddyRequest, moment: datetime) -> BuddyRequest:
    # created_at is auto_now_add: only an update can put a request in the past.
    BuddyRequest.objects.filter(id=buddy_request.id).update(created_at=moment)
    buddy_request.refresh_from_db()
    return buddy_request


def match(buddy_request: BuddyRequest, ambassador: Ambassador, made: datetime) -> Match:
    return Match.objects.create(buddy_request=buddy_request, ambassador=ambassador, created_at=made)


# The map.


@pytest.fixture
def are_network(
    household: Callable[..., BuddyRequest], ambassador: Callable[..., Ambassador]
) -> None:
    """Åre: 3 waiting, 4 free places with 2 ambassadors. Östersund: 2 waiting, no place."""
    for _ in range(3):
        household("Åre")
    matched = household("Åre", status=BuddyRequest.Status.MATCHED)
    household("Åre", status=BuddyRequest.Status.WITHDRAWN)
    half_full = ambassador("Åre", capacity=2)
    match(matched, half_full, TODAY)
    ambassador("Åre", capacity=3)
    ambassador("Åre", capacity=2, paused_until=date(2026, 4, 1))
    ambassador("Åre", capacity=2, active=False)
    full = ambassador("Åre", capacity=1)
    match(household("Åre", status=BuddyRequest.Status.MATCHED), full, TODAY)
    household("Östersund")
    household("Östersund")


def card(root: ET.Element, code: str) -> ET.Element:
    found = root.find(f".//svg:g[@data-key='{code}']", NS)
    assert found is not None, code
    return found


def card_texts(root: ET.Element, code: str) -> list[str]:
    return [text.text or "" for text in card(root, code).iter(f"{{{svg.SVG_NS}}}text")]


def card_fill(root: ET.Element, code: str) -> str | None:
    rect = card(root, code).find("svg:rect", NS)
    assert rect is not None
    return rect.get("fill")


@pytest.mark.usefixtures("are_network")
def test_the_table_beside_the_map_counts_waiting_requests_and_free_places(region: Client) -> None:
    rows = tables(page(region))["network-map-table"]

    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["Åre"] == ["3", "2", "4", "Places for all who wait"]
    assert by_name["Östersund"] == ["2", "0", "0", "Waiting, no free place"]
    assert by_name["Berg"] == ["0", "0", "0", "Nobody waiting"]
    assert len(rows) == 8 + 1
    assert by_name["Total"] == ["5", "2", "4", ""]


@pytest.mark.usefixtures("are_network")
def test_the_map_writes_the_same_figures_on_each_municipality_and_shades_it(
    region: Client,
) -> None:
    root = picture(page(region), "network-map")

    assert card_texts(root, "2321") == ["Åre", "3 waiting", "4 free places"]
    assert card_fill(root, "2321") == svg.SHADES[1].fill
    assert card_texts(root, "2380") == ["Östersund", "2 waiting", "0 free places"]
    assert card_fill(root, "2380") == svg.SHADES[3].fill
    assert card_texts(root, "2326") == ["Berg", "0 waiting", "0 free places"]
    assert card_fill(root, "2326") == svg.SHADES[0].fill
    assert len(root.findall(".//svg:g[@class='place']", NS)) == Municipality.objects.count() == 8


def test_more_waiting_than_places_is_shaded_darker_than_enough_places(
    region: Client, household: Callable[..., BuddyRequest], ambassador: Callable[..., Ambassador]
) -> None:
    for _ in range(3):
        household("Berg")
    ambassador("Berg", capacity=2)

    root = picture(page(region), "network-map")

    assert card_texts(root, "2326") == ["Berg", "3 waiting", "2 free places"]
    assert card_fill(root, "2326") == svg.SHADES[2].fill


@pytest.mark.usefixtures("are_network")
def test_a_coordinator_sees_figures_for_their_own_municipalities_only(are: Client) -> None:
    html = page(are)

    assert [row[0] for row in tables(html)["network-map-table"]] == ["Åre"]
    root = picture(html, "network-map")
    assert card_texts(root, "2321") == ["Åre", "3 waiting", "4 free places"]
    # Östersund is on the map to find one's way, without its people's figures.
    assert card_texts(root, "2380") == ["Östersund"]
    assert card_fill(root, "2380") == svg.NEUTRAL.fill
    assert "Not one of your municipalities" in html


def test_the_travel_graph_is_drawn_with_each_roads_driving_minutes(region: Client) -> None:
    html = page(region)

    root = picture(html, "network-map")
    roads = list(Road.objects.order_by("minutes", "id"))
    assert len(root.findall(".//svg:line[@class='road']", NS)) == len(roads) == 11
    labels = [label.text for label in root.findall(".//svg:text[@class='road-label']", NS)]
    assert labels == [f"{road.minutes} min" for road in roads]
    tooltips = [t.text for t in root.findall(".//svg:line[@class='road']/svg:title", NS)]
    assert "Östersund – Krokom: 20 minutes by car (E14)" in tooltips
    assert ["Östersund (Östersund)", "Krokom (Krokom)", "20", "E14"] in tables(html)["roads-table"]


def test_the_map_is_an_image_with_a_title_and_a_description(region: Client) -> None:
    root = picture(page(region), "network-map")

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "network-map-title network-map-desc"
    title = root.find("svg:title", NS)
    assert title is not None
    assert title.text == "Waiting requests and free places by municipality"


# The charts.


def test_requests_are_counted_in_the_stockholm_month_they_came_in(
    region: Client, household: Callable[..., BuddyRequest]
) -> None:
    backdate(household(), at("2026-03-02"))
    backdate(household(), at("2026-03-19"))
    # Late on the last evening of February in Stockholm, already March 1st in UTC.
    backdate(household(), at("2026-02-28", "23:30"))
    # Just after midnight on March 1st in Stockholm, still February in UTC.
    backdate(household(), at("2026-03-01", "00:30"))
    # Thirteen months ago: before the first month shown.
    backdate(household(), at("2025-03-31"))

    html = page(region)

    rows = tables(html)["chart-requests-table"]
    assert len(rows) == 12
    assert rows[0][0] == "April 2025"
    counts = column(rows)
    assert counts["March 2026"] == "3"
    assert counts["February 2026"] == "1"
    assert sum(int(count) for count in counts.values()) == 4
    bars = picture(html, "chart-requests").findall(".//svg:rect[@class='bar']", NS)
    assert len(bars) == 12
    assert bars[-1].find("svg:title", NS).text == "Mar 2026: Requests: 3"  # type: ignore[union-attr]


def test_matches_and_the_median_days_from_request_to_match(
    region: Client, household: Callable[..., BuddyRequest], ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador(capacity=10)
    for asked, made in [
        ("2026-03-01", "2026-03-05"),  # 4 days
        ("2026-02-20", "2026-03-03"),  # 11 days
        ("2026-02-01", "2026-03-04"),  # 31 days
        ("2026-01-10", "2026-01-12"),  # 2 days
        ("2026-01-10", "2026-01-13"),  # 3 days
    ]:
        match(backdate(household(), at(asked)), erik, at(made))

    html = page(region)

    found = tables(html)
    assert column(found["chart-matches-table"])["March 2026"] == "3"
    assert column(found["chart-matches-table"])["January 2026"] == "2"
    days = column(found["chart-days-to-match-table"])
    assert days["March 2026"] == "11"
    assert days["January 2026"] == "2.5"
    assert days["February 2026"] == "no match"
    points = picture(html, "chart-days-to-match").findall(".//svg:circle[@class='point']", NS)
    assert len(points) == 2


def test_a_swedish_reader_gets_a_decimal_comma(
    client: Client,
    make_coordinator: Callable[..., User],
    household: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    erik = ambassador(capacity=10)
    match(backdate(household(), at("2026-01-10")), erik, at("2026-01-12"))
    match(backdate(household(), at("2026-01-10")), erik, at("2026-01-13"))
    client.force_login(make_coordinator(region_admin=True))

    response = client.get(reverse("workspace:pictures"), HTTP_ACCEPT_LANGUAGE="sv")

    rows = tables(response.content.decode())["chart-days-to-match-table"]
    assert column(rows)["januari 2026"] == "2,5"


@pytest.fixture
def offer(
    ambassador: Callable[..., Ambassador], household: Callable[..., BuddyRequest]
) -> Callable[..., Offer]:
    run = MatchRun.objects.create(trigger=MatchRun.Trigger.COMMAND)
    codes = iter(range(100, 200))

    def make(municipality: str, status: Offer.Status, answered: datetime) -> Offer:
        buddy_request = household(municipality)
        someone = ambassador(municipality)
        proposal = Proposal.objects.create(
            run=run,
            buddy_request=buddy_request,
            ambassador=someone,
            score=1,
            reasons={},
            explanation="",
            explanation_language="en",
            status=Proposal.Status.UNANSWERED,
        )
        return Offer.objects.create(
            proposal=proposal,
            buddy_request=buddy_request,
            ambassador=someone,
            code=str(next(codes)),
            status=status,
            score=1,
            reasons={},
            expires_at=answered + timedelta(days=2),
            answered_at=answered,
        )

    return make


def test_declined_offers_are_counted_when_they_were_declined(
    region: Client, are: Client, offer: Callable[..., Offer]
) -> None:
    offer("Åre", Offer.Status.DECLINED, at("2026-03-02"))
    offer("Åre", Offer.Status.DECLINED, at("2026-03-10"))
    offer("Åre", Offer.Status.ACCEPTED, at("2026-03-11"))
    offer("Åre", Offer.Status.EXPIRED, at("2026-03-12"))
    offer("Åre", Offer.Status.DECLINED, at("2026-02-10"))
    offer("Östersund", Offer.Status.DECLINED, at("2026-03-03"))

    everyone = column(tables(page(region))["chart-declines-table"])
    mine = column(tables(page(are))["chart-declines-table"])

    assert (everyone["March 2026"], everyone["February 2026"]) == ("3", "1")
    assert (mine["March 2026"], mine["February 2026"]) == ("2", "1")


def test_meetup_attendance_counts_who_said_yes_and_who_came_to_meetups_that_took_place(
    region: Client, ambassador: Callable[..., Ambassador], municipality: Callable[..., Municipality]
) -> None:
    def meetup(
        starts: datetime,
        kind: Event.Kind = Event.Kind.NETWORK_MEETUP,
        status: Event.Status = Event.Status.PUBLISHED,
    ) -> Event:
        return Event.objects.create(
            title_sv="Träff",
            kind=kind,
            status=status,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            municipality=municipality("Åre"),
        )

    def guests(event: Event, *answers: tuple[Invitation.Status, bool | None]) -> None:
        for status, attended in answers:
            Invitation.objects.create(
                event=event, ambassador=ambassador("Åre"), status=status, attended=attended
            )

    going = Invitation.Status.GOING
    guests(
        meetup(at("2026-03-10", "18:00")),
        (going, True),
        (going, True),
        (going, False),
        (Invitation.Status.DECLINED, None),
        (Invitation.Status.WAITLISTED, None),
    )
    guests(meetup(at("2026-02-10", "18:00")), (going, True))
    # Not yet begun, cancelled, or two buddies' own meeting: none of them count.
    guests(meetup(at("2026-03-25", "18:00")), (going, None), (going, None))
    guests(meetup(at("2026-02-12"), status=Event.Status.CANCELLED), (going, None))
    guests(meetup(at("2026-03-05"), kind=Event.Kind.BUDDY_MEETING), (going, True))

    html = page(region)

    rows = tables(html)["chart-attendance-table"]
    said_yes, came = column(rows, 1), column(rows, 2)
    assert (said_yes["March 2026"], came["March 2026"]) == ("3", "2")
    assert (said_yes["February 2026"], came["February 2026"]) == ("1", "1")
    groups = picture(html, "chart-attendance").findall(".//svg:g[@class='series']", NS)
    assert [len(group) for group in groups] == [12, 12]


def test_hotline_calls_answered_voicemail_and_missed_on_the_coordinators_hotlines(
    region: Client, are: Client, municipality: Callable[..., Municipality]
) -> None:
    def hotline(name: str, phone: str, where: str | None) -> Hotline:
        return Hotline.objects.create(
            name=name,
            phone=phone,
            municipality=municipality(where) if where else None,
            fallback_name="Jonas",
            fallback_phone="+46701740699",
        )

    lines = {
        "region": hotline("Region", "+46631234500", None),
        "Åre": hotline("Åre", "+46647123400", "Åre"),
        "Berg": hotline("Berg", "+46687123400", "Berg"),
    }
    calls = [
        ("Åre", Call.Outcome.ANSWERED, "2026-03-02"),
        ("Åre", Call.Outcome.ANSWERED, "2026-03-03"),
        ("region", Call.Outcome.ANSWERED, "2026-03-04"),
        ("Åre", Call.Outcome.VOICEMAIL, "2026-03-05"),
        ("Åre", Call.Outcome.MISSED, "2026-03-06"),
        ("region", Call.Outcome.MISSED, "2026-03-07"),
        ("Åre", Call.Outcome.CLOSED, "2026-03-08"),
        ("Åre", Call.Outcome.IN_PROGRESS, "2026-03-20"),
        ("Berg", Call.Outcome.ANSWERED, "2026-03-09"),
        ("Berg", Call.Outcome.MISSED, "2026-03-09"),
    ]
    for number, (line, outcome, day) in enumerate(calls):
        Call.objects.create(
            hotline=lines[line], call_sid=f"CA{number:032d}", outcome=outcome, started_at=at(day)
        )

    def march(client: Client) -> list[str]:
        rows = tables(page(client))["chart-calls-table"]
        return next(row[1:] for row in rows if row[0] == "March 2026")

    assert march(region) == ["4", "1", "3"]
    assert march(are) == ["3", "1", "2"]


def test_by_week_the_charts_show_twenty_six_iso_weeks(
    region: Client, household: Callable[..., BuddyRequest]
) -> None:
    backdate(household(), at("2026-03-16", "00:10"))
    backdate(household(), at("2026-03-15", "23:50"))
    backdate(household(), at("2026-03-15", "08:00"))

    html = page(region, period="weeks")

    rows = tables(html)["chart-requests-table"]
    assert len(rows) == 26
    assert rows[-1][0] == "Week 12, 2026 (16 Mar – 22 Mar)"
    assert rows[0][0] == "Week 39, 2025 (22 Sep – 28 Sep)"
    assert column(rows)["Week 12, 2026 (16 Mar – 22 Mar)"] == "1"
    assert column(rows)["Week 11, 2026 (9 Mar – 15 Mar)"] == "2"
    assert len(picture(html, "chart-requests").findall(".//svg:rect[@class='bar']", NS)) == 26
    assert 'href="?period=weeks" aria-current="true"' in html


def test_an_unknown_period_shows_months(region: Client) -> None:
    html = page(region, period="decades")

    assert len(tables(html)["chart-requests-table"]) == 12
    assert 'href="?period=months" aria-current="true"' in html


def test_every_chart_is_an_image_with_a_title_a_description_and_its_table(
    region: Client,
) -> None:
    html = page(region)

    found = tables(html)
    for ident in [
        "chart-requests",
        "chart-matches",
        "chart-days-to-match",
        "chart-declines",
        "chart-attendance",
        "chart-calls",
    ]:
        root = picture(html, ident)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
        assert root.find("svg:desc", NS) is not None
        assert len(found[f"{ident}-table"]) == 12


def test_a_coordinators_charts_leave_out_other_municipalities_requests(
    are: Client, household: Callable[..., BuddyRequest]
) -> None:
    backdate(household("Åre"), at("2026-03-02"))
    backdate(household("Östersund"), at("2026-03-02"))
    backdate(household("Östersund"), at("2026-03-03"))

    assert column(tables(page(are))["chart-requests-table"])["March 2026"] == "1"
