"""django-q2 tasks for texting. Tasks carry ids, never numbers or message bodies."""

from ambassadors.outbox import (
    sms_dispatch_due,
    sms_send,
    twilio_delete,
    twilio_deletions_dispatch_due,
)


def sms_send_task(message_id: int) -> str:
    return sms_send(message_id=message_id)


def sms_send_many_task(message_ids: list[int]) -> list[str]:
    return [sms_send(message_id=message_id) for message_id in message_ids]


def sms_dispatch_due_task() -> int:
    # The same minute's sweep picks up deletions at Twilio waiting for a retry.
    twilio_deletions_dispatch_due()
    return sms_dispatch_due()


def twilio_delete_task(deletion_id: int) -> str:
    return twilio_delete(deletion_id=deletion_id)


def retention_task() -> int:
    """Daily: anonymise the requests kept longer than the retention rules allow."""
    from ambassadors.privacy import retention_run

    return retention_run()
