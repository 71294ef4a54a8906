"""One pause for ambassadors and coordinators alike; only an ambassador's own is bounded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from ambassadors.models import Ambassador
from ambassadors.self_service import LONGEST_PAUSE
from ambassadors.services import ApplicationError, ambassador_pause, ambassador_resume

pytestmark = pytest.mark.django_db


def test_a_pause_without_a_bound_may_last_longer_than_a_year(
    ambassador: Callable[..., Ambassador],
) -> None:
    erik = ambassador()
    until = timezone.localdate() + timedelta(days=800)

    ambassador_pause(ambassador=erik, until=until)

    assert Ambassador.objects.get(id=erik.id).paused_until == until


def test_a_bounded_pause_refuses_a_day_past_the_bound_and_keeps_nothing(
    ambassador: Callable[..., Ambassador],
) -> None:
    erik = ambassador()
    last = timezone.localdate() + LONGEST_PAUSE

    with pytest.raises(ApplicationError) as refused:
        ambassador_pause(ambassador=erik, until=last + timedelta(days=1), longest=LONGEST_PAUSE)
    ambassador_pause(ambassador=erik, until=last, longest=LONGEST_PAUSE)

    assert refused.value.field == "until"
    assert Ambassador.objects.get(id=erik.id).paused_until == last


def test_resuming_ends_the_pause(ambassador: Callable[..., Ambassador]) -> None:
    erik = ambassador(paused_until=timezone.localdate() + timedelta(days=3))

    ambassador_resume(ambassador=erik)

    assert Ambassador.objects.get(id=erik.id).paused_until is None
