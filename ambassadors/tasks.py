"""django-q2 tasks for texting. Tasks carry ids, never numbers or message bodies."""

from ambassadors.outbox import sms_dispatch_due, sms_send


def sms_send_task(message_id: int) -> str:
    return sms_send(message_id=message_id)


def sms_send_many_task(message_ids: list[int]) -> list[str]:
    return [sms_send(message_id=message_id) for message_id in message_ids]


def sms_dispatch_due_task() -> int:
    return sms_dispatch_due()
