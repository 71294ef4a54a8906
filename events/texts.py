"""The texts of meetups, rendered in the guest's language.

Each fits in three SMS parts in every language with the longest realistic values;
tests/events/test_texts.py checks that.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ambassadors.sms_text import segments, sms_clean
from events.models import Event
from matching.explain import EXPLANATION_LANGUAGES, explanation_language

# The texts are in the explanations' languages; anyone else reads English.
SMS_LANGUAGES = EXPLANATION_LANGUAGES
sms_language = explanation_language
MAX_PARTS = 3


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


def _fitting(text: str, shorter: str) -> str:
    """`text` if it fits in MAX_PARTS, else `shorter`, which leaves out a detail.

    Arabic and Ukrainian travel as UCS-2, 67 characters a part: a long title, a long
    address and the link leave no room for the words, so a detail the link shows
    (the place, or the time of a place offer) makes way.
    """
    return text if segments(sms_clean(text)).count <= MAX_PARTS else shorter


def _values(event: Event, language: str, *, link: str = "") -> dict[str, object]:
    """What the templates fill in; a template uses the ones it names."""
    return {
        "title": event.title(language),
        "when": when(event.starts_at),
        "place": place(event),
        "code": event.code,
        "link": link,
    }


def invitation_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        values = _values(event, language, link=link)
        return _fitting(
            _(
                "Invitation: %(title)s, %(when)s, %(place)s. Reply YES %(code)s to come "
                "or NO %(code)s. Details: %(link)s"
            )
            % values,
            _(
                "Invitation: %(title)s, %(when)s. Reply YES %(code)s to come or NO %(code)s. "
                "Details: %(link)s"
            )
            % values,
        )


def place_offer_text(*, event: Event, link: str, until: datetime, language: str) -> str:
    with translation.override(sms_language(language)):
        values = {
            "title": event.title(language),
            "when": when(event.starts_at),
            "code": event.code,
            "until": when(until),
            "link": link,
        }
        return _fitting(
            _(
                "A place is free at %(title)s, %(when)s. Reply YES %(code)s by %(until)s "
                "to take it. %(link)s"
            )
            % values,
            _("A place is free at %(title)s. Reply YES %(code)s by %(until)s to take it. %(link)s")
            % values,
        )


def reminder_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        values = _values(event, language, link=link)
        return _fitting(
            _("Reminder: %(title)s, %(when)s, %(place)s. Can't come? Reply NO %(code)s. %(link)s")
            % values,
            _("Reminder: %(title)s, %(when)s. Can't come? Reply NO %(code)s. %(link)s") % values,
        )


def changed_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        values = _values(event, language, link=link)
        return _fitting(
            _("Changed: %(title)s is now %(when)s, %(place)s. %(link)s") % values,
            _("Changed: %(title)s is now %(when)s. %(link)s") % values,
        )


def meeting_text(*, event: Event, link: str, language: str) -> str:
    with translation.override(sms_language(language)):
        values = _values(event, language, link=link)
        return _fitting(
            _("In your calendar: %(title)s, %(when)s, %(place)s. %(link)s") % values,
            _("In your calendar: %(title)s, %(when)s. %(link)s") % values,
        )


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
