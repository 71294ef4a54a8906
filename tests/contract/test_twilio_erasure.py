"""An erasure deletes the person's messages at Twilio with requests Twilio's contract accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from ambassadors.models import Ambassador, InboundSms, OutboundSms, TwilioDeletion
from ambassadors.outbox import twilio_delete, twilio_deletions_queue
from ambassadors.privacy import person_erase
from tests.twilio_contract import TwilioProxy

pytestmark = pytest.mark.django_db

OUT_SID = "SM" + "1" * 32
IN_SID = "SM" + "2" * 32


def test_the_persons_texts_both_ways_are_deleted_at_twilio_once_the_erasure_commits(
    settings: Any,
    twilio_api: TwilioProxy,
    make_ambassador: Callable[..., Ambassador],
    tasks_run_at_once: None,
    committing: Any,
) -> None:
    person = make_ambassador(first_name="Ingrid")
    OutboundSms.objects.create(to=str(person.phone), ambassador=person, body="Hej Ingrid",
                               language="sv", purpose=OutboundSms.Purpose.REPLY, encoding="GSM-7",
                               segments=1, twilio_sid=OUT_SID)  # fmt: skip
    InboundSms.objects.create(message_sid=IN_SID, from_number=str(person.phone), body="JA",
                              ambassador=person)  # fmt: skip

    with committing():
        person_erase(phone=str(person.phone), user=None, via="test")

    account = settings.TWILIO_ACCOUNT_SID
    requests = sorted((r.method, r.path, r.status) for r in twilio_api.requests)
    assert requests == [
        ("DELETE", f"/2010-04-01/Accounts/{account}/Messages/{OUT_SID}.json", 204),
        ("DELETE", f"/2010-04-01/Accounts/{account}/Messages/{IN_SID}.json", 204),
    ]
    assert not TwilioDeletion.objects.exists()


def test_a_recording_is_deleted_through_the_recordings_endpoint(
    settings: Any, twilio_api: TwilioProxy, committing: Any
) -> None:
    sid = "RE" + "3" * 32
    with committing():
        [deletion_id] = twilio_deletions_queue(records=[(TwilioDeletion.Kind.RECORDING, sid)])

    assert twilio_delete(deletion_id=deletion_id) == "deleted"

    [request] = twilio_api.requests
    assert (request.method, request.path, request.status) == (
        "DELETE",
        f"/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Recordings/{sid}.json",
        204,
    )


def test_twilio_out_of_reach_keeps_the_deletion_for_a_later_try_with_a_pause(
    settings: Any, twilio_api: TwilioProxy
) -> None:
    # Nothing listens on port 9 here: the request never reaches Twilio.
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"
    [deletion_id] = twilio_deletions_queue(records=[(TwilioDeletion.Kind.MESSAGE, OUT_SID)])

    assert twilio_delete(deletion_id=deletion_id) == "retry"

    deletion = TwilioDeletion.objects.get(id=deletion_id)
    assert deletion.attempts == 1
    assert deletion.next_try_at > timezone.now()
    assert deletion.failed_at is None
    assert twilio_delete(deletion_id=deletion_id) == "skipped"  # not before its pause is over
