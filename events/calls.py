"""Calls to the buddy hotline: who is rung, in which order, and what is kept of each call.

Twilio asks us at every step of a call (menu, each ring, voicemail, the end);
each step is a function here that the voice webhook turns into TwiML. A step
Twilio sends twice gives the same answer and changes nothing more.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ambassadors.models import Language, OutboundSms, TwilioDeletion
from ambassadors.outbox import sms_queue, twilio_deletions_queue
from events.hotline import Rung, call_chain, is_open, opening_summary, shift_on_duty
from events.models import Call, Hotline, HotlineLanguage, HotlineVolunteer, Weekday
from matching.texts import sms_language

# Enough to tell two calls apart when a volunteer asks, not enough to call back.
KEPT_DIGITS = 3
# What Twilio's DialCallStatus says when the person rung picked up.
ANSWERED = frozenset({"completed", "answered"})
ENDED = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})

# The voices Twilio's <Say> has for our languages; a language without one is
# read by the Swedish voice, so its prompt should be recorded (an https URL).
SAY_LANGUAGES = {
    "sv": "sv-SE",
    "en": "en-GB",
    "ar": "arb",
    "uk": "uk-UA",
    "de": "de-DE",
    "fr": "fr-FR",
    "es": "es-ES",
    "fi": "fi-FI",
    "pl": "pl-PL",
    "ru": "ru-RU",
    "tr": "tr-TR",
    "pt": "pt-PT",
    "it": "it-IT",
    "nl": "nl-NL",
    "zh": "cmn-CN",
    "hi": "hi-IN",
    "da": "da-DK",
    "nb": "nb-NO",
    "no": "nb-NO",
}


def say_language(code: str) -> str:
    return SAY_LANGUAGES.get(code, SAY_LANGUAGES["sv"])


def hotline_for_number(number: str) -> Hotline | None:
    return Hotline.objects.filter(phone=number, active=True).first()


def call_start(*, hotline: Hotline, call_sid: str, caller: str) -> Call:
    """The call's record, made on Twilio's first request and found again on a replay."""
    digits = "".join(character for character in caller if character.isdigit())
    call, _created = Call.objects.get_or_create(
        call_sid=call_sid,
        defaults={"hotline": hotline, "caller_last_digits": digits[-KEPT_DIGITS:]},
    )
    return call


def menu(hotline: Hotline) -> list[HotlineLanguage]:
    return list(hotline.menu.select_related("language").order_by("digit"))


def menu_prompt(item: HotlineLanguage) -> str:
    """ "For Arabic, press 2", in Arabic. Call it with no language override active."""
    if item.prompt:
        return item.prompt
    with translation.override(sms_language(item.language.code)):
        return _("For %(language)s, press %(digit)d.") % {
            "language": item.language.name_native,
            "digit": item.digit,
        }


def language_chosen(hotline: Hotline, digits: str) -> Language | None:
    """The language for the key pressed; the first on the menu when none or a wrong one was."""
    items = menu(hotline)
    if not items:
        return None
    for item in items:
        if digits == str(item.digit):
            return item.language
    return items[0].language


@transaction.atomic
def call_choose(*, call: Call, language: Language | None, now: datetime | None = None) -> bool:
    """Record the caller's language and plan whom to ring. False: the hotline is closed now."""
    call = Call.objects.select_for_update().select_related("hotline").get(pk=call.pk)
    moment = now or timezone.now()
    if call.chain and call.language_id == (language.id if language else None):
        return True  # Twilio asked again: the plan stands.
    call.language = language
    if not is_open(call.hotline, moment):
        call.outcome = Call.Outcome.CLOSED
        call.chain = []
        call.save(update_fields=["language", "outcome", "chain"])
        return False
    shift = shift_on_duty(call.hotline, moment)
    call.shift = shift
    call.chain = [[rung.role, rung.volunteer_id] for rung in call_chain(shift, language)]
    call.save(update_fields=["language", "shift", "chain"])
    return True


def rung_at(call: Call, index: int) -> Rung | None:
    """Who is rung at step `index` of the call, or None when nobody is left (voicemail)."""
    if not 0 <= index < len(call.chain):
        return None
    role, volunteer_id = call.chain[index]
    return Rung(role, volunteer_id)


def rung_number(call: Call, rung: Rung) -> str:
    if rung.volunteer_id is None:
        return str(call.hotline.fallback_phone)
    volunteer = HotlineVolunteer.objects.select_related("ambassador").get(pk=rung.volunteer_id)
    return str(volunteer.ambassador.phone)


