"""The texts of the offer loop, rendered in the recipient's language.

Every template stays within three SMS parts in every language with the
longest realistic values; tests/matching/test_texts.py checks that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import Ambassador, BuddyRequest, Coordinator, Interest, Language
from ambassadors.sms_text import segments, sms_clean
from matching.explain import EXPLANATION_LANGUAGES, explanation_language

# The texts are in the explanations' languages; anyone else reads English.
SMS_LANGUAGES = EXPLANATION_LANGUAGES
sms_language = explanation_language
# An offer longer than this many SMS parts drops its least needed detail.
MAX_PARTS = 3


def _list(items: list[str], language: str) -> str:
    # Arabic lists take the Arabic comma.
    return ("، " if language == "ar" else ", ").join(items)


def language_names(languages: list[Language], language: str) -> str:
    """Short names: the reader's own word for their languages, the native name otherwise."""
    names = []
    for item in languages:
        if language in ("sv", "en") or item.code == language:
            names.append(item.display_name(language))
        else:
            names.append(item.name_native)
    return _list(names, language)


def household_languages(buddy_request: BuddyRequest) -> list[Language]:
    others = [
        item
        for item in buddy_request.other_languages.order_by("name_en")
        if item.id != buddy_request.preferred_language_id
    ]
    return [buddy_request.preferred_language, *others][:3]


def family(buddy_request: BuddyRequest) -> str:
    children = len(buddy_request.children_ages)
    if buddy_request.has_partner and children:
        return ngettext(
            "with a partner and %(count)d child", "with a partner and %(count)d children", children
        ) % {"count": children}
    if buddy_request.has_partner:
        return _("with a partner")
    if children:
        return ngettext("with %(count)d child", "with %(count)d children", children) % {
            "count": children
        }
    return _("on their own")


def why(reasons: Mapping[str, Any], language: str) -> str:
    """One line of why: the distance, and an interest they share."""
    minutes = int(reasons.get("minutes", 0))
    parts = [
        _("same municipality")
        if minutes == 0
        else _("%(minutes)d min by car") % {"minutes": minutes}
    ]
    interests = list(reasons.get("interests", []))
    if interests:
        interest = Interest.objects.filter(slug=interests[0]).first()
        if interest is not None:
            parts.append(interest.display_name(language).lower())
    return _list(parts, language)


def offer_hours() -> int:
    return max(1, round(settings.OFFER_TIMEOUT.total_seconds() / 3600))


def _offer_body(
    *, buddy_request: BuddyRequest, code: str, reasons: Mapping[str, Any], language: str
) -> str:
    return _(
        "New buddy request: %(name)s, %(family)s, %(municipality)s. "
        "Speaks %(languages)s. Why you: %(why)s. "
        "Reply YES %(code)s or NO %(code)s within %(hours)d h."
    ) % {
        "name": buddy_request.first_name,
        "family": family(buddy_request),
        "municipality": buddy_request.municipality.display_name(language),
        "languages": language_names(household_languages(buddy_request), language),
        "why": why(reasons, language),
        "code": code,
        "hours": offer_hours(),
    }


def offer_text(
    *, ambassador: Ambassador, buddy_request: BuddyRequest, code: str, reasons: Mapping[str, Any]
) -> tuple[str, str]:
    """The offer to an ambassador and the language it is in."""
    language = sms_language(ambassador.preferred_language.code)
    with translation.override(language):
        body = _offer_body(
            buddy_request=buddy_request, code=code, reasons=reasons, language=language
        )
        if segments(sms_clean(body)).count > MAX_PARTS:
            # A name in another script turns even a Swedish offer into UCS-2, 67
            # characters a part; then the shared interest, the detail least needed
            # to answer, makes way.
            body = _offer_body(
                buddy_request=buddy_request,
                code=code,
                reasons={**reasons, "interests": []},
                language=language,
            )
    return body, language


