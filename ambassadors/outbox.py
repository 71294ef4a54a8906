"""The business layer of texting: the message log, opt-outs, quiet hours and retries.

A text is a row first (`sms_queue`); the task `ambassadors.tasks.sms_send_task`
claims the row and hands it to the backend, so two workers, a retried task or
a periodic sweep can never send it twice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.brokers import Broker, get_broker
from django_q.tasks import async_task

from ambassadors.models import (
    STATUS_RANK,
    Ambassador,
    BuddyRequest,
    InboundSms,
    OptOut,
    OutboundSms,
    TwilioDeletion,
)
from ambassadors.sms import SmsError, backend
from ambassadors.sms_text import segments, sms_clean

logger = logging.getLogger(__name__)

Status = OutboundSms.Status

# Twilio's word for each status, as our rank. "accepted", "queued" and
# "sending" all mean Twilio has it and the carrier does not yet.
TWILIO_STATUSES: dict[str, str] = {
    "accepted": Status.SENDING,
    "scheduled": Status.SENDING,
    "queued": Status.SENDING,
    "sending": Status.SENDING,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
    "canceled": Status.FAILED,
}

# Pauses between tries of a text Twilio could not take: 30 s, 1, 2, 4 … min,
# at most an hour.
_FIRST_PAUSE = timedelta(seconds=30)
_LONGEST_PAUSE = timedelta(hours=1)
# A text still SENDING without a SID this long after its claim lost its answer
# or its worker: well past the client's timeout and django-q2's task timeout.
STUCK_AFTER = timedelta(minutes=2)
# A text still QUEUED this long after it was written lost its task (the Redis
# broker does not hand a task out again after a worker dies).
TASK_LOST_AFTER = timedelta(minutes=2)

# What a sign-in code's row says once the text has gone, failed for good or
# was never sent: whoever reads the log (the admin, an export) must not be
# able to sign in as the ambassador. Its segments and encoding stay.
OTP_BODY_GONE = "(sign-in code)"


def retry_pause(attempts: int) -> timedelta:
    pause: timedelta = _FIRST_PAUSE * 2 ** max(attempts - 1, 0)
    return min(pause, _LONGEST_PAUSE)


def is_opted_out(phone: object) -> bool:
    return OptOut.objects.filter(phone=str(phone)).exists()


def opt_out(*, phone: object, source: OptOut.Source) -> bool:
    """Stop all texts to a number. Returns False when it had already opted out."""
    _record, created = OptOut.objects.get_or_create(phone=str(phone), defaults={"source": source})
    # Texts already waiting are not sent either.
    waiting = OutboundSms.objects.filter(to=str(phone), status=Status.QUEUED)
    waiting.filter(purpose=OutboundSms.Purpose.OTP).update(body=OTP_BODY_GONE)
    waiting.update(status=Status.SUPPRESSED, status_changed_at=timezone.now())
    return created


def opt_in(*, phone: object) -> bool:
    """Texts may reach the number again. Returns False when it had not opted out."""
    deleted, _ = OptOut.objects.filter(phone=str(phone)).delete()
    return deleted > 0


def release_time(moment: datetime, *, urgent: bool) -> datetime:
    """When a text written at `moment` may go: at once, or after the quiet hours."""
    quiet = settings.QUIET_HOURS
    if urgent or quiet is None:
        return moment
    return quiet.release(timezone.localtime(moment))


def sms_to(
    recipient: Ambassador | BuddyRequest,
    *,
    purpose: OutboundSms.Purpose,
    body: str,
    language: str,
    urgent: bool = True,
    send_now: bool = True,
) -> OutboundSms:
    """`sms_queue` for a person we know: the log links the text to them.

    An erased person has no number left: the row records that nothing went,
    without the text, which may name them or others.
    """
    ambassador = recipient if isinstance(recipient, Ambassador) else None
    buddy_request = recipient if isinstance(recipient, BuddyRequest) else None
    if recipient.erased_at is not None:
        return OutboundSms.objects.create(
            to="",
            purpose=purpose,
            body="",
            language=language,
            ambassador=ambassador,
            buddy_request=buddy_request,
            encoding="GSM-7",
            segments=0,
            status=Status.SUPPRESSED,
            last_error="erased",
        )
    return sms_queue(
        to=recipient.phone,
        purpose=purpose,
        body=body,
        language=language,
        ambassador=ambassador,
        buddy_request=buddy_request,
        urgent=urgent,
        send_now=send_now,
    )


def sms_queue(
    *,
    to: object,
    purpose: OutboundSms.Purpose,
    body: str,
    language: str,
    ambassador: Ambassador | None = None,
    buddy_request: BuddyRequest | None = None,
    urgent: bool = True,
    send_now: bool = True,
) -> OutboundSms:
    """Write a text to the log and have it sent once the transaction commits.

    Non-urgent texts (offers, follow-ups) wait for the end of the quiet hours;
    the periodic `sms_dispatch_due` sends them then. With `send_now=False` the
    caller sends the text itself, with `sms_send_batch` for many at once.
    """
    body = sms_clean(body)
    parts = segments(body)
    now = timezone.now()
    message = OutboundSms.objects.create(
        to=str(to),
        purpose=purpose,
        body=body,
        language=language,
        ambassador=ambassador,
        buddy_request=buddy_request,
        encoding=parts.encoding,
        segments=parts.count,
        send_after=release_time(now, urgent=urgent),
        status=Status.SUPPRESSED if is_opted_out(to) else Status.QUEUED,
    )
    if send_now and message.status == Status.QUEUED and message.send_after <= now:
        transaction.on_commit(partial(enqueue, "ambassadors.tasks.sms_send_task", message.id))
    return message


@functools.cache
def _broker() -> Broker:
    # django-q2 opens a new broker (a new Redis connection) for every task
    # unless it is handed one: that cost more than the send itself.
    return get_broker()


def enqueue(func: str, *args: object) -> None:
    """async_task through this process's one broker; arguments are ids only."""
    async_task(func, *args, broker=_broker())


