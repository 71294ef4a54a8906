"""Recurring series: 18:00 stays 18:00 across summer time; occurrences change one by one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from ambassadors.services import ApplicationError
from events.models import Event
from events.services import event_cancel, event_update, occurrence_starts, series_create

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_the_first_tuesday_at_18_stays_18_local_across_the_change_to_summer_time() -> None:
    first = datetime(2027, 2, 2, 18, 0, tzinfo=STOCKHOLM)

    starts = occurrence_starts(rule="FREQ=MONTHLY;BYDAY=1TU;COUNT=4", first_start=first)

    assert [start.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") for start in starts] == [
        "2027-02-02 18:00",
        "2027-03-02 18:00",
        "2027-04-06 18:00",
        "2027-05-04 18:00",
    ]
    # Winter time is UTC+1, summer time UTC+2.
    assert [start.astimezone(UTC).hour for start in starts] == [17, 17, 16, 16]


def test_a_rule_without_an_end_gets_a_year_of_monthly_dates_at_most() -> None:
    first = datetime(2027, 1, 5, 18, 0, tzinfo=STOCKHOLM)

    assert len(occurrence_starts(rule="FREQ=MONTHLY;BYDAY=1TU", first_start=first)) == 12


def test_a_broken_rule_is_refused_with_the_reason() -> None:
    with pytest.raises(ApplicationError) as refused:
        occurrence_starts(rule="FREQ=SOMETIMES", first_start=datetime(2027, 1, 5, tzinfo=UTC))

    assert refused.value.field == "rule"


@time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False)
def test_a_series_makes_occurrences_that_change_and_cancel_one_by_one(
    make_coordinator: Callable[..., User], municipality: Callable[[str], Any]
) -> None:
    start = datetime(2027, 10, 5, 18, 0, tzinfo=STOCKHOLM)
    template = Event.objects.create(
        title_sv="Språkcafé",
        kind=Event.Kind.NETWORK_MEETUP,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        municipality=municipality("Åre"),
        address="Järpen bibliotek",
        organiser=make_coordinator("Åre"),
    )

    series = series_create(template=template, rule="FREQ=MONTHLY;BYDAY=1TU;COUNT=3")

    occurrences = list(series.occurrences.order_by("starts_at"))
    local = [timezone_str(event.starts_at) for event in occurrences]
    # The first Tuesdays of October, November and December: summer, then winter time.
    assert local == ["2027-10-05 18:00", "2027-11-02 18:00", "2027-12-07 18:00"]
    assert [e.ends_at - e.starts_at for e in occurrences] == [timedelta(hours=2)] * 3
    moved = event_update(event=occurrences[1], address="Åre kulturhus")
    event_cancel(event=occurrences[2])
    assert [e.address for e in series.occurrences.order_by("starts_at")] == [
        "Järpen bibliotek",
        "Åre kulturhus",
        "Järpen bibliotek",
    ]
    assert moved.sequence == 1
    assert [e.status for e in series.occurrences.order_by("starts_at")] == [
        Event.Status.DRAFT,
        Event.Status.DRAFT,
        Event.Status.CANCELLED,
    ]
    assert occurrences[1].recurrence_start == occurrences[1].starts_at


def timezone_str(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
