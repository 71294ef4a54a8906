"""The hotline rota by SMS: the summary on publishing, reminders the day and the hour
before, and swaps ("BYT 12" offers shift 12, the first "TA 12" takes it)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_q.models import Schedule

from ambassadors.models import Ambassador, InboundSms, Language, OptOut, OutboundSms
from ambassadors.sms import LocmemMessage
from ambassadors.sms_text import QuietHours
from events import tasks
from events.hotline import rota_generate, rota_publish
from events.hotline_sms import shift_reminders_dispatch_due, swap_offer, swap_take
from events.models import (
    Absence,
    Availability,
    Hotline,
    HotlineLanguage,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    Shift,
    ShiftAssignment,
    ShiftSwap,
    Weekday,
)
from events.schedules import SHIFT_REMINDERS_SCHEDULE_NAME
from matching.texts import not_understood

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Monday 30 November 2026, 10:00 in Stockholm; the rota is for the week after.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)
# Fictional numbers from the far end of the range the numbers fixture hands out.
HOTLINE_PHONE = "+46701740699"
COORDINATOR_PHONE = "+46701740698"
WEBHOOK = "/webhooks/twilio/sms/"
SIDS = (f"SM{n:032d}" for n in itertools.count(1))


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


# The shifts of the week: number → (day, from, to). Tuesday evening's shift 12
# is the one swapped.
SHIFTS = {
    11: (TUESDAY, 9, 12),
    12: (TUESDAY, 17, 20),
    13: (TUESDAY + timedelta(days=1), 17, 20),
    14: (TUESDAY + timedelta(days=2), 17, 20),
    15: (TUESDAY + timedelta(days=1), 6, 8),
}
SHIFT_12_STARTS = local(TUESDAY, 17)

# The volunteers: languages, reading language, weekly windows (weekday, from, to),
# most shifts a week, and their places (shift number, language or None: backup).
# For Anna's Swedish place on shift 12, Bo and Ivar may take it; each of the
# others has one reason not to.
VOLUNTEERS: dict[str, dict[str, Any]] = {
    "Anna": {"languages": "sv:4", "reads": "sv", "places": [(12, "sv")]},
    "Karim": {"languages": "ar:4 sv:3", "reads": "ar", "places": [(12, "ar")]},
    "Bo": {
        "languages": "sv:4",
        "reads": "sv",
        "windows": [(1, 16, 21), (2, 16, 21)],
        "places": [(13, "sv")],
    },
    "Ivar": {"languages": "sv:3 en:4", "reads": "en"},
    # Speaks no Swedish well enough to take calls in it.
    "Dalia": {"languages": "ar:4 sv:1", "reads": "en"},
    # Only on Wednesdays.
    "Eva": {"languages": "sv:4", "reads": "en", "windows": [(2, 16, 21)]},
    # One shift a week, and she has Thursday's.
    "Fia": {
        "languages": "sv:4",
        "reads": "en",
        "windows": [(1, 16, 21), (3, 16, 21)],
        "most": 1,
        "places": [(14, None)],
    },
    # Has said STOPP.
    "Gustav": {"languages": "sv:4", "reads": "en", "opted_out": True},
    # Away that Tuesday.
    "Hanna": {"languages": "sv:4", "reads": "en", "away": TUESDAY},
    # Has Tuesday morning's shift.
    "Jonas": {"languages": "sv:4", "reads": "en", "windows": [(1, 8, 21)], "places": [(11, "sv")]},
    # Has Wednesday's early shift, ten hours after Tuesday evening's ends.
    "Kalle": {
        "languages": "sv:4",
        "reads": "en",
        "windows": [(1, 16, 21), (2, 5, 9)],
        "places": [(15, "sv")],
    },
    # Takes no shifts for now.
    "Mats": {"languages": "sv:4", "reads": "en", "active": False},
}
ELIGIBLE = {"Bo", "Ivar"}


@dataclass
class Scene:
    hotline: Hotline
    rota: Rota
    people: dict[str, Ambassador]
    shifts: dict[int, Shift]

    def place(self, number: int, code: str | None) -> ShiftAssignment:
        return ShiftAssignment.objects.select_related("volunteer__ambassador").get(
            shift=self.shifts[number], language__code=code
        )


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(
    clock: Any,
    settings: Any,
    ambassador: Callable[..., Ambassador],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
) -> Scene:
    """A Swedish and Arabic hotline and a one-week rota, planned by hand, still a draft."""
    settings.QUIET_HOURS = None
    hotline = Hotline.objects.create(
        name="Jourlinjen",
        phone=HOTLINE_PHONE,
        fallback_name="Karin",
        fallback_phone=COORDINATOR_PHONE,
        min_rest_hours=11,
    )
    for digit, code in enumerate(["sv", "ar"], start=1):
        HotlineLanguage.objects.create(
            hotline=hotline, language=Language.objects.get(code=code), digit=digit
        )
    rota = Rota.objects.create(hotline=hotline, first_day=MONDAY, last_day=MONDAY + timedelta(6))
    shifts = {}
    for number, (day, starts, ends) in SHIFTS.items():
        OpeningHours.objects.get_or_create(
            hotline=hotline, weekday=day.weekday(), opens=time(starts), closes=time(ends)
        )
        shifts[number] = Shift.objects.create(
            hotline=hotline,
            rota=rota,
            number=number,
            starts_at=local(day, starts),
            ends_at=local(day, ends),
        )
    people = {}
    for name, spec in VOLUNTEERS.items():
        person = ambassador(
            "Östersund",
            spec["languages"],
            first_name=name,
            preferred_language=Language.objects.get(code=spec["reads"]),
        )
        volunteer = HotlineVolunteer.objects.create(
            hotline=hotline,
            ambassador=person,
            max_shifts_per_week=spec.get("most", 2),
            active=spec.get("active", True),
        )
        for weekday, starts, ends in spec.get("windows", [(Weekday.TUESDAY, 16, 21)]):
            Availability.objects.create(
                volunteer=volunteer, weekday=weekday, starts=time(starts), ends=time(ends)
            )
        if "away" in spec:
            Absence.objects.create(
                volunteer=volunteer, first_day=spec["away"], last_day=spec["away"]
            )
        for number, code in spec.get("places", []):
            ShiftAssignment.objects.create(
                shift=shifts[number],
                volunteer=volunteer,
                language=Language.objects.get(code=code) if code else None,
            )
        if spec.get("opted_out"):
            OptOut.objects.create(phone=str(person.phone), source=OptOut.Source.KEYWORD)
        people[name] = person
    return Scene(hotline=hotline, rota=rota, people=people, shifts=shifts)


@pytest.fixture
def published(scene: Scene, committing: Callable[[], AbstractContextManager[Any]]) -> Scene:
    with committing():
        rota_publish(rota=scene.rota)
    return scene


def texts_to(outbox: list[LocmemMessage], person: Ambassador | str) -> list[str]:
    number = person if isinstance(person, str) else str(person.phone)
    return [message.body for message in outbox if message.to == number]


def rows(purpose: OutboundSms.Purpose) -> list[OutboundSms]:
    return list(OutboundSms.objects.filter(purpose=purpose).order_by("id"))


def names(purpose: OutboundSms.Purpose) -> set[str]:
    """The first names of the ambassadors texted for `purpose`."""
    return set(
        OutboundSms.objects.filter(purpose=purpose).values_list("ambassador__first_name", flat=True)
    )


def sms(
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
    person: Ambassador,
    body: str,
) -> str:
    """Text our number as `person`; returns the answer in the TwiML ("" for none)."""
    with committing():
        response = twilio_post(
            WEBHOOK, {"MessageSid": next(SIDS), "From": str(person.phone), "Body": body}
        )
    assert response.status_code == 200
    return "".join(re.findall(r"<Message>(.*?)</Message>", response.content.decode(), re.S))


# The summary.


def test_publishing_texts_each_volunteer_with_shifts_their_shifts_and_how_to_swap(
    scene: Scene,
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    with committing():
        written = rota_publish(rota=scene.rota)

    with_shifts = {"Anna", "Karim", "Bo", "Fia", "Jonas", "Kalle"}
    assert written == len(with_shifts)
    assert names(OutboundSms.Purpose.ROTA) == with_shifts
    [anna] = texts_to(sms_outbox, scene.people["Anna"])
    assert "12: " in anna and "17:00-20:00" in anna and "BYT 12" in anna
    [karim] = texts_to(sms_outbox, scene.people["Karim"])
    assert "12: " in karim and "العربية" in karim and "تبديل 12" in karim
    [fia] = texts_to(sms_outbox, scene.people["Fia"])
    assert "14: " in fia and "backup" in fia and "SWAP 14" in fia
    for name in set(VOLUNTEERS) - with_shifts:
        assert texts_to(sms_outbox, scene.people[name]) == []


def test_a_generated_rota_texts_everyone_on_it_once_with_all_their_shifts(
    settings: Any,
    ambassador: Callable[..., Ambassador],
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    settings.QUIET_HOURS = None
    hotline = Hotline.objects.create(
        name="Jourlinjen",
        phone=HOTLINE_PHONE,
        fallback_name="Karin",
        fallback_phone=COORDINATOR_PHONE,
    )
    HotlineLanguage.objects.create(
        hotline=hotline, language=Language.objects.get(code="sv"), digit=1
    )
    for weekday in range(Weekday.MONDAY, Weekday.FRIDAY + 1):
        OpeningHours.objects.create(
            hotline=hotline, weekday=weekday, opens=time(17), closes=time(20)
        )
    for name in ("Anna", "Bo", "Cissi", "Dan"):
        volunteer = HotlineVolunteer.objects.create(
            hotline=hotline, ambassador=ambassador(first_name=name), max_shifts_per_week=2
        )
        # Dan is never free when the hotline is open.
        windows = range(5) if name != "Dan" else [Weekday.SATURDAY]
        for weekday in windows:
            Availability.objects.create(
                volunteer=volunteer, weekday=weekday, starts=time(16), ends=time(21)
            )

    with time_machine.travel(NOW, tick=False):
        rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
        with committing():
            written = rota_publish(rota=rota)

    on_rota = HotlineVolunteer.objects.filter(assignments__shift__rota=rota).distinct()
    assert written == on_rota.count() > 0
    for volunteer in on_rota:
        [summary] = texts_to(sms_outbox, volunteer.ambassador)
        for number in volunteer.assignments.values_list("shift__number", flat=True):
            assert f"{number}: " in summary
    [dan] = HotlineVolunteer.objects.filter(ambassador__first_name="Dan")
    assert texts_to(sms_outbox, dan.ambassador) == []


# Reminders.


def test_a_volunteer_is_reminded_the_day_and_the_hour_before_each_shift_once(
    published: Scene,
    clock: Any,
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    anna = published.people["Anna"]
    sms_outbox.clear()

    clock.move_to(SHIFT_12_STARTS - timedelta(hours=24, minutes=2))
    with committing():
        shift_reminders_dispatch_due()
    assert texts_to(sms_outbox, anna) == []

    clock.move_to(SHIFT_12_STARTS - timedelta(hours=24))
    with committing():
        shift_reminders_dispatch_due()
        assert shift_reminders_dispatch_due() == 0
    [day_before] = texts_to(sms_outbox, anna)
    assert "12" in day_before and "17:00-20:00" in day_before and "BYT 12" in day_before
    assert len(texts_to(sms_outbox, published.people["Karim"])) == 1

    clock.move_to(SHIFT_12_STARTS - timedelta(hours=1, seconds=-30))
    with committing():
        shift_reminders_dispatch_due()
        assert shift_reminders_dispatch_due() == 0
    [_, hour_before] = texts_to(sms_outbox, anna)
    assert "12" in hour_before and "17:00" in hour_before and HOTLINE_PHONE in hour_before

    clock.move_to(SHIFT_12_STARTS + timedelta(minutes=1))
    with committing():
        shift_reminders_dispatch_due()
    assert len(texts_to(sms_outbox, anna)) == 2
    assert (
        OutboundSms.objects.filter(
            ambassador=anna, purpose=OutboundSms.Purpose.SHIFT_REMINDER
        ).count()
        == 2
    )


def test_no_reminder_goes_after_the_start_and_a_missed_one_is_dropped(
    published: Scene,
    clock: Any,
    sms_outbox: list[LocmemMessage],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    sms_outbox.clear()

    # The service was down from two days before until ten minutes after the
    # hour-before reminder was due: both are dropped, not sent late.
    clock.move_to(SHIFT_12_STARTS - timedelta(minutes=50))
    with committing():
        shift_reminders_dispatch_due()
    clock.move_to(SHIFT_12_STARTS + timedelta(minutes=1))
    with committing():
        shift_reminders_dispatch_due()

    assert texts_to(sms_outbox, published.people["Anna"]) == []
    place = published.place(12, "sv")
    assert place.reminded_day_before_at is not None
    assert place.reminded_hour_before_at is not None


def test_a_draft_rota_sends_no_reminders(
    scene: Scene, clock: Any, sms_outbox: list[LocmemMessage]
) -> None:
    clock.move_to(SHIFT_12_STARTS - timedelta(hours=1))

    assert shift_reminders_dispatch_due() == 0
    assert sms_outbox == []


def test_the_reminders_run_every_minute_as_a_scheduled_task(
    published: Scene, clock: Any, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    schedule = Schedule.objects.get(name=SHIFT_REMINDERS_SCHEDULE_NAME)
    assert (schedule.func, schedule.minutes) == ("events.tasks.shift_reminders_scheduled", 1)

    clock.move_to(SHIFT_12_STARTS - timedelta(hours=24))
    with committing():
        # Anna and Karim on shift 12.
        assert tasks.shift_reminders_scheduled() == 2


# Swaps.


def test_a_shift_is_swapped_by_sms_from_offer_to_taker(
    published: Scene,
    clock: Any,
    sms_outbox: list[LocmemMessage],
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    people = published.people
    sms_outbox.clear()

    # Anna offers her shift: only those who may take her Swedish place are asked.
    answer = sms(twilio_post, committing, people["Anna"], "BYT 12")
    assert "2" in answer
    assert names(OutboundSms.Purpose.SWAP) == ELIGIBLE
    [to_bo] = texts_to(sms_outbox, people["Bo"])
    assert "Anna" in to_bo and "TA 12" in to_bo and "17:00-20:00" in to_bo
    [to_ivar] = texts_to(sms_outbox, people["Ivar"])
    assert "TAKE 12" in to_ivar
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.OPEN

    # The first to answer gets it; Anna and the coordinator are told.
    answer = sms(twilio_post, committing, people["Bo"], "Ta 12 tack!")
    assert "12" in answer and "17:00-20:00" in answer
    swap = ShiftSwap.objects.select_related("offered_by__ambassador", "taken_by__ambassador").get()
    assert swap.status == ShiftSwap.Status.TAKEN
    assert swap.offered_by.ambassador == people["Anna"]
    assert swap.taken_by is not None and swap.taken_by.ambassador == people["Bo"]
    assert published.place(12, "sv").volunteer.ambassador == people["Bo"]
    [to_anna] = texts_to(sms_outbox, people["Anna"])
    assert "Bo" in to_anna and "12" in to_anna
    [to_coordinator] = texts_to(sms_outbox, COORDINATOR_PHONE)
    assert "Bo" in to_coordinator and "Anna" in to_coordinator and "12" in to_coordinator

    # The second is too late, and nothing changes.
    answer = sms(twilio_post, committing, people["Ivar"], "TAKE 12")
    assert "already been taken" in answer
    assert published.place(12, "sv").volunteer.ambassador == people["Bo"]

    # The reminders follow the place.
    sms_outbox.clear()
    clock.move_to(SHIFT_12_STARTS - timedelta(hours=1))
    with committing():
        shift_reminders_dispatch_due()
    assert len(texts_to(sms_outbox, people["Bo"])) == 1
    assert texts_to(sms_outbox, people["Anna"]) == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Dalia", "takes calls in Swedish"),
        ("Eva", "outside the times you take shifts"),
        ("Hanna", "or you are away then"),
        ("Fia", "You already have 1 shift that week"),
        ("Jonas", "a shift that day"),
        ("Kalle", "less than 11 h from another of your shifts"),
        # Karim reads Arabic: "you are already on shift 12".
        ("Karim", "بالفعل في المناوبة 12"),
        ("Mats", "not taking hotline shifts"),
    ],
)
def test_a_volunteer_who_may_not_take_the_shift_is_told_why_and_it_stays_offered(
    published: Scene,
    sms_outbox: list[LocmemMessage],
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
    name: str,
    why: str,
) -> None:
    sms(twilio_post, committing, published.people["Anna"], "BYT 12")

    answer = sms(twilio_post, committing, published.people[name], "TAKE 12")

    assert why in answer
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.OPEN
    assert published.place(12, "sv").volunteer.ambassador == published.people["Anna"]


def test_a_stopped_volunteer_gets_no_summary_reminder_or_swap_offer_and_cannot_take(
    scene: Scene,
    clock: Any,
    sms_outbox: list[LocmemMessage],
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    bo = scene.people["Bo"]
    sms(twilio_post, committing, bo, "STOPP")
    sms_outbox.clear()

    with committing():
        rota_publish(rota=scene.rota)
    sms(twilio_post, committing, scene.people["Anna"], "BYT 12")
    answer = sms(twilio_post, committing, bo, "TA 12")
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.OPEN
    clock.move_to(local(TUESDAY + timedelta(days=1), 17) - timedelta(hours=24))
    with committing():
        shift_reminders_dispatch_due()

    assert texts_to(sms_outbox, bo) == []
    assert answer == ""
    # Written and suppressed: the summary and the reminder of his own shift 13.
    told = OutboundSms.objects.filter(ambassador=bo).exclude(purpose=OutboundSms.Purpose.OPT_OUT)
    assert set(told.values_list("purpose", "status")) == {
        (OutboundSms.Purpose.ROTA, OutboundSms.Status.SUPPRESSED),
        (OutboundSms.Purpose.SHIFT_REMINDER, OutboundSms.Status.SUPPRESSED),
    }
    assert not OutboundSms.objects.filter(ambassador=bo, purpose=OutboundSms.Purpose.SWAP).exists()


def test_only_ones_own_coming_shift_can_be_offered(
    published: Scene, clock: Any, sms_outbox: list[LocmemMessage]
) -> None:
    sms_outbox.clear()
    bo = published.people["Bo"]

    assert "no coming shift 12" in swap_offer(ambassador=bo, number=12, language="en")
    assert "no coming shift 99" in swap_offer(ambassador=bo, number=99, language="en")
    clock.move_to(local(TUESDAY + timedelta(days=1), 17) + timedelta(minutes=1))
    assert "no coming shift 13" in swap_offer(ambassador=bo, number=13, language="en")

    assert not ShiftSwap.objects.exists()
    assert not OutboundSms.objects.filter(purpose=OutboundSms.Purpose.SWAP).exists()


def test_a_shift_is_offered_once_and_a_shift_nobody_can_take_goes_to_the_coordinator(
    published: Scene, sms_outbox: list[LocmemMessage]
) -> None:
    anna, fia = published.people["Anna"], published.people["Fia"]

    swap_offer(ambassador=anna, number=12, language="en")
    again = swap_offer(ambassador=anna, number=12, language="en")
    # Nobody else is free on Thursdays.
    nobody = swap_offer(ambassador=fia, number=14, language="en")

    assert "already offered" in again
    assert "Karin" in nobody and COORDINATOR_PHONE in nobody
    assert ShiftSwap.objects.get().assignment == published.place(12, "sv")
    assert OutboundSms.objects.filter(purpose=OutboundSms.Purpose.SWAP).count() == len(ELIGIBLE)


def test_the_offerer_taking_their_own_shift_withdraws_the_offer(published: Scene) -> None:
    anna, bo = published.people["Anna"], published.people["Bo"]
    swap_offer(ambassador=anna, number=12, language="en")

    assert "withdrawn" in swap_take(ambassador=anna, number=12, language="en")
    assert "not offered" in swap_take(ambassador=bo, number=12, language="en")

    assert ShiftSwap.objects.get().status == ShiftSwap.Status.WITHDRAWN
    assert published.place(12, "sv").volunteer.ambassador == anna


def test_an_open_swap_closes_when_the_shift_starts(
    published: Scene, clock: Any, committing: Callable[[], AbstractContextManager[Any]]
) -> None:
    anna, bo = published.people["Anna"], published.people["Bo"]
    swap_offer(ambassador=anna, number=12, language="en")

    clock.move_to(SHIFT_12_STARTS)
    assert "already started" in swap_take(ambassador=bo, number=12, language="en")

    assert ShiftSwap.objects.get().status == ShiftSwap.Status.EXPIRED
    assert published.place(12, "sv").volunteer.ambassador == anna


def test_the_dispatcher_closes_the_swaps_of_started_shifts(published: Scene, clock: Any) -> None:
    swap_offer(ambassador=published.people["Anna"], number=12, language="en")

    clock.move_to(SHIFT_12_STARTS - timedelta(seconds=1))
    shift_reminders_dispatch_due()
    assert ShiftSwap.objects.get().status == ShiftSwap.Status.OPEN
    clock.move_to(SHIFT_12_STARTS)
    shift_reminders_dispatch_due()

    assert ShiftSwap.objects.get().status == ShiftSwap.Status.EXPIRED


def test_an_offer_for_a_shift_days_away_waits_for_the_end_of_the_quiet_hours(
    published: Scene, clock: Any, settings: Any
) -> None:
    settings.QUIET_HOURS = QuietHours.parse("21:00-08:00")
    clock.move_to(local(MONDAY - timedelta(days=1), 22))

    swap_offer(ambassador=published.people["Anna"], number=12, language="en")

    held = rows(OutboundSms.Purpose.SWAP)
    assert held and all(message.send_after == local(MONDAY, 8) for message in held)


def test_an_offer_for_a_shift_early_tomorrow_goes_at_once_even_at_night(
    published: Scene, clock: Any, settings: Any
) -> None:
    settings.QUIET_HOURS = QuietHours.parse("21:00-08:00")
    clock.move_to(local(MONDAY, 23))

    # Jonas's shift 11 starts at 09:00, an hour after the quiet hours end; Bo is free then.
    Availability.objects.create(
        volunteer=HotlineVolunteer.objects.get(ambassador=published.people["Bo"]),
        weekday=Weekday.TUESDAY,
        starts=time(8),
        ends=time(13),
    )
    swap_offer(ambassador=published.people["Jonas"], number=11, language="en")

    sent = rows(OutboundSms.Purpose.SWAP)
    assert sent and all(message.send_after == local(MONDAY, 23) for message in sent)


def test_a_swap_word_without_a_number_asks_which_shift_and_strangers_are_not_understood(
    published: Scene,
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    assert "SWAP 12" in sms(twilio_post, committing, published.people["Ivar"], "swap")
    assert "BYT 12" in sms(twilio_post, committing, published.people["Anna"], "BYT")

    with committing():
        response = twilio_post(
            WEBHOOK, {"MessageSid": next(SIDS), "From": "+46701740697", "Body": "BYT 12"}
        )

    assert not_understood("sv") in response.content.decode()
    assert InboundSms.objects.get(from_number="+46701740697").needs_attention
    assert not ShiftSwap.objects.exists()


def test_swap_texts_are_short_and_cheap(
    published: Scene,
    twilio_post: Callable[..., Any],
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    sms(twilio_post, committing, published.people["Anna"], "BYT 12")
    sms(twilio_post, committing, published.people["Ivar"], "TAKE 12")

    for message in OutboundSms.objects.exclude(purpose=OutboundSms.Purpose.REPLY):
        assert message.segments <= 3, message.body
        if message.language == "en":
            assert message.encoding == "GSM-7", message.body