# Texts sent by one task when many go at once (reminders): fewer, larger tasks.
BATCH = 20


def sms_send_batch(message_ids: list[int]) -> None:
    """Have these texts sent once the transaction commits, BATCH to a task."""
    for start in range(0, len(message_ids), BATCH):
        transaction.on_commit(
            partial(
                enqueue, "ambassadors.tasks.sms_send_many_task", message_ids[start : start + BATCH]
            )
        )


def sms_reply_record(
    *,
    inbound: InboundSms,
    body: str,
    language: str,
    purpose: OutboundSms.Purpose = OutboundSms.Purpose.REPLY,
) -> OutboundSms:
    """Log a text that goes back in the webhook's TwiML answer (Twilio sends it)."""
    body = sms_clean(body)
    parts = segments(body)
    return OutboundSms.objects.create(
        to=inbound.from_number,
        purpose=purpose,
        body=body,
        language=language,
        ambassador=inbound.ambassador,
        buddy_request=inbound.buddy_request,
        encoding=parts.encoding,
        segments=parts.count,
        status=Status.SENT,
        in_reply_to=inbound,
        sent_at=timezone.now(),
    )


def _forget_code(message_id: int) -> None:
    """Blank the body of a sign-in code that will not be sent (again)."""
    OutboundSms.objects.filter(id=message_id, purpose=OutboundSms.Purpose.OTP).update(
        body=OTP_BODY_GONE
    )


