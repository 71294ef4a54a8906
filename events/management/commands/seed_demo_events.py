"""python manage.py seed_demo_events: a few meetups for the demo network (after seed_demo)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ambassadors.management.commands.seed_demo import _refuse_unless_safe
from ambassadors.models import Municipality
from events.models import Accessibility, Event
from events.services import event_create, event_publish, series_create

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


class Command(BaseCommand):
    help = "Add demo meetups: a published network meetup, a welcome evening and a series."

    def handle(self, *args: Any, **options: Any) -> None:
        _refuse_unless_safe()
        users = get_user_model().objects
        try:
            region = users.get(username="region")
            ostersund_coordinator = users.get(username="ostersund")
            are_coordinator = users.get(username="are")
        except users.model.DoesNotExist:
            raise CommandError("Run `python manage.py seed_demo` first.") from None
        ostersund = Municipality.objects.get(name="Östersund")
        are = Municipality.objects.get(name="Åre")
        made = 0
        with transaction.atomic():
            if not Event.objects.filter(title_sv="Nätverksträff på biblioteket").exists():
                meetup = event_create(
                    organiser=ostersund_coordinator,
                    title_sv="Nätverksträff på biblioteket",
                    title_en="Network meetup at the library",
                    title_ar="لقاء الشبكة في المكتبة",
                    title_uk="Зустріч мережі в бібліотеці",
                    description_sv="Fika, nya ansikten och tips inför vintern.",
                    description_en="Coffee, new faces and tips for the winter.",
                    kind=Event.Kind.NETWORK_MEETUP,
                    starts_at=_at(10, 18),
                    ends_at=_at(10, 20),
                    municipality=ostersund,
                    address="Rådhusgatan 25, Östersund",
                    accessibility=[Accessibility.STEP_FREE, Accessibility.HEARING_LOOP],
                    capacity=12,
                    audience=Event.Audience.AMBASSADORS,
                    audience_municipalities=[ostersund],
                )
                invited = event_publish(event=meetup)
                self.stdout.write(f"Published {meetup.title_sv}: {invited} invited.")
                made += 1
            if not Event.objects.filter(title_sv="Välkomstkväll i Åre").exists():
                event_create(
                    organiser=are_coordinator,
                    title_sv="Välkomstkväll i Åre",
                    title_en="Welcome evening in Åre",
                    kind=Event.Kind.WELCOME_EVENING,
                    starts_at=_at(17, 17),
                    ends_at=_at(17, 19),
                    municipality=are,
                    address="Åre kulturhus",
                    accessibility=[Accessibility.STEP_FREE, Accessibility.CHILDREN_WELCOME],
                    capacity=40,
                    audience=Event.Audience.BOTH,
                    audience_municipalities=[are],
                )
                made += 1
            if not Event.objects.filter(title_sv="Digitalt språkcafé").exists():
                first = _at(7, 19)
                cafe = event_create(
                    organiser=region,
                    title_sv="Digitalt språkcafé",
                    title_en="Digital language café",
                    kind=Event.Kind.DIGITAL,
                    starts_at=first,
                    ends_at=first + timedelta(hours=1),
                    video_url="https://meet.example.se/sprakcafe",
                    audience=Event.Audience.BOTH,
                )
                series_create(template=cafe, rule="FREQ=WEEKLY;COUNT=6")
                made += 1
        self.stdout.write(self.style.SUCCESS(f"Demo meetups: {made} added."))
