"""Reads for the coordinators' hotline pages: rotas as a grid, and call statistics."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractIsoYear, ExtractWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from ambassadors.models import AmbassadorLanguage, Language
from events.hotline import CALL_LEVEL, STOCKHOLM
from events.models import (
    Call,
    Hotline,
    HotlineVolunteer,
    Rota,
    RotaGap,
    Shift,
    ShiftAssignment,
)

# The key of the backup's column; language columns are keyed by ISO 639 code,
# which is never this long.
BACKUP = "backup"


def hotlines_for(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Hotline]:
    """The hotlines `user` coordinates, each with its rotas (newest first) and their counts."""
    rotas = Rota.objects.annotate(
        shift_count=Count("shifts", distinct=True),
        gap_count=Count("shifts__gaps", distinct=True),
    ).order_by("-first_day")
    return (
        Hotline.objects.visible_to(user)
        .select_related("municipality")
        .prefetch_related(Prefetch("rotas", queryset=rotas))
    )


def rota_suggested_start(*, hotline: Hotline, today: date) -> date:
    """Where the next rota would begin: after the last one, and never before next Monday."""
    next_monday = today + timedelta(days=7 - today.weekday())
    last = hotline.rotas.order_by("-last_day").values_list("last_day", flat=True).first()
    if last is None:
        return next_monday
    return max(last + timedelta(days=1), next_monday)


@dataclass(frozen=True)
class Place:
    """A column of the rota: a promised language, or the backup (`language` None)."""

    key: str
    language: Language | None

    @property
    def label(self) -> str:
        return self.language.display_name() if self.language else _("Backup")


@dataclass
class Cell:
    place: Place
    holder: ShiftAssignment | None
    # The holder's name as the choices spell it.
    holder_name: str
    gap: RotaGap | None
    # Whom the coordinator may put here, (volunteer id, name): those who take
    # calls in the language.
    choices: list[tuple[int, str]]


@dataclass
class Row:
    shift: Shift
    starts: datetime
    ends: datetime
    # Ended shifts are history (calls point at them): shown, not edited.
    editable: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class RotaGrid:
    rota: Rota
    places: list[Place]
    rows: list[Row]

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.holder is None)


def rota_places(*, hotline: Hotline) -> list[Place]:
    """The hotline's languages in menu order, then the backup."""
    menu = hotline.menu.select_related("language").order_by("digit")
    return [Place(item.language.code, item.language) for item in menu] + [Place(BACKUP, None)]


def _speakers(volunteers: list[HotlineVolunteer]) -> dict[int, set[int]]:
    """Volunteer ids by the id of each language they take calls in."""
    volunteer_of = {v.ambassador_id: v.id for v in volunteers}
    rows = AmbassadorLanguage.objects.filter(
        ambassador_id__in=volunteer_of, level__gte=CALL_LEVEL
    ).values_list("language_id", "ambassador_id")
    speakers: dict[int, set[int]] = defaultdict(set)
    for language_id, ambassador_id in rows:
        speakers[language_id].add(volunteer_of[ambassador_id])
    return speakers


def volunteer_names(volunteers: list[HotlineVolunteer]) -> dict[int, str]:
    """Names by volunteer id; where two share a name, their home municipality tells them apart."""
    names = {v.id: str(v.ambassador) for v in volunteers}
    taken = Counter(names.values())
    for volunteer in volunteers:
        if taken[names[volunteer.id]] > 1:
            names[volunteer.id] += f" ({volunteer.ambassador.home_municipality.name})"
    return names


