"""The texts of the offer loop fit in three SMS parts and tell people words we understand."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ambassadors.models import Ambassador, BuddyRequest, Interest, Language, Municipality
from ambassadors.selectors import travel_minutes
from ambassadors.sms_replies import Intent, reply_parse
from ambassadors.sms_text import Segments, segments, sms_clean
from matching import texts

# Twenty-character first names, the longest we plan for, in each script.
NAMES = {
    "latin": "Maximiliana-Kristina",
    "arabic": "عبدالرحمن عبدالمهيمن",
    "cyrillic": "Олександра-Мирослава",
}
CODE = "4821"
CODES = ["4821", "7390", "1056", "9264"]
HELP_CONTACT = "+46701740699"

# The words each language's texts tell people to type.
YES_NO = {"sv": ("JA", "NEJ"), "en": ("YES", "NO"), "ar": ("نعم", "لا"), "uk": ("ТАК", "НІ")}
HELP_WORDS = {"sv": "HJÄLP", "en": "HELP", "ar": "مساعدة", "uk": "ДОПОМОГА"}
STOP_WORDS = {"sv": "STOPP", "en": "STOP", "ar": "STOP", "uk": "STOP"}

# (language, the reader's name script, the other person's name script). A name in
# another script turns even a Swedish text into UCS-2, where a part holds 67 units.
CASES = [
    ("sv", "latin", "latin"),
    ("en", "latin", "latin"),
    ("ar", "arabic", "arabic"),
    ("uk", "cyrillic", "cyrillic"),
    ("sv", "latin", "arabic"),
    ("en", "latin", "cyrillic"),
    ("ar", "arabic", "latin"),
    ("uk", "cyrillic", "latin"),
]

MakeRequest = Callable[..., BuddyRequest]
MakeAmbassador = Callable[..., Ambassador]


def longest_languages(language: str) -> list[Language]:
    """The three languages whose names, as a reader of `language` sees them, are longest."""
    by_length = sorted(
        Language.objects.all(),
        key=lambda item: len(texts.language_names([item], language)),
        reverse=True,
    )
    return by_length[:3]


def longest_interest(language: str) -> Interest:
    return max(Interest.objects.all(), key=lambda item: len(item.display_name(language)))


def longest_municipality() -> Municipality:
    return max(Municipality.objects.all(), key=lambda item: len(item.name))


def longest_drive() -> int:
    return max(max(row.values()) for row in travel_minutes().values())


def longest_household(*, language: str, name: str, make_request: MakeRequest) -> BuddyRequest:
    """A partner, four children and the longest names a reader of `language` can see."""
    first, *others = longest_languages(language)
    household = make_request(
        longest_municipality().name,
        first_name=name,
        preferred_language=first,
        has_partner=True,
        children_ages=[2, 5, 9, 14],
    )
    household.other_languages.set(others)
    return household


def longest_reasons(language: str) -> dict[str, object]:
    return {"minutes": longest_drive(), "interests": [longest_interest(language).slug]}


def all_texts(
    *,
    language: str,
    own_name: str,
    other_name: str,
    make_request: MakeRequest,
    make_ambassador: MakeAmbassador,
) -> dict[str, str]:
    """Every template, rendered for a reader of `language` with the longest values."""
    reader = Language.objects.get(code=language)
    municipality = longest_municipality().name
    household = longest_household(language=language, name=other_name, make_request=make_request)
    ambassador = make_ambassador(municipality, first_name=own_name, preferred_language=reader)
    # The other way round for the newcomer's own texts.
    newcomer = make_request(municipality, first_name=own_name, preferred_language=reader)
    buddy = make_ambassador(municipality, first_name=other_name)

    offer, offer_language = texts.offer_text(
        ambassador=ambassador,
        buddy_request=household,
        code=CODE,
        reasons=longest_reasons(language),
    )
    to_ambassador, ambassador_language = texts.introduction_to_ambassador(
        ambassador=ambassador, buddy_request=household
    )
    to_newcomer, newcomer_language = texts.introduction_to_newcomer(
        ambassador=buddy, buddy_request=newcomer
    )
    assert offer_language == ambassador_language == newcomer_language == language
    return {
        "offer": offer,
        "introduction to the ambassador": to_ambassador,
        "introduction to the newcomer": to_newcomer,
        "follow-up": texts.followup_text(first_name=own_name, other=other_name, language=language),
        **{
            f"follow-up thanks {choice}": texts.followup_thanks(choice=choice, language=language)
            for choice in (1, 2, 3)
        },
        "declined thanks": texts.declined_thanks(language),
        "passed on": texts.passed_on(code=CODE, language=language),
        "already accepted": texts.already_accepted(code=CODE, language=language),
        "which code": texts.which_code(codes=CODES, language=language),
        "no such offer": texts.no_such_offer(code=CODE, language=language),
        "no open offer": texts.no_such_offer(code=None, language=language),
        "not understood": texts.not_understood(language),
        "help": texts.help_text(contact=HELP_CONTACT, language=language),
        "help without a contact": texts.help_text(contact="", language=language),
        "stopped": texts.stopped_text(language),
        "started": texts.started_text(language),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "own_script", "other_script"), CASES)
def test_every_text_fits_in_three_parts_with_the_longest_values(
    language: str,
    own_script: str,
    other_script: str,
    make_request: MakeRequest,
    make_ambassador: MakeAmbassador,
) -> None:
    rendered = all_texts(
        language=language,
        own_name=NAMES[own_script],
        other_name=NAMES[other_script],
        make_request=make_request,
        make_ambassador=make_ambassador,
    )
    parts = {name: segments(sms_clean(text)) for name, text in rendered.items()}

    too_long: dict[str, tuple[Segments, str]] = {
        name: (parts[name], text) for name, text in rendered.items() if parts[name].count > 3
    }
    assert too_long == {}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_swedish_or_english_text_without_foreign_names_stays_gsm7(
    language: str, make_request: MakeRequest, make_ambassador: MakeAmbassador
) -> None:
    # One typographic quote or non-breaking space in a translation would double the price.
    rendered = all_texts(
        language=language,
        own_name=NAMES["latin"],
        other_name=NAMES["latin"],
        make_request=make_request,
        make_ambassador=make_ambassador,
    )

    encodings = {name: segments(text).encoding for name, text in rendered.items()}
    assert set(encodings.values()) == {"GSM-7"}


@pytest.mark.django_db
@pytest.mark.parametrize(("other_script", "interest_kept"), [("latin", True), ("arabic", False)])
def test_an_offer_leaves_out_the_shared_interest_only_when_it_would_need_a_fourth_part(
    other_script: str,
    interest_kept: bool,
    make_request: MakeRequest,
    make_ambassador: MakeAmbassador,
) -> None:
    household = longest_household(
        language="sv", name=NAMES[other_script], make_request=make_request
    )
    offer, _language = texts.offer_text(
        ambassador=make_ambassador(first_name=NAMES["latin"]),
        buddy_request=household,
        code=CODE,
        reasons=longest_reasons("sv"),
    )

    assert (longest_interest("sv").name_sv.lower() in offer) is interest_kept
    assert f"{NAMES[other_script]}, med partner och 4 barn, Härjedalen." in offer
    assert "Pratar nederländska, portugisiska, thailändska." in offer
    assert f"Varför du: {longest_drive()} min med bil" in offer
    assert "Svara JA 4821 eller NEJ 4821 inom 48 h." in offer


@pytest.mark.django_db
def test_the_swedish_offer_asks_for_ja_or_nej_and_the_english_one_for_yes_or_no(
    make_request: MakeRequest, make_ambassador: MakeAmbassador
) -> None:
    household = make_request(first_name="Amina")
    offers = {
        language: texts.offer_text(
            ambassador=make_ambassador(
                first_name="Erik", preferred_language=Language.objects.get(code=language)
            ),
            buddy_request=household,
            code=CODE,
            reasons={"minutes": 20, "interests": []},
        )[0]
        for language in ("sv", "en")
    }

    assert "JA 4821" in offers["sv"]
    assert "NEJ 4821" in offers["sv"]
    assert "YES 4821" in offers["en"]
    assert "NO 4821" in offers["en"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en", "ar", "uk"])
def test_the_words_the_texts_ask_for_are_the_words_we_understand(
    language: str, make_request: MakeRequest, make_ambassador: MakeAmbassador
) -> None:
    offer, _language = texts.offer_text(
        ambassador=make_ambassador(
            first_name="Erik", preferred_language=Language.objects.get(code=language)
        ),
        buddy_request=make_request(first_name="Amina"),
        code=CODE,
        reasons={"minutes": 20, "interests": []},
    )
    yes, no = YES_NO[language]
    accept = reply_parse(f"{yes} {CODE}")
    decline = reply_parse(f"{no} {CODE}")

    assert f"{yes} {CODE}" in offer
    assert f"{no} {CODE}" in offer
    assert (accept.intent, accept.code) == (Intent.ACCEPT, CODE)
    assert (decline.intent, decline.code) == (Intent.DECLINE, CODE)
    assert f"{yes} {CODES[0]}" in texts.which_code(codes=CODES, language=language)

    not_understood = texts.not_understood(language)
    assert HELP_WORDS[language] in not_understood
    assert HELP_WORDS[language] in texts.followup_thanks(choice=2, language=language)
    assert STOP_WORDS[language] in not_understood
    assert reply_parse(HELP_WORDS[language]).intent == Intent.HELP
    assert reply_parse(STOP_WORDS[language]).intent == Intent.STOP
    assert STOP_WORDS[language] in texts.help_text(contact=HELP_CONTACT, language=language)
    assert "START" in texts.stopped_text(language)
    assert reply_parse("START").intent == Intent.START
