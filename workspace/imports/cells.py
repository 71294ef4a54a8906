"""What a spreadsheet's cells mean: names of municipalities, languages with levels, yes and no.

Each reader takes a cell's text and returns a value or raises ValidationError
with the reason, in the words the sign-up form uses where it has them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python as phone_from_text
from phonenumbers import PhoneNumber, is_valid_number

from ambassadors.models import Interest, Language, LanguageLevel, Municipality, Need, Organisation
from ambassadors.selectors import municipalities_choosable_by
from ambassadors.validators import normalise_org_number, validate_mobile, validate_org_number
from workspace.imports.reading import RowError

# A language written without a level ("svenska, arabiska") is taken as spoken
# fluently: a CRM list of languages names the ones people use, and the
# coordinator corrects the level when they meet the ambassador.
DEFAULT_LEVEL = LanguageLevel.FLUENT

_T = TypeVar("_T")
_D = TypeVar("_D")


def fold(text: str) -> str:
    """Casefolded and without accents: "Östersund" is read as "ostersund"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _names(*names: str) -> set[str]:
    return {fold(name) for name in names if name}


_LEVEL_WORDS = {
    **{str(level.value): level.value for level in LanguageLevel},
    **{level.name.casefold(): level.value for level in LanguageLevel},
    # What Swedish spreadsheets say, folded.
    "grundlaggande": 1, "nyborjare": 1, "samtal": 2, "vardaglig": 2, "hyfsad": 2,
    "flytande": 3, "god": 3, "modersmal": 4, "mother tongue": 4,
}  # fmt: skip


def _level(text: str) -> int | None:
    word = fold(text)
    if word in _LEVEL_WORDS:
        return _LEVEL_WORDS[word]
    # The levels as the workspace names them, in the coordinator's language.
    return next((level.value for level in LanguageLevel if fold(str(level.label)) == word), None)


_KIND_WORDS = {
    Organisation.Kind.EMPLOYER: ("employer", "arbetsgivare", "foretag", "company", "business"),
    Organisation.Kind.PUBLIC: ("public", "public body", "offentlig", "myndighet", "kommun",
                               "region", "offentlig verksamhet"),
    Organisation.Kind.ASSOCIATION: ("association", "forening", "ideell forening", "ideell",
                                    "trossamfund"),
    Organisation.Kind.OTHER: ("other", "annat", "annan", "ovrigt", "ovrig"),
}  # fmt: skip


@dataclass
class Reference:
    """What cells may name, by every spelling we accept; and where this coordinator may import."""

    municipalities: dict[str, Municipality]
    allowed: set[int]
    languages: dict[str, Language]
    message_languages: set[str]
    swedish: Language | None
    interests: dict[str, Interest]
    needs: dict[str, Need]

    @classmethod
    def load(cls, *, user: AbstractBaseUser | AnonymousUser) -> Reference:
        municipalities: dict[str, Municipality] = {}
        for municipality in Municipality.objects.all():
            for name in _names(municipality.code, municipality.name):
                municipalities[name] = municipality
        languages: dict[str, Language] = {}
        for language in Language.objects.all():
            for name in _names(
                language.code, language.name_en, language.name_sv, language.name_native
            ):
                languages[name] = language
        return cls(
            municipalities=municipalities,
            allowed=set(municipalities_choosable_by(user=user).values_list("id", flat=True)),
            languages=languages,
            message_languages={code for code, _name in settings.LANGUAGES},
            swedish=languages.get("sv"),
            interests=_catalogue(Interest.objects.filter(active=True)),
            needs=_catalogue(Need.objects.filter(active=True)),
        )

    def municipality(self, text: str) -> Municipality | None:
        name = fold(text)
        name = re.sub(r"\s*kommun$", "", name)
        found = self.municipalities.get(name)
        # "Östersunds kommun", "Bergs kommun": the genitive s.
        if found is None and name.endswith("s"):
            found = self.municipalities.get(name[:-1])
        return found

    def language_with_level(self, text: str) -> tuple[Language, int] | None:
        match = re.fullmatch(
            r"(?P<name>.*?)\s*(?:[:=]\s*(?P<level>[^:=()]+?)|\(\s*(?P<paren>[^()]+?)\s*\))?\s*",
            text,
        )
        if match is None:
            return None
        language = self.languages.get(fold(match["name"]))
        words = match["level"] or match["paren"]
        level = DEFAULT_LEVEL.value if words is None else _level(words)
        if language is None or level is None:
            return None
        return language, level


_Item = TypeVar("_Item", Interest, Need)


def _catalogue(items: Iterable[_Item]) -> dict[str, _Item]:
    found: dict[str, _Item] = {}
    for item in items:
        for name in _names(item.slug, item.name_en, item.name_sv, item.name_ar, item.name_uk):
            found[name] = item
    return found


