"""The message log: a row first, one send per row, opt-outs, quiet hours, forward-only status."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from ambassadors.models import OptOut, OutboundSms
from ambassadors.outbox import (
    TASK_LOST_AFTER,
    opt_in,
    opt_out,
    sms_dispatch_due,
    sms_queue,
    sms_send,
    sms_status_update,
)
from ambassadors.schedules import SCHEDULE_NAME
from ambassadors.sms import LocmemMessage

pytestmark = pytest.mark.django_db

Status = OutboundSms.Status
Purpose = OutboundSms.Purpose
NUMBER = "+46701740650"
# 12:00 in Stockholm (CET) on a winter day: outside the quiet hours.
NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
# 23:00 in Stockholm: inside them.
NIGHT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def queue(*, urgent: bool = True, body: str = "Hej! Välkommen.") -> OutboundSms:
    return sms_queue(to=NUMBER, purpose=Purpose.OFFER, body=body, language="sv", urgent=urgent)


def test_a_text_is_a_row_before_it_is_sent(sms_outbox: list[LocmemMessage]) -> None:
    message = queue()

    assert message.status == Status.QUEUED
    assert (message.encoding, message.segments) == ("GSM-7", 1)
    assert sms_outbox == []


def test_the_send_task_is_queued_only_once_the_transaction_commits(
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue()
        assert sms_outbox == []

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert [(sent.to, sent.body) for sent in sms_outbox] == [(NUMBER, "Hej! Välkommen.")]
    assert message.twilio_sid == sms_outbox[0].sid
    assert message.attempts == 1


def test_a_second_send_of_the_same_row_sends_nothing(sms_outbox: list[LocmemMessage]) -> None:
    message = queue()

    first = sms_send(message_id=message.id)
    second = sms_send(message_id=message.id)

    assert (first, second) == (Status.SENT, Status.SENT)
    assert len(sms_outbox) == 1


def test_typographic_characters_are_replaced_so_the_text_stays_gsm7(
    sms_outbox: list[LocmemMessage],
) -> None:
    # A non-breaking space and curly quotes would make this UCS-2: 2 parts, not 1.
    message = queue(body="Hej\xa0Erik! \u201dVälkommen\u201d \u2013 ses snart\u2026")

    assert message.body == 'Hej Erik! "Välkommen" - ses snart...'
    assert message.encoding == "GSM-7"


def test_an_arabic_text_is_counted_in_ucs2_parts(sms_outbox: list[LocmemMessage]) -> None:
    message = queue(body="مرحبا " * 12)

    assert message.encoding == "UCS-2"
    assert message.segments == 2


@time_machine.travel(NIGHT, tick=False)
def test_a_non_urgent_text_written_at_night_waits_for_the_morning(
    sms_outbox: list[LocmemMessage], tasks_run_at_once: None
) -> None:
    message = queue(urgent=False)

    assert message.send_after == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm
    assert sms_send(message_id=message.id) == Status.QUEUED
    assert sms_dispatch_due() == 0
    assert sms_outbox == []

    with time_machine.travel(datetime(2026, 12, 2, 7, 0, 30, tzinfo=UTC), tick=False):
        assert sms_dispatch_due() == 1

    assert len(sms_outbox) == 1


@time_machine.travel(NIGHT, tick=False)
def test_an_urgent_text_goes_at_night(sms_outbox: list[LocmemMessage]) -> None:
    message = queue(urgent=True)

    assert sms_send(message_id=message.id) == Status.SENT


@time_machine.travel(NIGHT, tick=False)
def test_empty_quiet_hours_hold_nothing(settings: Any, sms_outbox: list[LocmemMessage]) -> None:
    settings.QUIET_HOURS = None

    message = queue(urgent=False)

    assert message.send_after == NIGHT


def test_nothing_is_written_for_sending_to_an_opted_out_number(
    sms_outbox: list[LocmemMessage], tasks_run_at_once: None
) -> None:
    opt_out(phone=NUMBER, source=OptOut.Source.KEYWORD)

    message = queue()

    assert message.status == Status.SUPPRESSED
    assert sms_send(message_id=message.id) == Status.SUPPRESSED
    assert sms_outbox == []


def test_opting_out_stops_texts_already_waiting(sms_outbox: list[LocmemMessage]) -> None:
    message = queue()

    opt_out(phone=NUMBER, source=OptOut.Source.KEYWORD)

    assert sms_send(message_id=message.id) == Status.SUPPRESSED
    assert sms_outbox == []


def test_after_opting_in_again_texts_go_out(sms_outbox: list[LocmemMessage]) -> None:
    opt_out(phone=NUMBER, source=OptOut.Source.KEYWORD)

    assert opt_in(phone=NUMBER) is True
    message = queue()

    assert sms_send(message_id=message.id) == Status.SENT
    assert opt_in(phone=NUMBER) is False


def sent_message(sid: str = "SM0001") -> OutboundSms:
    message = queue()
    OutboundSms.objects.filter(id=message.id).update(status=Status.SENDING, twilio_sid=sid)
    return message


@pytest.mark.parametrize(
    ("callbacks", "final"),
    [
        (["queued", "sent", "delivered"], Status.DELIVERED),
        (["delivered", "sent", "queued"], Status.DELIVERED),
        (["sent", "undelivered", "sent"], Status.UNDELIVERED),
        (["failed", "delivered"], Status.FAILED),
        (["sending", "queued"], Status.SENDING),
    ],
)
def test_a_status_only_moves_forward_whatever_order_callbacks_come_in(
    callbacks: list[str], final: Status
) -> None:
    message = sent_message()

    for status in callbacks:
        sms_status_update(sid="SM0001", status=status, error_code=None)

    message.refresh_from_db()
    assert message.status == final


def test_a_callback_for_an_unknown_message_or_status_changes_nothing() -> None:
    message = sent_message()

    assert sms_status_update(sid="SM9999", status="delivered", error_code=None) is False
    assert sms_status_update(sid="SM0001", status="exploded", error_code=None) is False
    message.refresh_from_db()
    assert message.status == Status.SENDING


def test_an_opted_out_error_in_a_callback_opts_the_number_out() -> None:
    sent_message()

    sms_status_update(sid="SM0001", status="failed", error_code=21610)

    assert OptOut.objects.filter(phone=NUMBER, source=OptOut.Source.TWILIO).exists()


def test_the_dispatch_schedule_runs_every_minute() -> None:
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)

    assert schedule.func == "ambassadors.tasks.sms_dispatch_due_task"
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 1)


def test_task_arguments_are_ids_only_and_a_lost_task_is_queued_again(
    sms_outbox: list[LocmemMessage], django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        "ambassadors.outbox.async_task", lambda func, *args, **kwargs: queued.append(args)
    )

    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    # Its task is still in the queue: the sweep leaves it alone.
    assert sms_dispatch_due() == 0
    # Still queued two minutes on: the broker lost the task (a worker died).
    OutboundSms.objects.filter(id=message.id).update(
        status_changed_at=timezone.now() - TASK_LOST_AFTER
    )
    assert sms_dispatch_due() == 1

    assert queued == [(message.id,), (message.id,)]


def test_the_console_backend_gives_each_text_its_own_sid_in_every_process() -> None:
    # Every worker is its own process; the log's SID column is unique across them.
    program = (
        "import django; django.setup(); from ambassadors.sms import ConsoleBackend; "
        "print(ConsoleBackend().send(to='+46701740650', body='x').sid)"
    )
    sids = [
        subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        ).stdout.splitlines()[-1]
        for _ in range(2)
    ]

    assert sids[0].startswith("console-")
    assert sids[0] != sids[1]
