"""The coordinators' hotline pages: the list, the rota grid, planning a rota, call statistics,
and the hotline in the admin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from ambassadors.models import Ambassador, Language, Municipality, OutboundSms
from ambassadors.sms import LocmemMessage
from events.models import (
    Availability,
    Call,
    Hotline,
    HotlineLanguage,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    RotaGap,
    Shift,
    ShiftAssignment,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday 1 March 2027, ISO week 9.
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)
TUESDAY = date(2027, 3, 2)


@pytest.fixture(autouse=True)
def _march_2027(settings: Any, sms_outbox: list[LocmemMessage]) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


@dataclass
class Line:
    hotline: Hotline
    rota: Rota
    shift: Shift
    anna: HotlineVolunteer
    bo: HotlineVolunteer

    @property
    def rota_url(self) -> str:
        return f"/events/hotline/{self.hotline.id}/rota/{self.rota.id}/"

    @property
    def calls_url(self) -> str:
        return f"/events/hotline/{self.hotline.id}/calls/"

    @property
    def new_url(self) -> str:
        return f"/events/hotline/{self.hotline.id}/rota/new/"

    def place(self, volunteer: HotlineVolunteer | None, place: str) -> dict[str, Any]:
        return {
            "action": "place",
            "shift": self.shift.id,
            "place": place,
            "volunteer": volunteer.id if volunteer else "",
        }


@pytest.fixture
def line(ambassador: Callable[..., Ambassador], language: Callable[[str], Language]) -> Line:
    """Åre's hotline in Swedish and Arabic, with a draft rota of one shift (number 12):
    Bo answers in Swedish, and nobody in Arabic or as the backup."""
    hotline = Hotline.objects.create(
        name="Åre hotline",
        phone="+46647123400",
        municipality=Municipality.objects.get(name="Åre"),
        fallback_name="Jonas Åkerlund",
        fallback_phone="+46701740699",
    )
    HotlineLanguage.objects.create(hotline=hotline, language=language("sv"), digit=1)
    HotlineLanguage.objects.create(hotline=hotline, language=language("ar"), digit=2)
    for weekday in range(7):
        OpeningHours.objects.create(
            hotline=hotline,
            weekday=weekday,
            opens=at(TUESDAY, 17).time(),
            closes=at(TUESDAY, 20).time(),
        )
    anna = HotlineVolunteer.objects.create(
        hotline=hotline,
        ambassador=ambassador("Åre", "sv:4 ar:3", first_name="Anna", last_name="Berg"),
    )
    bo = HotlineVolunteer.objects.create(
        hotline=hotline, ambassador=ambassador("Åre", "sv:4", first_name="Bo", last_name="Ek")
    )
    rota = Rota.objects.create(hotline=hotline, first_day=TUESDAY, last_day=TUESDAY)
    shift = Shift.objects.create(
        hotline=hotline, rota=rota, number=12, starts_at=at(TUESDAY, 17), ends_at=at(TUESDAY, 20)
    )
    ShiftAssignment.objects.create(shift=shift, volunteer=bo, language=language("sv"))
    RotaGap.objects.create(shift=shift, language=language("ar"), reason=RotaGap.Reason.NO_SPEAKER)
    RotaGap.objects.create(shift=shift, language=None, reason=RotaGap.Reason.ALL_TAKEN)
    return Line(hotline, rota, shift, anna, bo)


@pytest.fixture
def are(make_coordinator: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(make_coordinator("Åre"))
    return client


class TableReader(HTMLParser):
    """The text of each body row of the page's tables, cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    reader = TableReader()
    reader.feed(html)
    return reader.rows


def grid_cells(client: Client, line: Line) -> dict[str, str]:
    """The shift's row as {column: what it says before its form}."""
    response = client.get(line.rota_url)
    assert response.status_code == 200
    (row,) = table_rows(response.content.decode())
    number, day, time, swedish, arabic, backup = row
    assert (number, day, time) == ("12", "Tue 2 Mar", "17:00–20:00")
    return {
        column: text.split(" Shift 12")[0]
        for column, text in [("sv", swedish), ("ar", arabic), ("backup", backup)]
    }


# Who may see what.


def test_a_coordinator_lists_their_municipalitys_hotlines_and_the_regions(
    are: Client, line: Line, make_coordinator: Callable[..., User]
) -> None:
    Hotline.objects.create(
        name="Region hotline",
        phone="+46631234500",
        fallback_name="Karin",
        fallback_phone="+46701740698",
    )
    Hotline.objects.create(
        name="Berg hotline",
        phone="+46687123400",
        municipality=Municipality.objects.get(name="Berg"),
        fallback_name="Per",
        fallback_phone="+46701740697",
    )

    html = are.get("/events/hotline/").content.decode()

    assert "Åre hotline" in html
    assert "Region hotline" in html
    assert "Berg hotline" not in html
    assert f'href="{line.rota_url}"' in html
    assert table_rows(html) == [["2 Mar 2027 – 2 Mar 2027", "Draft", "1", "2"]]


