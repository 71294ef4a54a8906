"""The buddy hotline: opening hours, shifts, the rota, coordinators' edits, who is on duty.

The rota itself is solved by the pure `events.rota`; this module turns the
database into its input (availability and absences applied, earlier shifts
counted for fairness) and its answer back into rows. Texts about the rota
(summaries, reminders, swaps) are in `events.hotline_sms`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import Ambassador, AmbassadorLanguage, Language, LanguageLevel
from ambassadors.services import ApplicationError
from events import rota as solver
from events.models import (
    Hotline,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    RotaGap,
    Shift,
    ShiftAssignment,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Volunteers take calls in the languages they speak at least this well.
CALL_LEVEL = LanguageLevel.CONVERSATIONAL
DEFAULT_WEEKS = 4
MOST_WEEKS = 12
# The public holidays and the days before them that Sweden treats as holidays.
_HOLIDAY_CATEGORIES = ("public", "de_facto")


@cache
def _swedish_holidays(year: int) -> frozenset[date]:
    days = holidays.country_holidays("SE", years=year, categories=_HOLIDAY_CATEGORIES)
    # The "from 2 pm" half-days are not closed days.
    return frozenset(day for day, name in days.items() if "2pm" not in name.replace(" ", ""))


def is_holiday(day: date) -> bool:
    return day in _swedish_holidays(day.year)


def closed_days(hotline: Hotline, first_day: date, last_day: date) -> set[date]:
    """The days of the period the hotline is closed all day: holidays and its closures."""
    closures = list(hotline.closures.filter(first_day__lte=last_day, last_day__gte=first_day))
    days = set()
    day = first_day
    while day <= last_day:
        if (hotline.closed_on_holidays and is_holiday(day)) or any(
            closure.first_day <= day <= closure.last_day for closure in closures
        ):
            days.add(day)
        day += timedelta(days=1)
    return days


def _local(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=STOCKHOLM)


def opening_windows(
    hotline: Hotline, first_day: date, last_day: date
) -> list[tuple[datetime, datetime]]:
    """Each opening window on each open day of the period, in order: the shifts to be."""
    by_weekday: dict[int, list[OpeningHours]] = defaultdict(list)
    for hours in hotline.opening_hours.all():
        by_weekday[hours.weekday].append(hours)
    closed = closed_days(hotline, first_day, last_day)
    windows = []
    day = first_day
    while day <= last_day:
        if day not in closed:
            for hours in sorted(by_weekday[day.weekday()], key=lambda hours: hours.opens):
                windows.append((_local(day, hours.opens), _local(day, hours.closes)))
        day += timedelta(days=1)
    return windows


def is_open(hotline: Hotline, moment: datetime) -> bool:
    local = timezone.localtime(moment, STOCKHOLM)
    if closed_days(hotline, local.date(), local.date()):
        return False
    return hotline.opening_hours.filter(
        weekday=local.weekday(), opens__lte=local.time(), closes__gt=local.time()
    ).exists()


def call_languages(volunteer: HotlineVolunteer) -> frozenset[str]:
    return frozenset(
        AmbassadorLanguage.objects.filter(
            ambassador_id=volunteer.ambassador_id, level__gte=CALL_LEVEL
        ).values_list("language__code", flat=True)
    )


# The rota: generate, edit, publish.


def _volunteers(hotline: Hotline) -> QuerySet[HotlineVolunteer]:
    today = timezone.localdate()
    return (
        hotline.volunteers.filter(active=True, ambassador__active=True)
        # Erased people and those who withdrew their consent are never on a rota.
        .filter(ambassador__in=Ambassador.objects.in_service())
        .exclude(ambassador__paused_until__gte=today)
        .select_related("ambassador")
        .prefetch_related(
            "availability",
            "absences",
            Prefetch(
                "ambassador__language_levels",
                queryset=AmbassadorLanguage.objects.filter(level__gte=CALL_LEVEL).select_related(
                    "language"
                ),
                to_attr="call_levels",
            ),
        )
        .order_by("id")
    )


def _is_available(volunteer: HotlineVolunteer, starts: datetime, ends: datetime) -> bool:
    """Inside one of their weekly windows and not on a day they are away."""
    local_start = timezone.localtime(starts, STOCKHOLM)
    local_end = timezone.localtime(ends, STOCKHOLM)
    day = local_start.date()
    if any(away.first_day <= day <= away.last_day for away in volunteer.absences.all()):
        return False
    return any(
        window.weekday == day.weekday()
        and window.starts <= local_start.time()
        and (local_end.date() == day and local_end.time() <= window.ends)
        for window in volunteer.availability.all()
    )


def _history(hotline: Hotline, before: datetime) -> dict[int, int]:
    """Shifts each volunteer took in the hotline's earlier published rotas."""
    rows = (
        ShiftAssignment.objects.filter(
            shift__hotline=hotline,
            shift__rota__status=Rota.Status.PUBLISHED,
            shift__starts_at__lt=before,
        )
        .values("volunteer_id")
        .annotate(shifts=Count("id"))
    )
    return {row["volunteer_id"]: row["shifts"] for row in rows}


