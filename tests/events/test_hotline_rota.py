"""The hotline rota in the database: shifts from opening hours, volunteers' limits, edits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from ambassadors.models import Ambassador, Language, OutboundSms
from ambassadors.services import ApplicationError
from events.hotline import (
    call_chain,
    opening_windows,
    rota_generate,
    shift_assign,
    shift_unassign,
)
from events.models import (
    Absence,
    Availability,
    Hotline,
    HotlineClosure,
    HotlineLanguage,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    RotaGap,
    Shift,
    ShiftAssignment,
    Weekday,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Monday; the summer time ends on Sunday 25 October 2026.
MONDAY = date(2026, 10, 19)


@pytest.fixture
def hotline() -> Hotline:
    hotline = Hotline.objects.create(
        name="Buddy hotline",
        phone="+46631234500",
        fallback_name="Karin",
        fallback_phone="+46701110000",
    )
    for digit, code in enumerate(["sv", "ar", "so"], start=1):
        HotlineLanguage.objects.create(
            hotline=hotline, language=Language.objects.get(code=code), digit=digit
        )
    for weekday in range(Weekday.MONDAY, Weekday.FRIDAY + 1):
        OpeningHours.objects.create(
            hotline=hotline, weekday=weekday, opens=time(17), closes=time(20)
        )
    return hotline


@pytest.fixture
def volunteer(
    hotline: Hotline, ambassador: Callable[..., Ambassador]
) -> Callable[..., HotlineVolunteer]:
    def make(
        languages: str, weekdays: range | list[int] = range(5), most: int = 2
    ) -> HotlineVolunteer:
        made = HotlineVolunteer.objects.create(
            hotline=hotline, ambassador=ambassador(languages=languages), max_shifts_per_week=most
        )
        for weekday in weekdays:
            Availability.objects.create(
                volunteer=made, weekday=weekday, starts=time(16), ends=time(21)
            )
        return made

    return make


def test_shifts_follow_the_opening_hours_and_keep_local_time_across_the_change_to_winter_time(
    hotline: Hotline,
) -> None:
    windows = opening_windows(hotline, MONDAY, MONDAY + timedelta(days=13))

    assert len(windows) == 10
    assert {timezone.localtime(start, STOCKHOLM).hour for start, _end in windows} == {17}
    assert {(end - start) for start, end in windows} == {timedelta(hours=3)}
    before, after = windows[4][0], windows[5][0]
    assert before.utcoffset() == timedelta(hours=2)
    assert after.utcoffset() == timedelta(hours=1)


def test_the_hotline_is_closed_on_public_holidays_and_on_its_own_closures(
    hotline: Hotline,
) -> None:
    HotlineClosure.objects.create(
        hotline=hotline, first_day=date(2026, 12, 28), last_day=date(2026, 12, 29)
    )

    windows = opening_windows(hotline, date(2026, 12, 21), date(2027, 1, 8))
    days = {timezone.localtime(start, STOCKHOLM).date() for start, _end in windows}

    for closed in (24, 25, 28, 29, 31):
        assert date(2026, 12, closed) not in days
    assert date(2027, 1, 1) not in days
    assert date(2027, 1, 6) not in days  # Epiphany
    assert date(2026, 12, 23) in days
    assert date(2026, 12, 30) in days


def test_a_generated_rota_stores_its_shifts_assignments_and_gaps(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    for _ in range(4):
        volunteer("sv:4")
    volunteer("ar:4 sv:3", weekdays=[Weekday.TUESDAY])

    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=2)

    assert rota.status == Rota.Status.DRAFT
    shifts = list(rota.shifts.order_by("starts_at"))
    assert len(shifts) == 10
    assert [shift.number for shift in shifts] == list(range(1, 11))
    swedish = Language.objects.get(code="sv")
    assert all(shift.assignments.filter(language=swedish).exists() for shift in shifts)
    arabic_days = {
        timezone.localtime(a.shift.starts_at, STOCKHOLM).weekday()
        for a in ShiftAssignment.objects.filter(language__code="ar")
    }
    assert arabic_days == {Weekday.TUESDAY}
    somali = RotaGap.objects.filter(language__code="so")
    assert somali.count() == 10
    assert set(somali.values_list("reason", flat=True)) == {RotaGap.Reason.NO_SPEAKER}
    arabic_gaps = RotaGap.objects.filter(language__code="ar")
    assert {timezone.localtime(g.shift.starts_at, STOCKHOLM).weekday() for g in arabic_gaps} == {
        0,
        2,
        3,
        4,
    }
    assert set(arabic_gaps.values_list("reason", flat=True)) == {RotaGap.Reason.NOBODY_AVAILABLE}


def test_nobody_is_planned_beyond_their_limit_outside_their_windows_or_while_away(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    limited = volunteer("sv:4", most=1)
    mondays = volunteer("sv:4", weekdays=[Weekday.MONDAY], most=3)
    away = volunteer("sv:4", most=5)
    Absence.objects.create(volunteer=away, first_day=MONDAY, last_day=MONDAY + timedelta(days=6))
    for _ in range(3):
        volunteer("sv:4", most=3)

    rota_generate(hotline=hotline, first_day=MONDAY, weeks=2)

    weeks = Counter(
        (a.volunteer_id, timezone.localtime(a.shift.starts_at, STOCKHOLM).isocalendar()[1])
        for a in ShiftAssignment.objects.select_related("shift")
    )
    assert all(count <= 1 for (who, _week), count in weeks.items() if who == limited.id)
    for assignment in ShiftAssignment.objects.filter(volunteer=mondays):
        assert timezone.localtime(assignment.shift.starts_at, STOCKHOLM).weekday() == 0
    for assignment in ShiftAssignment.objects.filter(volunteer=away):
        assert assignment.shift.starts_at.date() > MONDAY + timedelta(days=6)


def test_earlier_published_shifts_count_towards_fairness(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    busy, rested, _other = (volunteer("sv:4", most=5) for _ in range(3))
    first = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
    ShiftAssignment.objects.filter(shift__rota=first).delete()
    for shift in first.shifts.all():
        ShiftAssignment.objects.create(shift=shift, volunteer=busy, language_id=None)
    first.status = Rota.Status.PUBLISHED
    first.save()

    rota_generate(hotline=hotline, first_day=MONDAY + timedelta(weeks=1), weeks=1)

    later = ShiftAssignment.objects.filter(
        shift__starts_at__gte=datetime(2026, 10, 26, tzinfo=STOCKHOLM)
    )
    counts = Counter(later.values_list("volunteer_id", flat=True))
    assert counts[rested.id] > counts[busy.id]


def test_a_published_rota_cannot_be_planned_over(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    volunteer("sv:4")
    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=2)
    Rota.objects.filter(pk=rota.pk).update(status=Rota.Status.PUBLISHED)

    with pytest.raises(ApplicationError) as error:
        rota_generate(hotline=hotline, first_day=MONDAY + timedelta(weeks=1), weeks=2)

    assert error.value.field == "first_day"


def test_planning_again_replaces_a_draft_and_its_shift_numbers(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    volunteer("sv:4")
    rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)

    again = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)

    assert Rota.objects.get() == again
    assert Shift.objects.count() == 5
    # Nobody was ever told a draft's numbers: the new shifts take them again.
    assert sorted(Shift.objects.values_list("number", flat=True)) == list(range(1, 6))


def test_a_rota_longer_than_twelve_weeks_is_refused(hotline: Hotline) -> None:
    with pytest.raises(ApplicationError) as error:
        rota_generate(hotline=hotline, first_day=MONDAY, weeks=13)

    assert error.value.field == "weeks"


def test_a_coordinator_fills_a_gap_and_the_gap_goes(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    volunteer("sv:4")
    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
    shift = rota.shifts.order_by("starts_at").first()
    assert shift is not None
    late_arabic = volunteer("ar:3 sv:2", weekdays=[])
    arabic = Language.objects.get(code="ar")

    shift_assign(shift=shift, volunteer=late_arabic, language=arabic)

    assert not shift.gaps.filter(language=arabic).exists()
    assert shift.assignments.get(language=arabic).volunteer == late_arabic


def test_a_place_in_a_language_the_volunteer_does_not_speak_is_refused(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    swede = volunteer("sv:4")
    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
    shift = rota.shifts.first()
    assert shift is not None

    with pytest.raises(ApplicationError) as error:
        shift_assign(shift=shift, volunteer=swede, language=Language.objects.get(code="so"))

    assert error.value.field == "language"


def test_taking_someone_off_a_shift_leaves_a_gap_marked_as_a_coordinators_edit(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    volunteer("sv:4")
    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
    assignment = ShiftAssignment.objects.filter(shift__rota=rota, language__code="sv").first()
    assert assignment is not None

    shift_unassign(assignment=assignment)

    gap = RotaGap.objects.get(shift=assignment.shift, language__code="sv")
    assert gap.reason == RotaGap.Reason.REMOVED


def test_the_call_chain_of_an_empty_shift_is_empty(hotline: Hotline) -> None:
    rota = Rota.objects.create(hotline=hotline, first_day=MONDAY, last_day=MONDAY)
    shift = Shift.objects.create(
        hotline=hotline,
        rota=rota,
        number=1,
        starts_at=datetime(2026, 10, 19, 17, tzinfo=STOCKHOLM),
        ends_at=datetime(2026, 10, 19, 20, tzinfo=STOCKHOLM),
    )

    assert call_chain(shift, Language.objects.get(code="ar")) == []
    assert call_chain(None, None) == []


def test_volunteers_put_on_or_taken_off_a_published_shift_are_told_by_sms(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    first, second = volunteer("sv:4"), volunteer("sv:4")
    Ambassador.objects.update(preferred_language=Language.objects.get(code="en"))
    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
    Rota.objects.filter(pk=rota.pk).update(status=Rota.Status.PUBLISHED)
    held = ShiftAssignment.objects.filter(shift__rota=rota, language__code="sv").first()
    assert held is not None
    newcomer = HotlineVolunteer.objects.get(pk=(second if held.volunteer == first else first).pk)
    swedish = Language.objects.get(code="sv")

    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=STOCKHOLM), tick=False):
        shift_assign(shift=held.shift, volunteer=newcomer, language=swedish)

    texts = {text.ambassador_id: text.body for text in OutboundSms.objects.filter(purpose="rota")}
    assert set(texts) == {held.volunteer.ambassador_id, newcomer.ambassador_id}
    assert f"shift {held.shift.number}" in texts[newcomer.ambassador_id]
    assert "put you on" in texts[newcomer.ambassador_id]
    assert "took you off" in texts[held.volunteer.ambassador_id]


def test_changes_to_a_draft_or_to_a_past_shift_text_nobody(
    hotline: Hotline, volunteer: Callable[..., HotlineVolunteer]
) -> None:
    volunteer("sv:4")
    rota = rota_generate(hotline=hotline, first_day=MONDAY, weeks=1)
    draft = ShiftAssignment.objects.filter(shift__rota=rota).first()
    assert draft is not None
    shift_unassign(assignment=draft)
    Rota.objects.filter(pk=rota.pk).update(status=Rota.Status.PUBLISHED)
    published = ShiftAssignment.objects.filter(shift__rota=rota).first()
    assert published is not None

    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=STOCKHOLM), tick=False):
        shift_unassign(assignment=published)

    assert not OutboundSms.objects.exists()