@transaction.atomic
def call_ring_result(*, call: Call, index: int, dial_status: str) -> int | None:
    """What came of ringing step `index`. Returns the next step to ring, or None: answered."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    rung = rung_at(call, index)
    if dial_status in ANSWERED and rung is not None:
        if call.outcome == Call.Outcome.IN_PROGRESS:
            call.outcome = Call.Outcome.ANSWERED
            call.answerer = rung.role
            call.answered_by_id = rung.volunteer_id
            call.attempt = max(call.attempt, index + 1)
            call.save(update_fields=["outcome", "answerer", "answered_by", "attempt"])
        return None
    call.attempt = max(call.attempt, index + 1)
    call.save(update_fields=["attempt"])
    return index + 1


# A voicemail whose recording we do not hold: Twilio sent no RecordingSid, or
# it was deleted after VOICEMAIL_RETENTION_DAYS.
NO_RECORDING = "-"


def call_voicemail(*, call: Call, recording_sid: str, seconds: int | None) -> bool:
    """Keep the voicemail's id and tell the coordinator once. False: already known."""
    with transaction.atomic():
        claimed = Call.objects.filter(
            Q(outcome=Call.Outcome.IN_PROGRESS) | Q(outcome=Call.Outcome.MISSED),
            pk=call.pk,
            recording_sid="",
        ).update(
            recording_sid=recording_sid,
            recording_duration_s=seconds,
            outcome=Call.Outcome.VOICEMAIL,
        )
        if not claimed:
            return False
        call.refresh_from_db()
        hotline = call.hotline
        with translation.override("sv"):
            body = _(
                "Hotline %(hotline)s: a caller (number ending %(digits)s, %(language)s) left a "
                "voicemail of %(seconds)s s at %(time)s. Listen to it in the Twilio console."
            ) % {
                "hotline": hotline.name,
                "digits": call.caller_last_digits,
                "language": call.language.name_sv if call.language else "-",
                "seconds": seconds if seconds is not None else "?",
                "time": f"{timezone.localtime(call.started_at):%H:%M}",
            }
        sms_queue(
            to=hotline.fallback_phone,
            purpose=OutboundSms.Purpose.VOICEMAIL,
            body=body,
            language="sv",
        )
    return True


def call_ended(*, call_sid: str, call_status: str, duration: int | None) -> bool:
    """Twilio's status callback: how long the call lasted. False: an unknown call."""
    updated = Call.objects.filter(call_sid=call_sid).update(
        duration_s=duration, ended_at=timezone.now()
    )
    if call_status in ENDED:
        # Nobody answered and no voicemail was left: the caller gave up or hung up.
        Call.objects.filter(call_sid=call_sid, outcome=Call.Outcome.IN_PROGRESS).update(
            outcome=Call.Outcome.MISSED
        )
    return updated > 0


# What callers hear, in their language. Call these with no override active.


def _clock(moment: time) -> str:
    return f"{moment:%H:%M}"


def _days(weekdays: list[int]) -> str:
    names = [str(Weekday(day).label) for day in weekdays]
    consecutive = weekdays == list(range(weekdays[0], weekdays[0] + len(weekdays)))
    if len(weekdays) > 2 and consecutive:
        return f"{names[0]}–{names[-1]}"
    return ", ".join(names)


def closed_message(hotline: Hotline, language: Language | None) -> str:
    code = sms_language(language.code) if language else "sv"
    with translation.override(code):
        windows = [
            _("%(days)s %(opens)s to %(closes)s")
            % {"days": _days(days), "opens": _clock(opens), "closes": _clock(closes)}
            for days, opens, closes in opening_summary(hotline)
        ]
        if not windows:
            return _("The hotline is closed. Please call again later.")
        return _("The hotline is closed now. It is open %(hours)s. Welcome to call then.") % {
            "hours": "; ".join(windows)
        }


def connecting_message(language: Language | None) -> str:
    with translation.override(sms_language(language.code) if language else "sv"):
        return _("We are connecting you to a volunteer. Please wait.")


def voicemail_prompt(language: Language | None) -> str:
    with translation.override(sms_language(language.code) if language else "sv"):
        return _(
            "Nobody can answer right now. Leave your name, number and a short message "
            "after the tone, and we will call you back."
        )


def thanks_message(language: Language | None) -> str:
    with translation.override(sms_language(language.code) if language else "sv"):
        return _("Thank you. Goodbye.")


def not_in_service_message() -> str:
    with translation.override("sv"):
        return _("This number is not in service.")


def voicemails_forget_due(*, now: datetime | None = None) -> int:
    """Delete at Twilio the voicemails older than VOICEMAIL_RETENTION_DAYS. Returns how many.

    The call's row stays for the statistics, without its recording.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.VOICEMAIL_RETENTION_DAYS)
    with transaction.atomic():
        due = dict(
            Call.objects.select_for_update()
            .filter(started_at__lt=cutoff)
            .exclude(recording_sid__in=["", NO_RECORDING])
            .values_list("id", "recording_sid")
        )
        twilio_deletions_queue(
            records=[(TwilioDeletion.Kind.RECORDING, sid) for sid in due.values()]
        )
        Call.objects.filter(id__in=due).update(recording_sid=NO_RECORDING)
    return len(due)