def _next_number(hotline: Hotline) -> int:
    largest = Shift.objects.filter(hotline=hotline).aggregate(largest=Max("number"))["largest"]
    return (largest or 0) + 1


@transaction.atomic
def rota_generate(
    *,
    hotline: Hotline,
    first_day: date,
    weeks: int = DEFAULT_WEEKS,
    created_by: Any = None,
) -> Rota:
    """Plan a draft rota for `weeks` weeks from `first_day`: shifts, assignments and gaps.

    A draft for an overlapping period is replaced; a published one is refused
    (coordinators edit its shifts instead).
    """
    if not 1 <= weeks <= MOST_WEEKS:
        raise ApplicationError(
            _("A rota covers 1 to %(most)d weeks.") % {"most": MOST_WEEKS}, field="weeks"
        )
    last_day = first_day + timedelta(weeks=weeks, days=-1)
    overlapping = Rota.objects.select_for_update().filter(
        hotline=hotline, first_day__lte=last_day, last_day__gte=first_day
    )
    if any(rota.status == Rota.Status.PUBLISHED for rota in overlapping):
        raise ApplicationError(
            _("A published rota already covers part of this period; edit its shifts instead."),
            field="first_day",
        )
    overlapping.delete()
    windows = opening_windows(hotline, first_day, last_day)
    if not windows:
        raise ApplicationError(
            _("The hotline has no opening hours in this period."), field="first_day"
        )
    rota = Rota.objects.create(
        hotline=hotline, first_day=first_day, last_day=last_day, created_by=created_by
    )
    number = _next_number(hotline)
    shifts = Shift.objects.bulk_create(
        Shift(hotline=hotline, rota=rota, number=number + index, starts_at=starts, ends_at=ends)
        for index, (starts, ends) in enumerate(windows)
    )
    _plan(rota, shifts)
    return rota