@dataclass
class Row:
    """One row of the file, and where its errors go."""

    number: int
    cells: dict[str, str]
    headings: dict[str, str]
    errors: list[RowError]

    def error(self, name: str, message: str) -> None:
        self.errors.append(
            RowError(self.number, self.headings.get(name, ""), self.cells.get(name, ""), message)
        )

    def get(self, name: str, parse: Callable[[str], _T], default: _D) -> _T | _D:
        """The cell read by `parse`; `default` if it cannot be, its reasons noted."""
        try:
            return parse(self.cells.get(name, ""))
        except ValidationError as error:
            for message in error.messages:
                self.error(name, message)
            return default


# The sign-up form's own limits and messages. Made once: a file may have thousands of rows.
name_required = forms.CharField(max_length=80).clean
name_optional = forms.CharField(max_length=80, required=False).clean
organisation_name = forms.CharField(max_length=200).clean
about = forms.CharField(max_length=2000, required=False).clean
email = forms.EmailField(required=False).clean
_capacity_field = forms.IntegerField(min_value=1, max_value=10, required=False)


def capacity(text: str) -> int | None:
    value: int | None = _capacity_field.clean(text)
    return value


def phone(text: str) -> PhoneNumber:
    if not text:
        raise ValidationError(_("A mobile number is required."))
    number = phone_from_text(text, region="SE")
    if not isinstance(number, PhoneNumber) or not is_valid_number(number):
        raise ValidationError(
            _("This is not a phone number: write it as 070 123 45 67, or with its country code.")
        )
    validate_mobile(number)
    return number


def org_number(text: str) -> str:
    if not text:
        raise ValidationError(_("An organisation number is required."))
    validate_org_number(text)
    return normalise_org_number(text)


def yes_no(text: str) -> bool:
    word = fold(text)
    if word in ("", "nej", "n", "no", "false", "0", "falskt"):
        return False
    if word in ("ja", "j", "yes", "y", "true", "1", "x", "sant"):
        return True
    raise ValidationError(_("Write ja or nej (yes or no)."))


def kind(text: str) -> str:
    if not text:
        return ""
    word = fold(text)
    for choice, words in _KIND_WORDS.items():
        if word in words or word in (choice.value, fold(str(choice.label))):
            return choice.value
    raise ValidationError(_("Unknown kind: write arbetsgivare, offentlig, förening or annat."))


def _items(text: str, resolve: Callable[[str], _T | None]) -> tuple[list[_T], list[str]]:
    """Items named in one cell: "svenska, arabiska", "sv:4 ar:3", "Outdoor life; skiing".

    Commas and semicolons always separate; within a part, the longest run of
    words that names an item wins, so names with spaces ("Southern Sami") and
    lists with spaces ("sv:4 ar:3") both read.
    """
    found: list[_T] = []
    unknown: list[str] = []
    for part in re.split(r"[,;،/|\n]+", text):
        words = part.split()
        start, run = 0, list[str]()
        while start < len(words):
            for end in range(len(words), start, -1):
                item = resolve(" ".join(words[start:end]))
                if item is not None:
                    found.append(item)
                    if run:
                        unknown.append(" ".join(run))
                        run = []
                    start = end
                    break
            else:
                run.append(words[start])
                start += 1
        if run:
            unknown.append(" ".join(run))
    return found, unknown


def unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


class Parsers:
    """Cells that name reference data, read against one coordinator's view of it."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference

    def home(self, text: str) -> Municipality:
        if not text:
            raise ValidationError(_("A municipality is required."))
        municipality = self.reference.municipality(text)
        if municipality is None:
            raise ValidationError(_("Unknown municipality."))
        if municipality.id not in self.reference.allowed:
            raise ValidationError(
                _("%(municipality)s is not one of your municipalities.")
                % {"municipality": municipality.name}
            )
        return municipality

    def municipalities(self, text: str) -> list[Municipality]:
        found, unknown = _items(text, self.reference.municipality)
        if unknown:
            raise ValidationError(
                _("Unknown municipality: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return unique(found)

    def languages(self, text: str) -> dict[Language, int]:
        found, unknown = _items(text, self.reference.language_with_level)
        if unknown:
            raise ValidationError(
                _("Unknown language or level: %(names)s. Levels are 1-4.")
                % {"names": ", ".join(unknown)}
            )
        levels: dict[Language, int] = {}
        for language, level in found:
            levels.setdefault(language, level)
        return levels

    def message_language(self, text: str) -> Language | None:
        if not text:
            return None
        language = self.reference.languages.get(fold(text))
        if language is None or language.code not in self.reference.message_languages:
            raise ValidationError(
                _("Texts go out in %(languages)s only: choose one of them.")
                % {"languages": ", ".join(str(name) for _code, name in settings.LANGUAGES)}
            )
        return language

    def interests(self, text: str) -> list[Interest]:
        found, unknown = _items(text, lambda name: self.reference.interests.get(fold(name)))
        if unknown:
            raise ValidationError(_("Unknown interest: %(names)s.") % {"names": ", ".join(unknown)})
        return unique(found)

    def needs(self, text: str) -> list[Need]:
        found, unknown = _items(text, lambda name: self.reference.needs.get(fold(name)))
        if unknown:
            raise ValidationError(
                _("Unknown thing to help with: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return unique(found)
