"""People acting on their own data: ambassadors signed in with a code, households through a link.

Ambassadors sign in with a one-time code sent by SMS. Only a keyed hash of
the code is kept, in the shared cache, for `CODE_LIFETIME`; `CODE_TRIES`
wrong guesses burn it. Whether a number belongs to an ambassador is never
revealed: an unknown number gets the same answer and a code that can never
match, just no text.

Households have no login: their request's confirmation carries a signed link
(`newcomer_link`) that shows the request and lets them change the language
we write in or withdraw.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from phonenumbers import PhoneNumber

from ambassadors.consent import consent_language
from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Consent,
    Language,
    OutboundSms,
)
from ambassadors.outbox import sms_to
from ambassadors.services import (
    ApplicationError,
    ambassador_update,
    buddy_request_update,
    consent_withdraw,
)

CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
CODE_DIGITS = 6
# The outbox blanks an OTP text's body once it has gone: the log must not
# hold a code that signs someone in.
CODE_PURPOSE = OutboundSms.Purpose.OTP

# A household's link works this long after it was sent.
NEWCOMER_LINK_MAX_AGE = timedelta(days=90)
_NEWCOMER_SALT = "ambassadors.self_service.newcomer"

# The longest pause an ambassador can set themselves (`ambassador_pause(longest=…)`);
# a coordinator can set more.
LONGEST_PAUSE = timedelta(days=366)


class _PendingCode(TypedDict):
    digest: str
    ambassador: int | None


def sign_in_ticket(phone: PhoneNumber | str) -> str:
    """A keyed digest of the number: names the pending code without storing the number."""
    return salted_hmac(
        "ambassadors.self_service.ticket", str(phone), algorithm="sha256"
    ).hexdigest()


def _code_digest(ticket: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the cache cannot be searched for the
    # million possible codes without it.
    return salted_hmac(
        "ambassadors.self_service.code", f"{ticket}:{code}", algorithm="sha256"
    ).hexdigest()


def _code_key(ticket: str) -> str:
    return f"self-service:code:{ticket}"


def _tries_key(ticket: str) -> str:
    return f"self-service:tries:{ticket}"


def otp_request(*, phone: PhoneNumber) -> str:
    """Send a sign-in code to `phone` if it is an ambassador's; return the ticket to verify with.

    Every number gets a pending code, so that the answer and the work done
    look the same whether or not it is an ambassador's; only an ambassador's
    number is texted the code. A new code replaces the one before, and its
    tries start again (the per-number rate limit bounds how often).
    """
    ticket = sign_in_ticket(phone)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    ambassador = Ambassador.objects.select_related("preferred_language").filter(phone=phone).first()
    pending: _PendingCode = {
        "digest": _code_digest(ticket, code),
        "ambassador": ambassador.id if ambassador is not None else None,
    }
    lifetime = int(CODE_LIFETIME.total_seconds())
    cache.set(_code_key(ticket), pending, lifetime)
    cache.set(_tries_key(ticket), 0, lifetime)
    if ambassador is not None:
        language = consent_language(ambassador.preferred_language.code)
        with translation.override(language):
            body = _(
                "Your sign-in code for the Ambassador Network is %(code)s. "
                "It works for 10 minutes. Never share it: we will never ask you for it."
            ) % {"code": code}
        sms_to(ambassador, purpose=CODE_PURPOSE, body=body, language=language)
    return ticket


def otp_verify(*, ticket: str, code: str) -> Ambassador:
    """The ambassador whose code this is; the code is used up.

    Raises ApplicationError for a wrong, expired or burnt code, with the same
    message whether or not the number is an ambassador's.
    """
    wrong = _("The code is wrong or no longer valid. Check the text, or ask for a new code.")
    pending: _PendingCode | None = cache.get(_code_key(ticket))
    if pending is None:
        raise ApplicationError(wrong, field="code")
    # Counted before comparing, atomically in Redis: parallel guesses each use a try.
    cache.add(_tries_key(ticket), 0, int(CODE_LIFETIME.total_seconds()))
    try:
        tries = cache.incr(_tries_key(ticket))
    except ValueError:
        # The tries expired with the code between the two calls.
        raise ApplicationError(wrong, field="code") from None
    matches = constant_time_compare(pending["digest"], _code_digest(ticket, code.strip()))
    if not matches or pending["ambassador"] is None:
        if tries >= CODE_TRIES:
            cache.delete_many([_code_key(ticket), _tries_key(ticket)])
            raise ApplicationError(
                _("That was the last try for this code. Ask for a new code."), field="code"
            )
        raise ApplicationError(wrong, field="code")
    # One use: of two requests with the right code, only the one that deletes it signs in.
    if not cache.delete(_code_key(ticket)):
        raise ApplicationError(wrong, field="code")
    cache.delete(_tries_key(ticket))
    ambassador = Ambassador.objects.filter(id=pending["ambassador"], erased_at=None).first()
    if ambassador is None:
        raise ApplicationError(wrong, field="code")
    return ambassador


# What an ambassador may change about themself. The home municipality is not
# among them: it decides which coordinator looks after them.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "preferred_language",
    "meeting_municipalities",
    "meets_digitally",
    "interests",
    "helps_with",
    "has_children",
    "capacity",
    "about",
)


@transaction.atomic
def ambassador_profile_update(
    *,
    ambassador: Ambassador,
    changes: Mapping[str, Any],
    languages: Mapping[Language, int] | None = None,
) -> Ambassador:
    """The ambassador's own change to their profile; `languages` replaces their levels."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(_("These details can only be changed by your coordinator."))
    fields = dict(changes)
    for name in ("first_name", "last_name", "email", "about"):
        if name in fields:
            fields[name] = fields[name].strip()
    if "meeting_municipalities" in fields:
        # The home municipality is always a place they can meet.
        fields["meeting_municipalities"] = {
            ambassador.home_municipality,
            *fields["meeting_municipalities"],
        }
    ambassador_update(ambassador=ambassador, user=AnonymousUser(), **fields)
    if languages is not None:
        if not languages:
            raise ApplicationError(
                _("Choose at least one language you speak, with your level."), field="languages"
            )
        ambassador_languages_set(ambassador=ambassador, languages=languages)
    return ambassador