def _plan(rota: Rota, shifts: list[Shift]) -> None:
    hotline = rota.hotline
    promised = tuple(hotline.menu.order_by("digit").values_list("language__code", flat=True))
    specs = [
        solver.ShiftSpec(
            id=shift.id,
            starts=shift.starts_at,
            ends=shift.ends_at,
            day=timezone.localtime(shift.starts_at, STOCKHOLM).date(),
            languages=promised,
        )
        for shift in shifts
    ]
    history = _history(hotline, before=shifts[0].starts_at)
    volunteers = [
        solver.VolunteerSpec(
            id=volunteer.id,
            languages=frozenset(
                level.language.code
                for level in volunteer.ambassador.call_levels  # type: ignore[attr-defined]
            ),
            available=frozenset(
                shift.id
                for shift in shifts
                if _is_available(volunteer, shift.starts_at, shift.ends_at)
            ),
            max_per_week=volunteer.max_shifts_per_week,
            history=history.get(volunteer.id, 0),
        )
        for volunteer in _volunteers(hotline)
    ]
    plan = solver.rota_solve(specs, volunteers, min_rest=timedelta(hours=hotline.min_rest_hours))
    languages = dict(Language.objects.filter(code__in=promised).values_list("code", "id"))
    ShiftAssignment.objects.bulk_create(
        ShiftAssignment(
            shift_id=assignment.shift_id,
            volunteer_id=assignment.volunteer_id,
            language_id=languages[assignment.language] if assignment.language else None,
        )
        for assignment in plan.assignments
    )
    RotaGap.objects.bulk_create(
        RotaGap(
            shift_id=gap.shift_id,
            language_id=languages[gap.language] if gap.language else None,
            reason=gap.reason.value,
        )
        for gap in plan.gaps
    )


@transaction.atomic
def rota_publish(*, rota: Rota, by: Any = None) -> int:
    """Publish the rota as a whole and text each volunteer their shifts. Returns texts written."""
    from events import hotline_sms

    rota = Rota.objects.select_for_update().get(pk=rota.pk)
    if rota.status == Rota.Status.PUBLISHED:
        raise ApplicationError(_("This rota is already published."))
    rota.status = Rota.Status.PUBLISHED
    rota.published_at = timezone.now()
    rota.published_by = by
    rota.save(update_fields=["status", "published_at", "published_by"])
    return hotline_sms.rota_summaries_send(rota=rota)


def _check_place(shift: Shift, volunteer: HotlineVolunteer, language: Language | None) -> None:
    if volunteer.hotline_id != shift.hotline_id:
        raise ApplicationError(_("This volunteer does not answer this hotline."), field="volunteer")
    if language is not None:
        if not shift.hotline.menu.filter(language=language).exists():
            raise ApplicationError(
                _("The hotline does not offer %(language)s.") % {"language": language.name_en},
                field="language",
            )
        if language.code not in call_languages(volunteer):
            raise ApplicationError(
                _("%(name)s does not take calls in %(language)s.")
                % {"name": volunteer.ambassador, "language": language.name_en},
                field="language",
            )


@transaction.atomic
def shift_assign(
    *, shift: Shift, volunteer: HotlineVolunteer, language: Language | None
) -> ShiftAssignment:
    """Put a volunteer on a shift for a language (None: as the backup), replacing whoever had it.

    Coordinators may place someone outside their availability or limit (they
    asked them); the place must still be in a language the volunteer speaks.
    On a published rota, the volunteers put on or taken off a future shift are
    told by SMS.
    """
    from events import hotline_sms

    shift = Shift.objects.select_for_update().select_related("hotline", "rota").get(pk=shift.pk)
    _check_place(shift, volunteer, language)
    place = Q(language=language) if language is not None else Q(language__isnull=True)
    displaced = list(
        shift.assignments.filter(place | Q(volunteer=volunteer)).select_related(
            "language", "volunteer__ambassador__preferred_language"
        )
    )
    for old in displaced:
        old.shift = shift
        old.delete()
    assignment = ShiftAssignment.objects.create(shift=shift, volunteer=volunteer, language=language)
    _gaps_refresh(shift)
    hotline_sms.rota_change_tell(
        placed=assignment,
        removed=[old for old in displaced if old.volunteer_id != volunteer.id],
    )
    return assignment


@transaction.atomic
def shift_unassign(*, assignment: ShiftAssignment) -> None:
    """Take a volunteer off a shift; their place shows as a gap."""
    from events import hotline_sms

    shift = (
        Shift.objects.select_for_update()
        .select_related("hotline", "rota")
        .get(pk=assignment.shift_id)
    )
    assignment.shift = shift
    assignment.delete()
    _gaps_refresh(shift, reason=RotaGap.Reason.REMOVED)
    hotline_sms.rota_change_tell(placed=None, removed=[assignment])


