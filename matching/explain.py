"""A proposal's reasons as sentences in the newcomer's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ambassadors.models import Interest, Language, Need

# Languages the sentences are translated into; anyone else reads English.
EXPLANATION_LANGUAGES = ("sv", "en", "ar", "uk")


def explanation_language(preferred: str) -> str:
    return preferred if preferred in EXPLANATION_LANGUAGES else "en"


def _names(model: type[Language] | type[Interest] | type[Need], keys: list[str], field: str,
           language: str) -> str:  # fmt: skip
    items = {getattr(item, field): item for item in model.objects.filter(**{f"{field}__in": keys})}
    # Arabic lists take the Arabic comma.
    separator = "، " if language == "ar" else ", "
    return separator.join(items[key].display_name(language) for key in keys if key in items)


def explanation(reasons: Mapping[str, Any], *, language: str) -> str:
    """One short sentence per reason, e.g. "Speaks Arabic. About 20 minutes away by car."."""
    language = explanation_language(language)
    with translation.override(language):
        sentences = [
            _("Speaks %(languages)s.")
            % {"languages": _names(Language, list(reasons["languages"]), "code", language)}
        ]
        minutes = int(reasons["minutes"])
        if minutes == 0:
            sentences.append(_("Can meet in your municipality."))
        else:
            sentences.append(_("About %(minutes)d minutes away by car.") % {"minutes": minutes})
        if reasons["digital"]:
            sentences.append(_("Also meets by video."))
        if reasons["interests"]:
            names = _names(Interest, list(reasons["interests"]), "slug", language)
            sentences.append(_("Shares your interests: %(interests)s.") % {"interests": names})
        if reasons["family"]:
            sentences.append(_("Has children too."))
        if reasons["needs"]:
            names = _names(Need, list(reasons["needs"]), "slug", language)
            sentences.append(_("Can help with: %(needs)s.") % {"needs": names})
        return " ".join(sentences)
