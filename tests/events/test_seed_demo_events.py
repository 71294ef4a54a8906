from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from events.models import Event, Invitation

pytestmark = pytest.mark.django_db


def test_the_demo_meetups_are_made_once_and_invite_only_their_audience(settings: Any) -> None:
    settings.QUIET_HOURS = None
    call_command("seed_demo", stdout=StringIO())

    call_command("seed_demo_events", stdout=StringIO())
    call_command("seed_demo_events", stdout=StringIO())

    meetup = Event.objects.get(title_sv="Nätverksträff på biblioteket")
    assert meetup.status == Event.Status.PUBLISHED
    homes = set(
        Invitation.objects.filter(event=meetup).values_list(
            "ambassador__home_municipality__name", flat=True
        )
    )
    assert homes == {"Östersund"}
    assert Event.objects.filter(title_sv="Digitalt språkcafé").count() == 6
    assert Event.objects.filter(title_sv="Välkomstkväll i Åre").count() == 1


def test_it_needs_the_demo_network_first() -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_events")
