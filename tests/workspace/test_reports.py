"""The funder's report page: the quarter's figures, their totals, small counts hidden, scoping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from html.parser import HTMLParser
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from ambassadors.models import Ambassador, BuddyRequest, Language, Municipality, Organisation
from events.models import Call, Event, Hotline, Invitation
from matching.models import Match

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# In the first quarter of 2027.
NOW = datetime(2027, 5, 10, 9, 0, tzinfo=STOCKHOLM)
IN_Q1 = datetime(2027, 2, 15, 12, 0, tzinfo=STOCKHOLM)
Q1 = {"year": "2027", "quarter": "1"}
_serial = count(1)


@pytest.fixture(autouse=True)
def _may_2027() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


class ReportReader(HTMLParser):
    """The page's tables by id: each row's cells as text, header row included."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table is not None and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, dict[str, dict[str, str]]]:
    """Each table as {row heading: {column heading: cell text}}."""
    reader = ReportReader()
    reader.feed(html)
    result = {}
    for table_id, (header, *rows) in reader.tables.items():
        result[table_id.removeprefix("table-")] = {
            row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows
        }
    return result


def report_page(client: Client, **query: str) -> dict[str, dict[str, dict[str, str]]]:
    response = client.get(reverse("workspace:reports"), query or Q1)
    assert response.status_code == 200
    return tables(response.content.decode())


# A hidden figure as the page shows it; "(hidden)" is for screen readers only.
HIDDEN = ".. (hidden)"


def hidden(text: str) -> bool:
    return text == HIDDEN


# Building a quarter's worth of work.


def matched(
    make: Callable[..., BuddyRequest],
    buddy: Ambassador,
    municipality: str,
    language: str,
    *,
    at: datetime = IN_Q1,
    **fields: object,
) -> BuddyRequest:
    household = make(municipality, preferred_language=Language.objects.get(code=language), **fields)
    Match.objects.create(buddy_request=household, ambassador=buddy, created_at=at)
    household.status = BuddyRequest.Status.MATCHED
    household.save(update_fields=["status"])
    return household


def event(municipality: str | None, *, starts_at: datetime = IN_Q1, **fields: object) -> Event:
    fields.setdefault("status", Event.Status.PUBLISHED)
    fields.setdefault("kind", Event.Kind.NETWORK_MEETUP)
    return Event.objects.create(
        title_sv="Träff",
        starts_at=starts_at,
        ends_at=starts_at.replace(hour=starts_at.hour + 2),
        municipality=Municipality.objects.get(name=municipality) if municipality else None,
        **fields,
    )


def organisation(
    municipality: str, *, joined: datetime, kind: str = Organisation.Kind.EMPLOYER
) -> Organisation:
    number = next(_serial)
    made = Organisation.objects.create(
        name=f"Företag {number} AB",
        org_number=f"55{number:08d}",
        kind=kind,
        municipality=Municipality.objects.get(name=municipality),
    )
    # created_at is set on saving; the report reads when they joined from it.
    Organisation.objects.filter(id=made.id).update(created_at=joined)
    return made


def hotline(municipality: str | None, phone: str) -> Hotline:
    return Hotline.objects.create(
        name=f"Stödlinjen {municipality or 'regionen'}",
        phone=phone,
        municipality=Municipality.objects.get(name=municipality) if municipality else None,
        fallback_name="Sofia",
        fallback_phone="+46701740690",
    )


def calls(line: Hotline, language: str, outcome: str, how_many: int) -> None:
    for _ in range(how_many):
        Call.objects.create(
            hotline=line,
            call_sid=f"CA{next(_serial):032d}",
            started_at=IN_Q1,
            language=Language.objects.get(code=language),
            outcome=outcome,
        )


# The figures add up to what is in the database.


