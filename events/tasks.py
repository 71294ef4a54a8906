"""django-q2 tasks for meetups. Tasks carry ids, never names, numbers or texts."""

from events.services import reminders_dispatch_due, waitlist_offers_expire_due


def reminders_dispatch_scheduled() -> int:
    """Every minute: the reminders due within the next 90 s, once each."""
    sent, _dropped = reminders_dispatch_due()
    return sent


def waitlist_expire_scheduled() -> int:
    """Every minute: freed places nobody confirmed in time move on."""
    return waitlist_offers_expire_due()
