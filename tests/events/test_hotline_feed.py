"""Hotline shifts in the volunteer's personal calendar feed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar  # type: ignore[import-untyped, unused-ignore]
import pytest
import time_machine
from django.test import Client

from ambassadors.models import Ambassador, Language
from events.models import Hotline, HotlineVolunteer, Rota, Shift, ShiftAssignment
from events.services import calendar_token

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday 1 March 2027, in winter time; the shifts below are in summer time too.
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _march_2027() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hotline() -> Hotline:
    return Hotline.objects.create(
        name="Buddy hotline",
        phone="+46631234500",
        fallback_name="Karin Lindqvist",
        fallback_phone="+46701740699",
    )


@pytest.fixture
def shift(hotline: Hotline) -> Callable[..., Shift]:
    """A shift 17:00–20:00 Stockholm time on `day`, in a rota of its own."""
    numbers = iter(range(12, 100))

    def make(day: date, *, published: bool = True) -> Shift:
        status = Rota.Status.PUBLISHED if published else Rota.Status.DRAFT
        rota = Rota.objects.create(hotline=hotline, first_day=day, last_day=day, status=status)
        return Shift.objects.create(
            hotline=hotline,
            rota=rota,
            number=next(numbers),
            starts_at=datetime(day.year, day.month, day.day, 17, tzinfo=STOCKHOLM),
            ends_at=datetime(day.year, day.month, day.day, 20, tzinfo=STOCKHOLM),
        )

    return make


@pytest.fixture
def layla(
    ambassador: Callable[..., Ambassador], language: Callable[[str], Language], hotline: Hotline
) -> HotlineVolunteer:
    person = ambassador(
        languages="ar:4 sv:3 en:3", first_name="Layla", preferred_language=language("en")
    )
    return HotlineVolunteer.objects.create(hotline=hotline, ambassador=person)


def feed(client: Client, volunteer: HotlineVolunteer) -> Any:
    response = client.get(f"/events/calendar/{calendar_token(volunteer.ambassador)}.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar: Any) -> list[str]:
    return [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")]


def test_a_published_shift_is_in_the_feed_in_stockholm_time_with_an_alarm(
    client: Client,
    layla: HotlineVolunteer,
    shift: Callable[..., Shift],
    language: Callable[[str], Language],
) -> None:
    summer = shift(date(2027, 7, 15))
    ShiftAssignment.objects.create(shift=summer, volunteer=layla, language=language("ar"))

    calendar = feed(client, layla)

    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Hotline shift 12 · Arabic"
    assert str(vevent["UID"]) == f"shift-{summer.id}@ambassadors.regionjh.se"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert vevent.decoded("DTSTART") == datetime(2027, 7, 15, 17, tzinfo=STOCKHOLM)
    assert vevent.decoded("DTEND") == datetime(2027, 7, 15, 20, tzinfo=STOCKHOLM)
    assert "+46 63 123 45 00" in str(vevent["DESCRIPTION"])
    (alarm,) = vevent.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=-1)
    assert str(alarm["ACTION"]) == "DISPLAY"
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Stockholm"


def test_the_backup_shift_says_so(
    client: Client, layla: HotlineVolunteer, shift: Callable[..., Shift]
) -> None:
    ShiftAssignment.objects.create(shift=shift(date(2027, 3, 2)), volunteer=layla, language=None)

    assert summaries(feed(client, layla)) == ["Hotline shift 12 · backup"]


def test_only_published_shifts_of_the_last_month_and_later_are_in_the_feed(
    client: Client,
    layla: HotlineVolunteer,
    shift: Callable[..., Shift],
    language: Callable[[str], Language],
) -> None:
    swedish = language("sv")
    for day, published in [
        (date(2027, 1, 20), True),  # 40 days ago
        (date(2027, 2, 20), True),  # 9 days ago
        (date(2027, 3, 9), False),  # a draft
        (date(2027, 3, 10), True),
    ]:
        ShiftAssignment.objects.create(
            shift=shift(day, published=published), volunteer=layla, language=swedish
        )

    assert summaries(feed(client, layla)) == [
        "Hotline shift 13 · Swedish",
        "Hotline shift 15 · Swedish",
    ]


def test_someone_elses_shift_is_not_in_the_feed(
    client: Client,
    layla: HotlineVolunteer,
    hotline: Hotline,
    shift: Callable[..., Shift],
    ambassador: Callable[..., Ambassador],
    language: Callable[[str], Language],
) -> None:
    omar = HotlineVolunteer.objects.create(
        hotline=hotline, ambassador=ambassador(languages="ar:4", first_name="Omar")
    )
    ShiftAssignment.objects.create(
        shift=shift(date(2027, 3, 2)), volunteer=omar, language=language("ar")
    )

    assert summaries(feed(client, layla)) == []


def test_the_language_is_named_in_the_volunteers_language(
    client: Client,
    layla: HotlineVolunteer,
    shift: Callable[..., Shift],
    language: Callable[[str], Language],
) -> None:
    Ambassador.objects.filter(id=layla.ambassador_id).update(preferred_language=language("sv"))
    ShiftAssignment.objects.create(
        shift=shift(date(2027, 3, 2)), volunteer=layla, language=language("ar")
    )

    (summary,) = summaries(feed(client, layla))

    assert summary.endswith(" · arabiska")
