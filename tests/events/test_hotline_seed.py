"""The demo hotline: made once, the same on every run, with a published rota."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from events.models import (
    Availability,
    Hotline,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    RotaGap,
    Shift,
    ShiftAssignment,
)

pytestmark = pytest.mark.django_db

# Wednesday 3 March 2027: the rota starts on Monday the 1st.
NOW = datetime(2027, 3, 3, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture(autouse=True)
def _march_2027(settings: Any) -> Iterator[None]:
    settings.QUIET_HOURS = None
    with time_machine.travel(NOW, tick=False):
        yield


def counts() -> dict[str, int]:
    return {
        "hotlines": Hotline.objects.count(),
        "volunteers": HotlineVolunteer.objects.count(),
        "availability": Availability.objects.count(),
        "opening hours": OpeningHours.objects.count(),
        "rotas": Rota.objects.count(),
        "shifts": Shift.objects.count(),
        "assignments": ShiftAssignment.objects.count(),
        "gaps": RotaGap.objects.count(),
    }


def test_the_demo_hotline_is_made_once_with_a_published_rota_for_four_weeks() -> None:
    # seed_demo makes the demo hotline at its end.
    first = StringIO()
    call_command("seed_demo", stdout=first)
    made = counts()
    again = StringIO()

    call_command("seed_demo_hotline", stdout=again)

    assert counts() == made
    hotline = Hotline.objects.get()
    assert hotline.name == "Buddy hotline Jämtland Härjedalen"
    assert list(hotline.menu.values_list("digit", "language__code")) == [
        (1, "sv"), (2, "en"), (3, "ar"), (4, "uk"), (5, "so"), (6, "ti"),
    ]  # fmt: skip
    assert made["volunteers"] == 25
    assert made["opening hours"] == 7
    rota = Rota.objects.get()
    assert rota.status == Rota.Status.PUBLISHED
    assert (rota.first_day, rota.last_day) == (date(2027, 3, 1), date(2027, 3, 28))
    # A shift a day, but none on Good Friday and Easter Sunday.
    assert made["shifts"] == 26
    closed = {date(2027, 3, 26), date(2027, 3, 28)}
    assert not [
        s for s in Shift.objects.all() if s.starts_at.astimezone(NOW.tzinfo).date() in closed
    ]
    # Every place (six languages and the backup) is held or shown as a gap.
    assert made["assignments"] + made["gaps"] == 26 * 7
    assert made["assignments"] > 0
    assert "published the rota" in first.getvalue()
    assert "kept the rota" in again.getvalue()
    assert f"{made['shifts']} shifts, {made['assignments']} assignments" in again.getvalue()


def test_the_demo_hotline_keeps_a_published_rota_a_week_later() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_hotline", stdout=StringIO())
    made = counts()

    with time_machine.travel(datetime(2027, 3, 10, 12, 0, tzinfo=NOW.tzinfo), tick=False):
        call_command("seed_demo_hotline", stdout=StringIO())

    assert counts() == made


def test_it_needs_the_demo_network_first() -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_hotline")