def introduction_to_ambassador(
    *, ambassador: Ambassador, buddy_request: BuddyRequest
) -> tuple[str, str]:
    language = sms_language(ambassador.preferred_language.code)
    with translation.override(language):
        body = _(
            "Thank you, %(ambassador)s! You are now the buddy of %(name)s (%(family)s, "
            "%(municipality)s). Call or text %(phone)s to plan a first meeting."
        ) % {
            "ambassador": ambassador.first_name,
            "name": buddy_request.first_name,
            "family": family(buddy_request),
            "municipality": buddy_request.municipality.display_name(language),
            "phone": buddy_request.phone,
        }
    return body, language


def introduction_to_newcomer(
    *, ambassador: Ambassador, buddy_request: BuddyRequest
) -> tuple[str, str]:
    language = sms_language(buddy_request.preferred_language.code)
    with translation.override(language):
        body = _(
            "Hi %(name)s! Your buddy in Jämtland Härjedalen is %(ambassador)s. "
            "%(ambassador)s will be in touch, or call or text %(phone)s."
        ) % {
            "name": buddy_request.first_name,
            "ambassador": ambassador.first_name,
            "phone": ambassador.phone,
        }
    return body, language


def followup_text(*, first_name: str, other: str, language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "Hi %(name)s! Have you and %(other)s met yet? "
            "Reply 1 yes, 2 not yet, 3 we need a new match."
        ) % {"name": first_name, "other": other}


def followup_thanks(*, choice: int, language: str) -> str:
    with translation.override(sms_language(language)):
        if choice == 1:
            return _("Wonderful, thank you for letting us know!")
        if choice == 2:
            return _("Thank you! Text HELP if you need help to get in touch.")
        return _("Thank you. We will look for a new match.")


def declined_thanks(language: str) -> str:
    with translation.override(sms_language(language)):
        return _("Thank you for answering! We will ask someone else.")


def passed_on(*, code: str, language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "Thank you for answering! Request %(code)s has already been passed on to someone else."
        ) % {"code": code}


def already_accepted(*, code: str, language: str) -> str:
    with translation.override(sms_language(language)):
        return _("You have already accepted request %(code)s. Thank you!") % {"code": code}


def which_code(*, codes: list[str], language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "You have several requests (%(codes)s). Reply YES or NO followed by the code, "
            "e.g. YES %(code)s."
        ) % {"codes": _list(codes, language), "code": codes[0]}


def no_such_offer(*, code: str | None, language: str) -> str:
    with translation.override(sms_language(language)):
        if code:
            return _("We could not find a request with the code %(code)s.") % {"code": code}
        return _("You have no open request to answer right now.")


def not_understood(language: str) -> str:
    with translation.override(sms_language(language)):
        return _(
            "Sorry, we did not understand. Reply YES or NO and the code of a request, "
            "HELP for help, or STOP to get no more texts. A coordinator will read your message."
        )


def help_text(*, contact: str, language: str) -> str:
    with translation.override(sms_language(language)):
        if contact:
            return _(
                "Ambassador Network, Region Jämtland Härjedalen. Questions: %(contact)s. "
                "Reply STOP to get no more texts."
            ) % {"contact": contact}
        return _("Ambassador Network, Region Jämtland Härjedalen. Reply STOP to get no more texts.")


def stopped_text(language: str) -> str:
    with translation.override(sms_language(language)):
        return _("You will get no more texts from the Ambassador Network. Reply START to resume.")


def started_text(language: str) -> str:
    with translation.override(sms_language(language)):
        return _("Welcome back! You will get texts from the Ambassador Network again.")


def help_contact(*, municipality_id: int | None) -> str:
    """The phone of a coordinator for the municipality, else of the region, else the setting."""
    coordinators = Coordinator.objects.exclude(phone="")
    local = None
    if municipality_id is not None:
        local = coordinators.filter(municipalities__id=municipality_id).first()
    chosen = local or coordinators.filter(is_region_admin=True).first()
    if chosen is not None:
        return str(chosen.phone)
    return str(settings.SMS_HELP_CONTACT)