def test_a_coordinator_of_another_municipality_gets_404_on_a_municipal_hotline(
    client: Client, line: Line, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator("Östersund"))

    assert client.get(line.rota_url).status_code == 404
    assert client.get(line.calls_url).status_code == 404
    assert client.get(line.new_url).status_code == 404
    assert client.post(line.rota_url, line.place(line.anna, "ar")).status_code == 404
    assert client.post(line.rota_url, {"action": "publish"}).status_code == 404
    assert "Åre hotline" not in client.get("/events/hotline/").content.decode()
    assert not ShiftAssignment.objects.filter(volunteer=line.anna).exists()
    assert Rota.objects.get().status == Rota.Status.DRAFT


def test_a_region_admin_sees_every_hotline(
    client: Client, line: Line, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    assert "Åre hotline" in client.get("/events/hotline/").content.decode()
    assert client.get(line.rota_url).status_code == 200
    assert client.get(line.calls_url).status_code == 200


def test_a_rota_of_another_hotline_is_not_found_under_this_one(are: Client, line: Line) -> None:
    other = Hotline.objects.create(
        name="Other", phone="+46647123499", fallback_name="X", fallback_phone="+46701740696"
    )

    assert are.get(f"/events/hotline/{other.id}/rota/{line.rota.id}/").status_code == 404


def test_someone_logged_in_who_is_not_a_coordinator_is_refused(
    client: Client, line: Line, django_user_model: type[User]
) -> None:
    client.force_login(django_user_model.objects.create_user(username="visitor"))

    assert client.get("/events/hotline/").status_code == 403
    assert client.get(line.rota_url).status_code == 403


def test_a_visitor_is_sent_to_the_login(client: Client, line: Line) -> None:
    response = client.get(line.rota_url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={line.rota_url}"


# The grid.


def test_the_grid_highlights_a_gap_and_its_reason(are: Client, line: Line) -> None:
    html = are.get(line.rota_url).content.decode()

    assert grid_cells(are, line) == {
        "sv": "Bo Ek",
        "ar": "Gap: no volunteer speaks the language",
        "backup": "Gap: every speaker available then has enough shifts or needs rest",
    }
    assert "<mark>Gap: no volunteer speaks the language</mark>" in html
    assert "2 places have nobody." in html
    assert (
        '<th scope="col">Swedish</th><th scope="col">Arabic</th><th scope="col">Backup</th>' in html
    )


def test_each_place_offers_only_the_volunteers_who_speak_its_language(
    are: Client, line: Line
) -> None:
    html = are.get(line.rota_url).content.decode()
    arabic = html.split(f'id="place-{line.shift.id}-ar"')[1].split("</select>")[0]
    backup = html.split(f'id="place-{line.shift.id}-backup"')[1].split("</select>")[0]

    assert f'<label for="place-{line.shift.id}-ar">Shift 12, Arabic</label>' in html
    assert "Anna Berg" in arabic and "Bo Ek" not in arabic
    assert "Anna Berg" in backup and "Bo Ek" in backup
    assert f'<option value="{line.bo.id}" selected>Bo Ek</option>' in html


def test_assigning_a_volunteer_fills_the_gap(are: Client, line: Line) -> None:
    response = are.post(line.rota_url, line.place(line.anna, "ar"), follow=True)

    assert response.redirect_chain == [(line.rota_url, 302)]
    assert "Anna Berg is on shift 12." in response.content.decode()
    assert grid_cells(are, line)["ar"] == "Anna Berg"
    assert ShiftAssignment.objects.get(shift=line.shift, language__code="ar").volunteer == line.anna
    assert not RotaGap.objects.filter(shift=line.shift, language__code="ar").exists()


def test_choosing_nobody_takes_the_volunteer_off_and_leaves_a_gap(are: Client, line: Line) -> None:
    response = are.post(line.rota_url, line.place(None, "sv"), follow=True)

    assert "Bo Ek is off shift 12." in response.content.decode()
    assert grid_cells(are, line)["sv"] == "Gap: emptied by a coordinator"
    assert not ShiftAssignment.objects.filter(shift=line.shift).exists()


def test_choosing_the_same_volunteer_again_changes_nothing(are: Client, line: Line) -> None:
    before = ShiftAssignment.objects.get(shift=line.shift)

    are.post(line.rota_url, line.place(line.bo, "sv"))

    assert ShiftAssignment.objects.get(shift=line.shift) == before


def test_a_volunteer_who_does_not_speak_the_language_is_refused_with_the_reason(
    are: Client, line: Line
) -> None:
    response = are.post(line.rota_url, line.place(line.bo, "ar"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Shift 12, Arabic: Bo Ek does not take calls in Arabic." in html
    assert not ShiftAssignment.objects.filter(shift=line.shift, language__code="ar").exists()


def test_a_language_the_hotline_does_not_offer_is_refused(are: Client, line: Line) -> None:
    html = are.post(line.rota_url, line.place(line.anna, "uk")).content.decode()

    assert "The hotline does not offer this language." in html
    assert ShiftAssignment.objects.filter(shift=line.shift).count() == 1


def test_a_shift_that_has_ended_is_shown_but_cannot_be_changed(are: Client, line: Line) -> None:
    with time_machine.travel(at(TUESDAY, 21), tick=False):
        html = are.get(line.rota_url).content.decode()
        response = are.post(line.rota_url, line.place(line.anna, "ar"))

    assert "Bo Ek" in html
    assert 'name="volunteer"' not in html
    assert "This shift is over or not in this rota." in response.content.decode()
    assert not ShiftAssignment.objects.filter(volunteer=line.anna).exists()


def test_the_publish_button_publishes_the_whole_rota_and_texts_the_volunteers(
    are: Client, line: Line
) -> None:
    assert "Publish the whole rota" in are.get(line.rota_url).content.decode()

    response = are.post(line.rota_url, {"action": "publish"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(line.rota_url, 302)]
    assert "The rota is published. Texts to volunteers: 1." in html
    assert "Publish the whole rota" not in html
    rota = Rota.objects.get()
    assert rota.status == Rota.Status.PUBLISHED
    assert rota.published_by is not None and rota.published_by.username == "coordinator-Åre"
    assert OutboundSms.objects.filter(ambassador=line.bo.ambassador).count() == 1


def test_publishing_twice_shows_why_not(are: Client, line: Line) -> None:
    are.post(line.rota_url, {"action": "publish"})

    html = are.post(line.rota_url, {"action": "publish"}).content.decode()

    assert "This rota is already published." in html


def test_an_unknown_action_is_a_bad_request(are: Client, line: Line) -> None:
    assert are.post(line.rota_url, {"action": "delete"}).status_code == 400


# Planning a rota.


def test_the_new_rota_form_suggests_the_day_after_the_last_rota_and_four_weeks(
    are: Client, line: Line
) -> None:
    Rota.objects.filter(id=line.rota.id).update(last_day=date(2027, 3, 14))

    html = are.get(line.new_url).content.decode()

    assert 'name="first_day" value="2027-03-15"' in html
    assert 'name="weeks" value="4"' in html
    assert '<label for="id_first_day">First day</label>' in html


def test_planning_a_rota_makes_a_draft_and_shows_its_grid(are: Client, line: Line) -> None:
    Availability.objects.create(
        volunteer=line.anna, weekday=0, starts=at(TUESDAY, 16).time(), ends=at(TUESDAY, 21).time()
    )

    response = are.post(line.new_url, {"first_day": "2027-03-08", "weeks": "2"}, follow=True)

    rota = Rota.objects.get(first_day=date(2027, 3, 8))
    assert response.redirect_chain == [(f"/events/hotline/{line.hotline.id}/rota/{rota.id}/", 302)]
    assert rota.status == Rota.Status.DRAFT
    assert rota.last_day == date(2027, 3, 21)
    assert rota.created_by is not None
    html = response.content.decode()
    assert "The draft rota is ready. Check the gaps, then publish." in html
    rows = table_rows(html)
    assert len(rows) == rota.shifts.count() == 14
    assert rows[0][:3] == ["13", "Mon 8 Mar", "17:00–20:00"]


def test_a_period_a_published_rota_covers_is_refused_on_the_form(are: Client, line: Line) -> None:
    Rota.objects.filter(id=line.rota.id).update(status=Rota.Status.PUBLISHED)

    response = are.post(line.new_url, {"first_day": "2027-03-01", "weeks": "4"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "A published rota already covers part of this period; edit its shifts instead." in html
    assert Rota.objects.count() == 1


def test_more_weeks_than_a_rota_may_cover_are_refused(are: Client, line: Line) -> None:
    html = are.post(line.new_url, {"first_day": "2027-03-08", "weeks": "13"}).content.decode()

    assert "Ensure this value is less than or equal to 12." in html
    assert Rota.objects.count() == 1


# Call statistics.


def call(line: Line, started: datetime, outcome: str, language: str | None = None,
         duration: int | None = None) -> Call:  # fmt: skip
    return Call.objects.create(
        hotline=line.hotline,
        call_sid=f"CA{Call.objects.count():032d}",
        started_at=started,
        outcome=outcome,
        language=Language.objects.get(code=language) if language else None,
        duration_s=duration,
    )


def test_call_statistics_count_each_iso_week_and_language_in_stockholm_time(
    are: Client, line: Line
) -> None:
    answered, voicemail = Call.Outcome.ANSWERED, Call.Outcome.VOICEMAIL
    # Sunday 23:30 in UTC but Monday 00:30 in Stockholm: week 9.
    call(line, datetime(2027, 3, 1, 0, 30, tzinfo=STOCKHOLM), answered, "sv", 30)
    call(line, datetime(2027, 3, 1, 9, 0, tzinfo=STOCKHOLM), answered, "sv", 90)
    for day, seconds in [(23, 60), (24, 180), (25, 100)]:
        call(line, datetime(2027, 2, day, 18, 0, tzinfo=STOCKHOLM), answered, "ar", seconds)
    call(line, datetime(2027, 2, 26, 18, 0, tzinfo=STOCKHOLM), Call.Outcome.MISSED, "ar")
    call(line, datetime(2027, 2, 27, 11, 0, tzinfo=STOCKHOLM), voicemail, "sv")
    call(line, datetime(2027, 2, 28, 22, 0, tzinfo=STOCKHOLM), Call.Outcome.CLOSED)
    other = Hotline.objects.create(
        name="Other", phone="+46647123499", fallback_name="X", fallback_phone="+46701740696"
    )
    Call.objects.create(hotline=other, call_sid="CAother", outcome=answered, duration_s=999)

    html = are.get(line.calls_url).content.decode()

    rows = table_rows(html)
    assert rows == [
        ["Week 9, 2027", "Swedish", "2", "2", "0", "0", "0", "0:01:00", "0:02:00"],
        ["Week 8, 2027", "Arabic", "4", "3", "0", "1", "0", "0:01:40", "0:05:40"],
        ["Week 8, 2027", "Swedish", "1", "0", "1", "0", "0", "–", "0:00:00"],
        ["Week 8, 2027", "No language chosen", "1", "0", "0", "0", "1", "–", "0:00:00"],
    ]
    assert sum(int(row[2]) for row in rows) == Call.objects.filter(hotline=line.hotline).count()
    assert '<th scope="col">Outside opening hours</th>' in html


def test_calls_older_than_half_a_year_are_left_out(are: Client, line: Line) -> None:
    call(line, NOW - timedelta(weeks=30), Call.Outcome.ANSWERED, "sv", 60)

    html = are.get(line.calls_url).content.decode()

    assert table_rows(html) == []
    assert "No calls since" in html


# The admin.


def test_the_admin_shows_a_coordinator_only_the_hotlines_they_see(are: Client, line: Line) -> None:
    berg = Hotline.objects.create(
        name="Berg hotline",
        phone="+46687123400",
        municipality=Municipality.objects.get(name="Berg"),
        fallback_name="Per",
        fallback_phone="+46701740697",
    )

    listing = are.get("/admin/events/hotline/").content.decode()

    assert "Åre hotline" in listing and "Berg hotline" not in listing
    assert are.get(f"/admin/events/hotline/{line.hotline.id}/change/").status_code == 200
    assert are.get(f"/admin/events/hotline/{berg.id}/change/").status_code == 302
    volunteers = are.get("/admin/events/hotlinevolunteer/").content.decode()
    assert "Anna Berg" in volunteers and "Bo Ek" in volunteers


def test_a_municipal_coordinator_may_look_at_a_regional_hotline_but_not_change_it(
    are: Client,
) -> None:
    region = Hotline.objects.create(
        name="Region hotline",
        phone="+46631234500",
        fallback_name="K",
        fallback_phone="+46701740698",
    )

    html = are.get(f"/admin/events/hotline/{region.id}/change/").content.decode()

    assert "Region hotline" in html
    assert 'name="name"' not in html


def test_the_rota_admin_summarises_the_shifts_and_links_to_the_rota_page(
    are: Client, line: Line
) -> None:
    listing = are.get("/admin/events/rota/").content.decode()
    html = are.get(f"/admin/events/rota/{line.rota.id}/change/").content.decode()

    assert f'href="{line.rota_url}"' in listing
    assert "12 · 2027-03-02 17:00–20:00 · Swedish: Bo Ek, Arabic: gap, backup: gap" in html
    assert f'href="{line.rota_url}"' in html


def test_calls_in_the_admin_are_read_only_and_show_only_the_last_digits(
    are: Client, line: Line
) -> None:
    made = call(line, NOW, Call.Outcome.ANSWERED, "sv", 60)
    Call.objects.filter(id=made.id).update(caller_last_digits="4321")

    html = are.get(f"/admin/events/call/{made.id}/change/").content.decode()

    assert "4321" in html
    assert 'name="outcome"' not in html
    assert are.post(f"/admin/events/call/{made.id}/delete/").status_code == 403
