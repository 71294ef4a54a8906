"""The consent texts people are shown, by purpose and version.

A text's wording is part of its version: change the words, raise the version,
so that every stored consent still says exactly what its giver read.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ambassadors.models import Consent


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    text: Promise

    def render(self, language: str) -> str:
        with translation.override(language):
            return str(self.text)


CONSENT_TEXTS = {
    Consent.Purpose.BUDDY_REQUEST: ConsentText(
        purpose=Consent.Purpose.BUDDY_REQUEST,
        version="2026-11-1",
        text=_(
            "Region Jämtland Härjedalen stores what you write here to find you a buddy. "
            "The coordinators of your municipality can see it. When we find you a buddy, "
            "your buddy gets your first name, your mobile number, your languages and what "
            "you want help with, and you get your buddy's first name and mobile number. "
            "We text you about your request. "
            "We delete your details 12 months after your request is closed. You can "
            "withdraw your consent at any time: reply STOPP to one of our texts or "
            "tell your coordinator, and we stop at once."
        ),
    ),
    Consent.Purpose.AMBASSADOR: ConsentText(
        purpose=Consent.Purpose.AMBASSADOR,
        version="2026-11-1",
        text=_(
            "Region Jämtland Härjedalen stores what you write here to make you an "
            "ambassador. The coordinators of your municipality can see it. When we "
            "match you with a newcomer, they get your first name and your mobile "
            "number, and you get theirs. We text you offers, invitations and "
            "reminders. You can withdraw your consent at any time: reply STOPP to one "
            "of our texts or tell your coordinator, and we stop at once."
        ),
    ),
}

# Languages the consent texts are translated into. A consent given in another
# language is recorded as shown: in English.
CONSENT_LANGUAGES = ("sv", "en", "ar", "uk")


def consent_language(language: str | None) -> str:
    return language if language in CONSENT_LANGUAGES else "en"
