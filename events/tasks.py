"""django-q2 tasks for meetups and the hotline. Tasks carry ids, never names, numbers or texts."""

from events.calls import voicemails_forget_due
from events.hotline_sms import shift_reminders_dispatch_due
from events.services import reminders_dispatch_due, waitlist_offers_expire_due


def reminders_dispatch_scheduled() -> int:
    """Every minute: the reminders due within the next 90 s, once each."""
    sent, _dropped = reminders_dispatch_due()
    return sent


def waitlist_expire_scheduled() -> int:
    """Every minute: freed places nobody confirmed in time move on."""
    return waitlist_offers_expire_due()


def shift_reminders_scheduled() -> int:
    """Every minute: hotline shift reminders due (the day and the hour before), once each."""
    return shift_reminders_dispatch_due()


def voicemails_forget_scheduled() -> int:
    """Daily: voicemails past VOICEMAIL_RETENTION_DAYS are deleted at Twilio."""
    return voicemails_forget_due()
