"""The daily retention job anonymises requests kept longer than the rules allow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from ambassadors.models import Ambassador, AuditEvent, BuddyRequest
from ambassadors.privacy import retention_run
from ambassadors.schedules import RETENTION_SCHEDULE_NAME
from ambassadors.tasks import retention_task
from matching.models import Match

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _aged(request: BuddyRequest, *, created_days: int, changed_days: int) -> BuddyRequest:
    now = timezone.now()
    BuddyRequest.objects.filter(id=request.id).update(
        created_at=now - created_days * DAY, status_changed_at=now - changed_days * DAY
    )
    return request


def _erased(request: BuddyRequest) -> bool:
    request.refresh_from_db()
    return request.erased_at is not None and request.first_name == "(erased)"


def test_a_request_closed_over_twelve_months_ago_is_anonymised_and_a_younger_one_is_not(
    make_request: Callable[..., BuddyRequest], make_ambassador: Callable[..., Ambassador]
) -> None:
    buddy = make_ambassador()
    old, young = (make_request(status=BuddyRequest.Status.CLOSED) for _ in range(2))
    for request in (old, young):
        Match.objects.create(buddy_request=request, ambassador=buddy, status=Match.Status.ENDED)
    _aged(old, created_days=800, changed_days=370)
    _aged(young, created_days=800, changed_days=330)

    assert retention_run() == 1

    assert _erased(old)
    assert not _erased(young)


def test_a_request_never_matched_is_anonymised_after_six_months_whatever_its_status(
    make_request: Callable[..., BuddyRequest], make_ambassador: Callable[..., Ambassador]
) -> None:
    waiting = _aged(make_request(), created_days=190, changed_days=190)
    recent = _aged(make_request(), created_days=170, changed_days=170)
    matched = _aged(make_request(status=BuddyRequest.Status.MATCHED), created_days=190,
                    changed_days=100)  # fmt: skip
    Match.objects.create(buddy_request=matched, ambassador=make_ambassador())

    retention_run()

    assert _erased(waiting)
    assert not _erased(recent)
    assert not _erased(matched)


def test_the_limits_come_from_the_settings(
    settings: Any, make_request: Callable[..., BuddyRequest]
) -> None:
    settings.RETENTION_UNMATCHED_MONTHS = 1
    request = _aged(make_request(), created_days=40, changed_days=40)

    retention_run()

    assert _erased(request)


def test_each_anonymisation_is_in_the_audit_trail_as_the_retention_rule(
    make_request: Callable[..., BuddyRequest],
) -> None:
    request = _aged(make_request(), created_days=200, changed_days=200)

    retention_task()

    event = AuditEvent.objects.get(subject_type="ambassadors.buddyrequest", subject_id=request.id)
    assert (event.action, event.actor_kind, event.via) == (
        AuditEvent.Action.ANONYMISE,
        AuditEvent.Actor.SYSTEM,
        "retention",
    )


def test_the_retention_job_runs_daily_from_django_q2s_schedule() -> None:
    call_command("migrate", verbosity=0)

    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type) == (
        "ambassadors.tasks.retention_task",
        Schedule.DAILY,
    )