def _move(message_id: int, *, status: str, **changes: object) -> bool:
    """Move a message forward to `status`; a message already further along stays."""
    lower = [name for name, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
    return (
        OutboundSms.objects.filter(id=message_id, status__in=lower).update(
            status=status, status_changed_at=timezone.now(), **changes
        )
        == 1
    )


def sms_send(*, message_id: int) -> str:
    """Send one queued text, if nobody else has. Returns the status it ends in."""
    now = timezone.now()
    claimed = OutboundSms.objects.filter(
        id=message_id, status=Status.QUEUED, send_after__lte=now
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, status_changed_at=now)
    message = OutboundSms.objects.filter(id=message_id).first()
    if message is None:
        # Erased with its person while its task waited in the broker.
        return "deleted"
    if claimed != 1:
        return message.status
    if is_opted_out(message.to):
        # Opted out between writing and sending.
        _move(message.id, status=Status.SUPPRESSED)
        _forget_code(message.id)
        return Status.SUPPRESSED
    try:
        sent = backend().send(to=str(message.to), body=message.body)
    except SmsError as error:
        return _failed(message, error)
    OutboundSms.objects.filter(id=message.id).update(twilio_sid=sent.sid, sent_at=timezone.now())
    # Twilio has it (with a SID, `sms_reconcile` never needs the body again).
    _forget_code(message.id)
    _move(message.id, status=TWILIO_STATUSES.get(sent.status, Status.SENDING))
    return OutboundSms.objects.values_list("status", flat=True).get(id=message.id)


def _failed(message: OutboundSms, error: SmsError) -> str:
    details = {"last_error_code": error.code, "last_error": error.message[:300]}
    if error.uncertain:
        # It stays SENDING: `sms_reconcile` asks Twilio whether it has the text
        # before anything is sent again.
        logger.warning("SMS %s may or may not have gone out: %s", message.id, error.message)
        OutboundSms.objects.filter(id=message.id, status=Status.SENDING).update(**details)
        return Status.SENDING
    if error.opted_out:
        opt_out(phone=message.to, source=OptOut.Source.TWILIO)
    if error.permanent or message.attempts >= settings.SMS_MAX_ATTEMPTS:
        logger.warning("SMS %s failed for good: %s", message.id, error.message)
        OutboundSms.objects.filter(id=message.id, status=Status.SENDING).update(
            status=Status.FAILED, status_changed_at=timezone.now(), **details
        )
        _forget_code(message.id)
        return Status.FAILED
    # Back to the queue; the periodic sweep sends it once the pause is over.
    logger.info("SMS %s will be tried again: %s", message.id, error.message)
    OutboundSms.objects.filter(id=message.id, status=Status.SENDING).update(
        status=Status.QUEUED,
        send_after=timezone.now() + retry_pause(message.attempts),
        status_changed_at=timezone.now(),
        **details,
    )
    return Status.QUEUED


def sms_reconcile() -> int:
    """Settle texts left SENDING without a SID: a lost answer or a worker that died.

    If the provider has the text, its SID is recorded; if not, the text goes
    back to the queue. Returns how many were settled.
    """
    stale = timezone.now() - STUCK_AFTER
    settled = 0
    provider = backend()
    for message in OutboundSms.objects.filter(
        status=Status.SENDING, twilio_sid__isnull=True, status_changed_at__lte=stale
    ):
        try:
            found = provider.find(
                to=str(message.to), body=message.body, since=message.status_changed_at - STUCK_AFTER
            )
        except SmsError as error:
            logger.info("SMS %s could not be looked up yet: %s", message.id, error.message)
            continue
        if found is not None:
            OutboundSms.objects.filter(id=message.id).update(twilio_sid=found.sid)
            _move(message.id, status=TWILIO_STATUSES.get(found.status, Status.SENT))
            _forget_code(message.id)
        else:
            OutboundSms.objects.filter(id=message.id, status=Status.SENDING).update(
                status=Status.QUEUED, send_after=timezone.now(), status_changed_at=timezone.now()
            )
        settled += 1
    return settled


def sms_dispatch_due() -> int:
    """Settle stuck texts, then queue a send task for every text whose time has come.

    Returns how many tasks were queued. A text may get a second task while its
    first is still waiting in the broker; the claim in `sms_send` makes that
    harmless.
    """
    sms_reconcile()
    now = timezone.now()
    due = list(
        OutboundSms.objects.filter(status=Status.QUEUED, send_after__lte=now)
        .filter(
            # Held by the quiet hours, waiting for a retry, or queued so long
            # that its own task must have been lost; not the texts whose task
            # is simply still in the queue.
            Q(send_after__gt=F("created_at"))
            | Q(attempts__gt=0)
            | Q(status_changed_at__lte=now - TASK_LOST_AFTER)
        )
        .values_list("id", flat=True)
    )
    for message_id in due:
        enqueue("ambassadors.tasks.sms_send_task", message_id)
    return len(due)


def sms_status_update(*, sid: str, status: str, error_code: int | None) -> bool:
    """Apply one of Twilio's status callbacks. Returns whether anything moved."""
    ours = TWILIO_STATUSES.get(status)
    message = OutboundSms.objects.filter(twilio_sid=sid).first()
    if ours is None or message is None:
        return False
    if error_code == 21610:
        opt_out(phone=message.to, source=OptOut.Source.TWILIO)
    changes: dict[str, object] = {}
    if error_code is not None:
        changes["last_error_code"] = error_code
    return _move(message.id, status=ours, **changes)


def inbound_record(
    *, message_sid: str, from_number: str, to_number: str, body: str, opt_out_type: str
) -> InboundSms | None:
    """Store a text that reached us; None when this MessageSid was stored before.

    Call inside the transaction that acts on the text: a replayed webhook then
    finds the row and changes nothing, and a failed one leaves nothing behind.
    """
    try:
        with transaction.atomic():
            inbound = InboundSms.objects.create(
                message_sid=message_sid,
                from_number=from_number,
                to_number=to_number,
                body=body,
                opt_out_type=opt_out_type.upper(),
                ambassador=Ambassador.objects.filter(phone=from_number).first(),
                buddy_request=BuddyRequest.objects.filter(
                    phone=from_number, status__in=BuddyRequest.OPEN_STATUSES
                )
                .order_by("-created_at")
                .first(),
            )
    except IntegrityError:
        return None
    return inbound


# Deleting an erased person's records at Twilio. Tries are spaced like a
# text's, and go on longer: an outage must not leave a record behind.
DELETION_MAX_ATTEMPTS = 20
# A claimed deletion is not handed out again for this long (a worker that died).
_DELETION_HOLD = timedelta(minutes=5)


def twilio_deletions_queue(*, records: Iterable[tuple[str, str]]) -> list[int]:
    """Have these (kind, SID) records deleted at Twilio once the transaction commits.

    Every SID is queued, whichever backend made it: the backend in use decides
    what deleting means. Returns the ids of the deletion rows.
    """
    rows = [TwilioDeletion(kind=kind, sid=sid) for kind, sid in records if sid]
    TwilioDeletion.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        TwilioDeletion.objects.filter(sid__in=[row.sid for row in rows]).values_list(
            "id", flat=True
        )
    )
    for deletion_id in ids:
        transaction.on_commit(partial(enqueue, "ambassadors.tasks.twilio_delete_task", deletion_id))
    return ids