def _gaps_refresh(shift: Shift, reason: RotaGap.Reason = RotaGap.Reason.REMOVED) -> None:
    """Make the shift's gaps the places nobody holds; a known reason is kept."""
    known = {gap.language_id: gap.reason for gap in shift.gaps.all()}
    held = set(shift.assignments.values_list("language_id", flat=True))
    places = [*shift.hotline.menu.values_list("language_id", flat=True), None]
    shift.gaps.all().delete()
    RotaGap.objects.bulk_create(
        RotaGap(shift=shift, language_id=place, reason=known.get(place, reason))
        for place in places
        if place not in held
    )


# Who answers a call.


@dataclass(frozen=True)
class Rung:
    """One person to ring: a volunteer (by id) or, with `volunteer_id` None, the coordinator."""

    role: str
    volunteer_id: int | None


def shift_on_duty(hotline: Hotline, moment: datetime) -> Shift | None:
    """The published shift running at `moment`, if any."""
    return (
        Shift.objects.filter(
            hotline=hotline,
            rota__status=Rota.Status.PUBLISHED,
            starts_at__lte=moment,
            ends_at__gt=moment,
        )
        .order_by("starts_at")
        .first()
    )


def call_chain(shift: Shift | None, language: Language | None) -> list[Rung]:
    """Whom to ring, in order, for a call in `language` during `shift`.

    First the volunteer on duty for the language, then anyone else on the
    shift who speaks it, then the backup, then the coordinator. Nobody on
    duty: nobody to ring (the caller goes to voicemail).
    """
    from events.models import Call

    if shift is None:
        return []
    assignments = list(
        shift.assignments.select_related("volunteer__ambassador").order_by("language__code", "id")
    )
    chain: list[Rung] = []
    if language is not None:
        chain += [
            Rung(Call.Answerer.VOLUNTEER, a.volunteer_id)
            for a in assignments
            if a.language_id == language.id
        ]
        speakers = set(
            AmbassadorLanguage.objects.filter(
                ambassador_id__in=[a.volunteer.ambassador_id for a in assignments],
                language=language,
                level__gte=CALL_LEVEL,
            ).values_list("ambassador_id", flat=True)
        )
        chain += [
            Rung(Call.Answerer.VOLUNTEER, a.volunteer_id)
            for a in assignments
            if a.language_id not in (None, language.id) and a.volunteer.ambassador_id in speakers
        ]
    chain += [Rung(Call.Answerer.BACKUP, a.volunteer_id) for a in assignments if a.is_backup]
    if chain:
        # The coordinator backs up a staffed shift; with nobody on duty the
        # caller leaves a message and the coordinator is told by SMS.
        chain.append(Rung(Call.Answerer.COORDINATOR, None))
    return chain


def opening_summary(hotline: Hotline) -> list[tuple[list[int], time, time]]:
    """The week's opening hours grouped by window: [([0, 1, 2, 3, 4], 17:00, 20:00), …]."""
    days: dict[tuple[time, time], list[int]] = defaultdict(list)
    for hours in hotline.opening_hours.order_by("weekday", "opens"):
        days[(hours.opens, hours.closes)].append(hours.weekday)
    return [(weekdays, opens, closes) for (opens, closes), weekdays in days.items()]


def volunteer_shifts(volunteer_ids: Iterable[int], *, since: datetime) -> QuerySet[ShiftAssignment]:
    """Published shifts of these volunteers from `since` on, for texts and calendars."""
    return (
        ShiftAssignment.objects.filter(
            volunteer_id__in=list(volunteer_ids),
            shift__rota__status=Rota.Status.PUBLISHED,
            shift__ends_at__gt=since,
        )
        .select_related("shift__hotline", "language", "volunteer__ambassador")
        .order_by("shift__starts_at")
    )