def test_the_totals_equal_the_database_counts_when_no_count_is_small(
    client: Client,
    make_coordinator: Callable[..., User],
    make_request: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    buddy = ambassador("Östersund", languages="sv:4 ar:3 uk:3")
    for index in range(6):
        matched(make_request, buddy, "Östersund", "ar", has_partner=index % 2 == 0,
                children_ages=[4, 9][: index % 3])  # fmt: skip
    for _ in range(5):
        matched(make_request, buddy, "Åre", "uk", children_ages=[12])
    # Matched twice in the quarter (the first match ended): one household.
    twice = matched(make_request, buddy, "Östersund", "ar", has_partner=True)
    Match.objects.filter(buddy_request=twice).update(status=Match.Status.ENDED)
    Match.objects.create(buddy_request=twice, ambassador=buddy, created_at=IN_Q1)
    # Just inside and just outside the quarter, in Swedish time.
    matched(make_request, buddy, "Åre", "uk", at=datetime(2027, 3, 31, 23, 30, tzinfo=STOCKHOLM))
    matched(make_request, buddy, "Åre", "uk", at=datetime(2027, 4, 1, 0, 30, tzinfo=STOCKHOLM))
    matched(make_request, buddy, "Åre", "uk", at=datetime(2026, 12, 31, 23, 0, tzinfo=STOCKHOLM))
    make_request("Östersund")  # waiting: not matched

    meetup = event("Östersund")
    visit = event("Åre", kind=Event.Kind.STUDY_VISIT)
    event(None, video_url="https://meet.example.se/a")  # digital
    event("Östersund", status=Event.Status.CANCELLED)
    event("Östersund", status=Event.Status.DRAFT)
    event("Östersund", starts_at=datetime(2027, 4, 2, 18, 0, tzinfo=STOCKHOLM))
    for index in range(7):
        guest = ambassador("Östersund", first_name=f"Guest {index}")
        attended = [None, None, None, None, None, True, False][index]
        status = Invitation.Status.GOING if index < 6 else Invitation.Status.DECLINED
        Invitation.objects.create(event=meetup, ambassador=guest, status=status, attended=attended)
    Invitation.objects.create(
        event=meetup, ambassador=ambassador("Åre"), status=Invitation.Status.GOING, attended=False
    )
    for household in BuddyRequest.objects.filter(municipality__name="Åre")[:5]:
        Invitation.objects.create(event=visit, buddy_request=household, attended=True)

    organisation("Östersund", joined=IN_Q1)
    organisation("Åre", joined=IN_Q1, kind=Organisation.Kind.ASSOCIATION)
    host = organisation("Åre", joined=datetime(2025, 1, 10, tzinfo=STOCKHOLM))
    visit.organisation = host
    visit.save(update_fields=["organisation"])
    organisation("Berg", joined=datetime(2025, 1, 10, tzinfo=STOCKHOLM))  # nothing this quarter

    region_line = hotline(None, "+46631234500")
    calls(region_line, "ar", Call.Outcome.ANSWERED, 7)
    calls(region_line, "ar", Call.Outcome.MISSED, 3)
    calls(region_line, "ar", Call.Outcome.VOICEMAIL, 2)
    calls(region_line, "ar", Call.Outcome.CLOSED, 4)
    client.force_login(make_coordinator(region_admin=True))

    page = report_page(client)

    start = datetime(2027, 1, 1, tzinfo=STOCKHOLM)
    end = datetime(2027, 4, 1, tzinfo=STOCKHOLM)
    households = BuddyRequest.objects.filter(
        matches__created_at__gte=start, matches__created_at__lt=end
    ).distinct()
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
    )
    came = Invitation.objects.filter(event__in=events).filter(
        Q(attended=True) | Q(attended__isnull=True, status=Invitation.Status.GOING)
    )
    quarter_calls = Call.objects.filter(started_at__gte=start, started_at__lt=end)
    total = page["municipalities"]["Total"]
    assert total["Households matched"] == str(households.count()) == "13"
    assert total["People in them"] == str(sum(h.household_size for h in households)) == "28"
    assert total["Events"] == str(events.count()) == "3"
    assert total["Participants"] == str(came.count()) == "11"
    assert total["Organisations taking part"] == "3"
    assert total["Companies reached"] == "2"
    assert total["Calls answered"] == str(quarter_calls.filter(outcome="answered").count())
    assert total["Calls missed"] == "5"
    assert page["municipalities"]["Åre"]["Households matched"] == "6"
    assert page["municipalities"]["Region-wide or digital"]["Events"] == "1"
    assert page["languages"]["Arabic"]["Households matched"] == "7"
    assert page["languages"]["Swedish"]["Participants"] == "6"
    assert page["languages"]["Arabic"]["Calls answered"] == "7"
    assert page["households"]["Östersund"] == {"Arabic": "7", "Ukrainian": "0", "Total": "7"}
    assert page["households"]["Total"] == {"Arabic": "7", "Ukrainian": "6", "Total": "13"}
    assert not any(hidden(cell) for table in page.values() for row in table.values()
                   for cell in row.values())  # fmt: skip


def small_counts(
    make_request: Callable[..., BuddyRequest], ambassador: Callable[..., Ambassador]
) -> None:
    """Three Arabic-speaking households in Östersund, and larger groups elsewhere."""
    buddy = ambassador("Åre", languages="sv:4 ar:3 uk:3")
    for municipality, language, households in [
        ("Östersund", "ar", 3),
        ("Åre", "ar", 6),
        ("Åre", "uk", 9),
        ("Krokom", "uk", 7),
    ]:
        for _ in range(households):
            matched(make_request, buddy, municipality, language, has_partner=True)


