"""The texts of meetups, rendered in the guest's language. Each fits in three SMS parts."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from events.models import Event

# Languages the texts are translated into; anyone else reads English.
SMS_LANGUAGES = ("sv", "en", "ar", "uk")


def sms_language(code: str) -> str:
    return code if code in SMS_LANGUAGES else "en"


def when(moment: datetime) -> str:
    """ "tis 3 mars 18:00" in the active language, Stockholm time."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'D j M')} {local:%H:%M}"


def place(event: Event) -> str:
    if event.address:
        return event.address
    if event.municipality is not None:
        return event.municipality.name
    return _("online")


def invitation_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "Invitation: %(title)s, %(when)s, %(place)s. Reply YES %(code)s to come "
            "or NO %(code)s. Details: %(link)s"
        ) % {
            "title": event.title(language),
            "when": when(event.starts_at),
            "place": place(event),
            "code": event.code,
            "link": link,
        }


def place_offer_text(*, event: Event, link: str, until: datetime, language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "A place is free at %(title)s, %(when)s. Reply YES %(code)s by %(until)s "
            "to take it. %(link)s"
        ) % {
            "title": event.title(language),
            "when": when(event.starts_at),
            "code": event.code,
            "until": when(until),
            "link": link,
        }


def reminder_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "Reminder: %(title)s, %(when)s, %(place)s. Can't come? Reply NO %(code)s. %(link)s"
        ) % {
            "title": event.title(language),
            "when": when(event.starts_at),
            "place": place(event),
            "code": event.code,
            "link": link,
        }


def changed_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        return _("Changed: %(title)s is now %(when)s, %(place)s. %(link)s") % {
            "title": event.title(language),
            "when": when(event.starts_at),
            "place": place(event),
            "link": link,
        }


def cancelled_text(*, event: Event, language: str) -> str:
    with translation.override(sms_language(language)):
        return _("Cancelled: %(title)s, %(when)s. We are sorry!") % {
            "title": event.title(language),
            "when": when(event.starts_at),
        }


def answer_text(*, event: Event, status: str, language: str) -> str:
    """The reply to an answer: coming, on the waiting list, or not coming."""
    from events.models import Invitation

    with translation.override(sms_language(language)):
        values = {"title": event.title(language), "when": when(event.starts_at)}
        if status == Invitation.Status.GOING:
            return _("Welcome to %(title)s, %(when)s! We will remind you.") % values
        if status == Invitation.Status.WAITLISTED:
            return (
                _(
                    "%(title)s is full. You are on the waiting list; we will text you "
                    "if a place is freed."
                )
                % values
            )
        return _("Thank you for letting us know. You are not coming to %(title)s.") % values
