"""Twilio answers 429, then 500, for a while, then recovers: every text goes out, once.

Fifty texts against Twilio's contract mock while the proxy in front of it answers the first
80 requests with 429 Too Many Requests and the next 60 with 500. The outbox's sweep runs as the
schedule would, the clock moved past each pause; Prism must end up with each text exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db.models import Max

from ambassadors.models import OutboundSms
from ambassadors.outbox import sms_dispatch_due, sms_queue
from tests.twilio_contract import RATE_LIMITED, SERVER_ERROR, TwilioProxy

pytestmark = pytest.mark.django_db

Status = OutboundSms.Status
TEXTS = 50
# 12:00 in Stockholm, outside the quiet hours.
NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


def test_fifty_texts_through_a_twilio_outage_are_each_sent_exactly_once(
    twilio_api: TwilioProxy,
    tasks_run_at_once: None,
    committing: Callable[[], AbstractContextManager[Any]],
) -> None:
    twilio_api.fail_next(80, *RATE_LIMITED)
    twilio_api.fail_next(60, *SERVER_ERROR)

    with time_machine.travel(NOON, tick=False) as clock:
        with committing():
            for index in range(TEXTS):
                sms_queue(
                    to=f"+4670174{650 + index:04d}",
                    purpose=OutboundSms.Purpose.REMINDER,
                    body=f"Påminnelse {index}: träffen börjar kl. 18.",
                    language="sv",
                )
        sweeps = 0
        while OutboundSms.objects.filter(status=Status.QUEUED).exists():
            sweeps += 1
            assert sweeps <= 10, "the outbox never got through the outage"
            latest = OutboundSms.objects.aggregate(latest=Max("send_after"))["latest"]
            clock.move_to(latest + timedelta(seconds=1))
            sms_dispatch_due()
            # The schedule runs again a minute later, while the texts are on their way.
            clock.shift(timedelta(minutes=1))
            sms_dispatch_due()

    statuses = [request.status for request in twilio_api.requests]
    assert Counter(statuses) == {429: 80, 500: 60, 201: TEXTS}
    # Each text reached Twilio exactly once, and no text is left behind.
    taken = [request for request in twilio_api.requests if request.accepted]
    assert sorted(Counter((r.form["To"], r.form["Body"]) for r in taken).values()) == [1] * TEXTS
    messages = list(OutboundSms.objects.all())
    assert len(messages) == TEXTS
    # Every text reached Twilio (Prism makes up the status it reports, "failed" among them);
    # one we had given up on would have no SID.
    assert [m for m in messages if m.twilio_sid is None or m.status == Status.QUEUED] == []
    assert {m.twilio_sid for m in messages} == {r.answer["sid"] for r in taken}
    assert max(m.attempts for m in messages) == 4
    # The first texts waited out 30 s, 1 min and 2 min of pauses; nothing more.
    assert all(m.attempts <= 4 for m in messages)