def test_three_households_are_hidden_and_so_is_what_would_give_them_away(
    client: Client,
    make_coordinator: Callable[..., User],
    make_request: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    small_counts(make_request, ambassador)
    client.force_login(make_coordinator(region_admin=True))

    page = report_page(client)

    # Östersund's 3 and its total are hidden. So are Åre's Arabic count and its
    # total: otherwise the Arabic column (9 in all) would give away Östersund's.
    assert page["households"]["Östersund"] == {"Arabic": HIDDEN, "Ukrainian": "0", "Total": HIDDEN}
    assert page["households"]["Åre"] == {"Arabic": HIDDEN, "Ukrainian": "9", "Total": HIDDEN}
    assert page["households"]["Krokom"] == {"Arabic": "0", "Ukrainian": "7", "Total": "7"}
    assert page["households"]["Total"] == {"Arabic": "9", "Ukrainian": "16", "Total": "25"}
    # The people in those households: the same cells hidden.
    assert page["people"]["Östersund"] == {"Arabic": HIDDEN, "Ukrainian": "0", "Total": HIDDEN}
    assert page["people"]["Åre"] == {"Arabic": HIDDEN, "Ukrainian": "18", "Total": HIDDEN}
    assert page["municipalities"]["Östersund"]["Households matched"] == HIDDEN
    assert page["municipalities"]["Östersund"]["People in them"] == HIDDEN
    assert page["municipalities"]["Krokom"]["Households matched"] == "7"
    assert page["languages"]["Arabic"]["Households matched"] == "9"


def test_a_coordinator_sees_only_their_municipalities(
    client: Client,
    make_coordinator: Callable[..., User],
    make_request: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    buddy = ambassador("Åre")
    for _ in range(5):
        matched(make_request, buddy, "Åre", "ar")
        matched(make_request, buddy, "Östersund", "ar")
    organisation("Åre", joined=IN_Q1)
    organisation("Östersund", joined=IN_Q1)
    event("Åre")
    event("Östersund")
    calls(hotline("Östersund", "+46631234501"), "ar", Call.Outcome.ANSWERED, 6)
    calls(hotline(None, "+46631234502"), "ar", Call.Outcome.ANSWERED, 5)
    client.force_login(make_coordinator("Åre"))

    response = client.get(reverse("workspace:reports"), Q1)

    page = tables(response.content.decode())
    assert list(page["municipalities"]) == ["Åre", "Region-wide or digital", "Total"]
    assert page["municipalities"]["Total"] == {
        "Households matched": "5",
        "People in them": "5",
        "Organisations taking part": "1",
        "Companies reached": "1",
        "Events": "1",
        "Participants": "0",
        # The region-wide hotline is everyone's; Östersund's is not Åre's.
        "Calls answered": "5",
        "Calls missed": "0",
    }
    assert "Östersund" not in response.content.decode()
    assert "Your municipalities: Åre." in response.content.decode()


def test_the_page_shows_the_current_quarter_unless_asked_for_another(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    current = client.get(reverse("workspace:reports")).content.decode()
    earlier = client.get(reverse("workspace:reports"), Q1).content.decode()

    assert "2027 Q2: 1 April 2027 to 30 June 2027" in current
    assert "?year=2027&amp;quarter=2" in current
    assert "2027 Q1: 1 January 2027 to 31 March 2027" in earlier
    assert 'href="/workspace/reports/export.xlsx?year=2027&amp;quarter=1"' in earlier


def test_a_quarter_that_does_not_exist_is_refused_with_the_reason(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    response = client.get(reverse("workspace:reports"), {"year": "2027", "quarter": "5"})

    assert response.status_code == 400
    assert "Choose a year (2000–2100) and a quarter (1–4)." in response.content.decode()
    assert "table-municipalities" not in response.content.decode()


def test_every_figure_is_explained_on_the_page(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    html = client.get(reverse("workspace:reports"), Q1).content.decode()

    for term in ["Households matched", "Organisations taking part", "Companies reached",
                 "Participants", "Calls missed"]:  # fmt: skip
        assert f"<dt>{term}</dt>" in html
    assert "Counts of people under 5 (1 to 4) are not shown" in html


def test_the_report_counts_the_days_of_the_quarter_in_swedish_time() -> None:
    from workspace.reports.figures import Quarter

    assert Quarter.containing(date(2027, 12, 31)) == Quarter(2027, 4)
    assert Quarter(2027, 4).next == Quarter(2028, 1)
    assert Quarter(2027, 1).previous == Quarter(2026, 4)
    assert Quarter(2027, 1).last_day == date(2027, 3, 31)
    start, end = Quarter(2027, 2).bounds()
    assert (start.isoformat(), end.isoformat()) == (
        "2027-04-01T00:00:00+02:00",
        "2027-07-01T00:00:00+02:00",
    )
