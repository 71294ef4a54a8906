"""python manage.py seed_demo_hotline: the demo buddy hotline, its volunteers and a rota.

seed_demo runs it at its end. Safe to run again: the hotline is keyed by its number,
volunteers by the demo ambassadors' phone numbers, and a published rota for
the period is kept rather than planned anew.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ambassadors.management.commands.seed_demo import (
    AMBASSADOR_COUNT,
    COORDINATORS,
    REQUEST_COUNT,
    _refuse_unless_safe,
    demo_phone_numbers,
)
from ambassadors.models import Ambassador, AmbassadorLanguage, Coordinator, Language, Source
from events.hotline import CALL_LEVEL, rota_generate, rota_publish
from events.models import (
    Absence,
    Availability,
    Hotline,
    HotlineLanguage,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    RotaGap,
    ShiftAssignment,
    Weekday,
)

SEED = 2026
HOTLINE_NAME = "Buddy hotline Jämtland Härjedalen"
# A plausible Östersund (063) fixed line; not a real service.
HOTLINE_PHONE = "+46631234500"
# The menu in the order callers hear it: key 1 is Swedish. Only those in the
# reference data are offered.
LANGUAGES = ("sv", "en", "ar", "uk", "so", "ti")
# The languages few volunteers speak: everyone who does is asked first.
SCARCE = frozenset(LANGUAGES) - {"sv", "en"}
WEEKDAY_HOURS = (time(17), time(20))
WEEKEND_HOURS = (time(10), time(14))
# Volunteers' windows reach a little past the opening hours, as people's evenings do.
EVENING = (time(16, 30), time(21))
WEEKEND_DAY = (time(9), time(15))
VOLUNTEER_COUNT = 25
WEEKS = 4
# The region admin takes the calls nobody else answers.
FALLBACK_COORDINATOR = "region"

Window = tuple[int, time, time]


def _fallback_phone() -> str:
    """The next demo number after seed_demo's people, for the coordinator on call.

    Like theirs it may belong to a real phone; _refuse_unless_safe keeps every
    text on the console.
    """
    return demo_phone_numbers(AMBASSADOR_COUNT + REQUEST_COUNT + 1)[-1]


def hotline_save() -> Hotline:
    _username, first_name, last_name, *_rest = next(
        entry for entry in COORDINATORS if entry[0] == FALLBACK_COORDINATOR
    )
    coordinator = Coordinator.objects.get(user__username=FALLBACK_COORDINATOR)
    hotline, _created = Hotline.objects.update_or_create(
        phone=HOTLINE_PHONE,
        defaults={
            "name": HOTLINE_NAME,
            "municipality": None,
            "fallback_name": f"{first_name} {last_name}",
            "fallback_phone": coordinator.phone or _fallback_phone(),
            "closed_on_holidays": True,
            "min_rest_hours": 11,
            "active": True,
        },
    )
    languages = Language.objects.in_bulk(LANGUAGES, field_name="code")
    offered = [languages[code] for code in LANGUAGES if code in languages]
    menu = list(enumerate(offered, start=1))
    current = list(hotline.menu.order_by("digit").values_list("digit", "language_id"))
    if current != [(digit, language.id) for digit, language in menu]:
        # Replaced as a whole: a digit may be taken only once.
        hotline.menu.all().delete()
        HotlineLanguage.objects.bulk_create(
            HotlineLanguage(hotline=hotline, digit=digit, language=language)
            for digit, language in menu
        )
    hours = [
        (day.value, *(WEEKEND_HOURS if day >= Weekday.SATURDAY else WEEKDAY_HOURS))
        for day in Weekday
    ]
    if list(hotline.opening_hours.values_list("weekday", "opens", "closes")) != hours:
        hotline.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(hotline=hotline, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in hours
        )
    return hotline


def volunteers_choose(rng: random.Random) -> list[Ambassador]:
    """Everyone among the demo ambassadors who speaks a scarce language, then others by lot."""
    ambassadors = list(
        Ambassador.objects.filter(
            phone__in=demo_phone_numbers(AMBASSADOR_COUNT), source=Source.DEMO
        ).order_by("phone")
    )
    if not ambassadors:
        raise CommandError("Run `python manage.py seed_demo` first.")
    speakers = set(
        AmbassadorLanguage.objects.filter(
            ambassador__in=ambassadors, language__code__in=SCARCE, level__gte=CALL_LEVEL
        ).values_list("ambassador_id", flat=True)
    )
    first = [a for a in ambassadors if a.id in speakers][:VOLUNTEER_COUNT]
    others = [a for a in ambassadors if a.id not in speakers]
    return first + rng.sample(others, min(len(others), VOLUNTEER_COUNT - len(first)))


def _windows(rng: random.Random) -> list[Window]:
    """Some weekday evenings, some weekend days, or both."""
    kind = rng.choice(("evenings", "evenings", "weekends", "both"))
    days: list[Window] = []
    if kind in ("evenings", "both"):
        evenings = sorted(rng.sample(range(Weekday.SATURDAY.value), rng.randint(2, 4)))
        days += [(day, *EVENING) for day in evenings]
    if kind in ("weekends", "both"):
        weekend = [Weekday.SATURDAY.value, Weekday.SUNDAY.value]
        days += [(day, *WEEKEND_DAY) for day in sorted(rng.sample(weekend, rng.randint(1, 2)))]
    return days


def volunteers_save(
    *, hotline: Hotline, ambassadors: Sequence[Ambassador], rng: random.Random, monday: date
) -> None:
    hotline.volunteers.exclude(ambassador__in=ambassadors).delete()
    for index, ambassador in enumerate(ambassadors):
        windows = _windows(rng)
        volunteer, _created = HotlineVolunteer.objects.update_or_create(
            hotline=hotline,
            ambassador=ambassador,
            defaults={"max_shifts_per_week": rng.choice((1, 1, 2, 2, 3)), "active": True},
        )
        current = list(volunteer.availability.values_list("weekday", "starts", "ends"))
        if current != windows:
            volunteer.availability.all().delete()
            Availability.objects.bulk_create(
                Availability(volunteer=volunteer, weekday=day, starts=starts, ends=ends)
                for day, starts, ends in windows
            )
        # Every eighth is away for a week of the rota, as people are.
        away = monday + timedelta(weeks=1 + index % 3)
        absences = [(away, away + timedelta(days=6))] if index % 8 == 7 else []
        if list(volunteer.absences.values_list("first_day", "last_day")) != absences:
            volunteer.absences.all().delete()
            Absence.objects.bulk_create(
                Absence(volunteer=volunteer, first_day=first, last_day=last, note="Away")
                for first, last in absences
            )


def rota_save(*, hotline: Hotline, monday: date) -> tuple[Rota, bool]:
    """The published rota covering these weeks: kept if there is one, else planned and published."""
    last_day = monday + timedelta(weeks=WEEKS, days=-1)
    published = (
        hotline.rotas.filter(
            status=Rota.Status.PUBLISHED, first_day__lte=last_day, last_day__gte=monday
        )
        .order_by("first_day")
        .first()
    )
    if published is not None:
        return published, False
    region = get_user_model().objects.get(username=FALLBACK_COORDINATOR)
    rota = rota_generate(hotline=hotline, first_day=monday, weeks=WEEKS, created_by=region)
    rota_publish(rota=rota, by=region)
    rota.refresh_from_db()
    return rota, True


class Command(BaseCommand):
    help = (
        "Add the demo buddy hotline: six languages, opening hours, 25 volunteers from the "
        "demo ambassadors and a published rota for four weeks. Run after seed_demo."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        _refuse_unless_safe()
        if not Coordinator.objects.filter(user__username=FALLBACK_COORDINATOR).exists():
            raise CommandError("Run `python manage.py seed_demo` first.")
        rng = random.Random(SEED)
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        with transaction.atomic():
            hotline = hotline_save()
            ambassadors = volunteers_choose(rng)
            volunteers_save(hotline=hotline, ambassadors=ambassadors, rng=rng, monday=monday)
            rota, made = rota_save(hotline=hotline, monday=monday)
            shifts = rota.shifts.count()
            assignments = ShiftAssignment.objects.filter(shift__rota=rota).count()
            gaps = RotaGap.objects.filter(shift__rota=rota).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo hotline {hotline.phone}: {len(ambassadors)} volunteers; "
                f"{'published' if made else 'kept'} the rota {rota.first_day}–{rota.last_day}: "
                f"{shifts} shifts, {assignments} assignments, {gaps} gaps."
            )
        )
