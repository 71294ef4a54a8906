"""A voicemail holds the caller's voice: deleted at Twilio VOICEMAIL_RETENTION_DAYS on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_q.models import Schedule

from ambassadors import sms
from ambassadors.models import TwilioDeletion
from events.calls import NO_RECORDING, voicemails_forget_due
from events.models import Call, Hotline
from events.schedules import VOICEMAIL_SCHEDULE_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline() -> Hotline:
    return Hotline.objects.create(
        name="Buddy hotline",
        phone="+46631234500",
        fallback_name="Karin Lindqvist",
        fallback_phone="+46701740699",
    )


def voicemail(hotline: Hotline, *, days_ago: int, recording: str) -> Call:
    return Call.objects.create(
        hotline=hotline,
        call_sid=f"CA{days_ago:02d}{recording[-4:]}".ljust(34, "0"),
        caller_last_digits="605",
        started_at=timezone.now() - timedelta(days=days_ago),
        outcome=Call.Outcome.VOICEMAIL,
        recording_sid=recording,
        recording_duration_s=12,
    )


def test_a_voicemail_past_its_days_is_deleted_at_twilio_and_the_call_kept(
    hotline: Hotline, settings: Any, sms_outbox: Any, tasks_run_at_once: None, committing: Any
) -> None:
    settings.VOICEMAIL_RETENTION_DAYS = 30
    old = voicemail(hotline, days_ago=31, recording="RE" + "a" * 32)
    recent = voicemail(hotline, days_ago=29, recording="RE" + "b" * 32)
    sms.deleted.clear()

    with committing():
        forgotten = voicemails_forget_due()

    assert forgotten == 1
    assert sms.deleted == [("recording", "RE" + "a" * 32)]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.recording_sid, old.outcome, old.recording_duration_s) == (
        NO_RECORDING,
        Call.Outcome.VOICEMAIL,
        12,
    )
    assert recent.recording_sid == "RE" + "b" * 32
    assert not TwilioDeletion.objects.exists()


def test_a_voicemail_is_forgotten_once_and_one_without_a_recording_never(
    hotline: Hotline, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VOICEMAIL_RETENTION_DAYS = 7
    voicemail(hotline, days_ago=8, recording="RE" + "c" * 32)
    voicemail(hotline, days_ago=9, recording=NO_RECORDING)

    with django_capture_on_commit_callbacks(execute=False):
        first = voicemails_forget_due()
        second = voicemails_forget_due()

    assert (first, second) == (1, 0)
    assert list(TwilioDeletion.objects.values_list("kind", "sid")) == [
        ("recording", "RE" + "c" * 32)
    ]


def test_the_retention_runs_every_day() -> None:
    schedule = Schedule.objects.get(name=VOICEMAIL_SCHEDULE_NAME)

    assert (schedule.func, schedule.schedule_type) == (
        "events.tasks.voicemails_forget_scheduled",
        Schedule.DAILY,
    )