def twilio_delete(*, deletion_id: int) -> str:
    """Delete one record at Twilio, if nobody else is. Returns "deleted", "retry", "failed"
    or "skipped" (claimed elsewhere, not yet due, or already done)."""
    now = timezone.now()
    claimed = TwilioDeletion.objects.filter(
        id=deletion_id, failed_at__isnull=True, next_try_at__lte=now
    ).update(attempts=F("attempts") + 1, next_try_at=now + _DELETION_HOLD)
    if claimed != 1:
        return "skipped"
    deletion = TwilioDeletion.objects.get(id=deletion_id)
    try:
        backend().delete(kind=deletion.kind, sid=deletion.sid)
    except SmsError as error:
        if error.permanent or deletion.attempts >= DELETION_MAX_ATTEMPTS:
            logger.error("Twilio %s %s was not deleted: %s", deletion.kind, deletion.id, error)
            TwilioDeletion.objects.filter(id=deletion.id).update(
                failed_at=timezone.now(), last_error=error.message[:300]
            )
            return "failed"
        TwilioDeletion.objects.filter(id=deletion.id).update(
            next_try_at=timezone.now() + retry_pause(deletion.attempts),
            last_error=error.message[:300],
        )
        return "retry"
    deletion.delete()
    return "deleted"


def twilio_deletions_dispatch_due() -> int:
    """Queue a task for every deletion waiting out a pause, or whose task was lost."""
    now = timezone.now()
    due = list(
        TwilioDeletion.objects.filter(failed_at__isnull=True, next_try_at__lte=now)
        .filter(Q(attempts__gt=0) | Q(created_at__lte=now - TASK_LOST_AFTER))
        .values_list("id", flat=True)
    )
    for deletion_id in due:
        enqueue("ambassadors.tasks.twilio_delete_task", deletion_id)
    return len(due)