def ambassador_languages_set(*, ambassador: Ambassador, languages: Mapping[Language, int]) -> None:
    """Replace the ambassador's spoken languages and levels."""
    ambassador.language_levels.exclude(language__in=list(languages)).delete()
    for language, level in languages.items():
        AmbassadorLanguage.objects.update_or_create(
            ambassador=ambassador, language=language, defaults={"level": level}
        )


def consents_withdraw(
    *,
    consents: Iterable[Consent],
    channel: Consent.Channel = Consent.Channel.WEB,
    ambassador_id: int | None = None,
    newcomer: bool = False,
    via: str = "",
) -> int:
    """Withdraw every consent still standing; returns how many were.

    `ambassador_id` or `newcomer=True` names who withdrew, for the audit row
    `consent_withdraw` records for each consent.
    """
    withdrawn = 0
    for consent in consents:
        if consent.withdrawn_at is None:
            consent_withdraw(
                consent=consent,
                channel=channel,
                ambassador_id=ambassador_id,
                newcomer=newcomer,
                via=via,
            )
            withdrawn += 1
    return withdrawn


# A household's signed link.


class NewcomerLinkExpired(Exception):
    """The link was ours but is older than NEWCOMER_LINK_MAX_AGE."""


class NewcomerLinkInvalid(Exception):
    """The link was not made by us, was changed, or its request is gone or erased."""


def newcomer_token(*, buddy_request: BuddyRequest) -> str:
    return signing.dumps({"r": buddy_request.id}, salt=_NEWCOMER_SALT)


def newcomer_request_from_token(token: str) -> BuddyRequest:
    """The request a link names. Raises NewcomerLinkExpired or NewcomerLinkInvalid."""
    try:
        payload = signing.loads(token, salt=_NEWCOMER_SALT, max_age=NEWCOMER_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise NewcomerLinkExpired from None
    except signing.BadSignature:
        raise NewcomerLinkInvalid from None
    request_id = payload.get("r") if isinstance(payload, dict) else None
    buddy_request = (
        BuddyRequest.objects.select_related("preferred_language", "municipality")
        .filter(id=request_id, erased_at=None)
        .first()
        if isinstance(request_id, int)
        else None
    )
    if buddy_request is None:
        raise NewcomerLinkInvalid
    return buddy_request


def newcomer_language(buddy_request: BuddyRequest) -> str:
    """The web page language closest to the household's: their own, or English."""
    return consent_language(buddy_request.preferred_language.code)


def newcomer_link(*, buddy_request: BuddyRequest) -> str:
    """The household's page, in their language, as an absolute address for a text."""
    with translation.override(newcomer_language(buddy_request)):
        path = reverse("newcomer_request", args=[newcomer_token(buddy_request=buddy_request)])
    return f"{settings.PUBLIC_BASE_URL}{path}"


def newcomer_link_send(*, buddy_request: BuddyRequest) -> OutboundSms:
    """Text the household their link: the confirmation of a request received or updated.

    Sent at once, even in the quiet hours: it answers what the household has
    just done, like a reply to their text. A number that opted out gets nothing
    (the outbox logs it as suppressed).
    """
    language = newcomer_language(buddy_request)
    link = newcomer_link(buddy_request=buddy_request)
    with translation.override(language):
        body = _(
            "We have received your request for a buddy. See it, change the language we "
            "write to you in or withdraw it here: %(link)s"
        ) % {"link": link}
    return sms_to(
        buddy_request,
        purpose=OutboundSms.Purpose.CONFIRMATION,
        body=body,
        language=language,
        urgent=True,
    )


def newcomer_language_change(*, buddy_request: BuddyRequest, language: Language) -> BuddyRequest:
    """The household chooses the language we write to them in (and look for a buddy who speaks)."""
    if buddy_request.status not in BuddyRequest.OPEN_STATUSES:
        raise ApplicationError(_("This request is closed and can no longer be changed."))
    others = [other for other in buddy_request.other_languages.all() if other != language]
    return buddy_request_update(
        buddy_request=buddy_request,
        user=AnonymousUser(),
        preferred_language=language,
        other_languages=others,
    )


def newcomer_withdraw(*, buddy_request: BuddyRequest, via: str = "") -> int:
    """The household withdraws its consent, and with it the request."""
    return consents_withdraw(consents=buddy_request.consents.all(), newcomer=True, via=via)