def rota_grid(*, rota: Rota, now: datetime) -> RotaGrid:
    """Every shift of the rota with each place's holder or gap, and who could take it."""
    hotline = rota.hotline
    places = rota_places(hotline=hotline)
    volunteers = list(
        hotline.volunteers.select_related("ambassador__home_municipality").order_by(
            "ambassador__first_name", "ambassador__last_name", "id"
        )
    )
    takers = [v for v in volunteers if v.active and v.ambassador.active]
    speakers = _speakers(volunteers)
    names = volunteer_names(volunteers)
    choices = {
        place.key: [
            (v.id, names[v.id])
            for v in takers
            if place.language is None or v.id in speakers[place.language.id]
        ]
        for place in places
    }
    shifts = rota.shifts.order_by("starts_at").prefetch_related("assignments", "gaps")
    rows = []
    for shift in shifts:
        holders = {a.language_id: a for a in shift.assignments.all()}
        gaps = {gap.language_id: gap for gap in shift.gaps.all()}
        row = Row(
            shift=shift,
            starts=timezone.localtime(shift.starts_at, STOCKHOLM),
            ends=timezone.localtime(shift.ends_at, STOCKHOLM),
            editable=shift.ends_at > now,
        )
        for place in places:
            language_id = place.language.id if place.language else None
            holder = holders.get(language_id)
            options = choices[place.key]
            name = names[holder.volunteer_id] if holder is not None else ""
            if holder is not None and (holder.volunteer_id, name) not in options:
                # Someone who has since stopped (or was placed by hand) still shows as chosen.
                options = [(holder.volunteer_id, name), *options]
            row.cells.append(Cell(place, holder, name, gaps.get(language_id), options))
        rows.append(row)
    return RotaGrid(rota=rota, places=places, rows=rows)


def place_holder(*, shift: Shift, language: Language | None) -> ShiftAssignment | None:
    place = Q(language=language) if language is not None else Q(language__isnull=True)
    return shift.assignments.filter(place).select_related("volunteer__ambassador").first()


# Call statistics.


@dataclass(frozen=True)
class CallWeek:
    """The calls of one ISO week in one language (`language` None: none was chosen)."""

    year: int
    week: int
    language: Language | None
    calls: int
    answered: int
    voicemail: int
    missed: int
    closed: int
    # Talk time of the answered calls, in seconds; None when no call was answered.
    median_s: float | None
    total_s: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)


def call_statistics(*, hotline: Hotline, since: datetime) -> list[CallWeek]:
    """Calls from `since` on, per ISO week (Stockholm time) and language, newest week first.

    Counts and totals are summed by the database; the median is taken here,
    because SQLite has no median aggregate.
    """
    calls = (
        Call.objects.filter(hotline=hotline, started_at__gte=since)
        .annotate(
            year=ExtractIsoYear("started_at", tzinfo=STOCKHOLM),
            week=ExtractWeek("started_at", tzinfo=STOCKHOLM),
        )
        .order_by()
    )
    answered = Q(outcome=Call.Outcome.ANSWERED)
    rows = calls.values("year", "week", "language_id").annotate(
        calls=Count("id"),
        answered=Count("id", filter=answered),
        voicemail=Count("id", filter=Q(outcome=Call.Outcome.VOICEMAIL)),
        missed=Count("id", filter=Q(outcome=Call.Outcome.MISSED)),
        closed=Count("id", filter=Q(outcome=Call.Outcome.CLOSED)),
        total_s=Sum("duration_s", filter=answered),
    )
    durations: dict[tuple[int, int, int | None], list[int]] = defaultdict(list)
    for year, week, language_id, seconds in calls.filter(answered).values_list(
        "year", "week", "language_id", "duration_s"
    ):
        if seconds is not None:
            durations[(year, week, language_id)].append(seconds)
    languages = Language.objects.in_bulk({row["language_id"] for row in rows} - {None})
    weeks = [
        CallWeek(
            year=row["year"],
            week=row["week"],
            language=languages.get(row["language_id"]) if row["language_id"] else None,
            calls=row["calls"],
            answered=row["answered"],
            voicemail=row["voicemail"],
            missed=row["missed"],
            closed=row["closed"],
            median_s=(
                statistics.median(spoken)
                if (spoken := durations.get((row["year"], row["week"], row["language_id"])))
                else None
            ),
            total_s=row["total_s"] or 0,
        )
        for row in rows
    ]
    # Newest week first; within it, the languages by name and "none chosen" last.
    weeks.sort(key=lambda w: (w.language is None, w.language.name_en if w.language else ""))
    weeks.sort(key=lambda w: (w.year, w.week), reverse=True)
    return weeks
