"""The texts of meetups fit in three SMS parts and ask for the words we understand."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest

from ambassadors.sms_replies import Intent, reply_parse
from ambassadors.sms_text import Segments, segments, sms_clean
from events import texts
from events.models import Event, Invitation

LANGUAGES = ["sv", "en", "ar", "uk"]
CODE = 57
# Sixty characters, the longest title we plan for, in each language's script.
TITLES = {
    "sv": "Nätverksträff: fika och samtal om jobb på biblioteket i Berg",
    "en": "Network meetup with coffee and talk about jobs at the museum",
    "ar": "لقاء الشبكة مع القهوة والحديث عن العمل في مكتبة المدينة مساء",
    "uk": "Зустріч мережі з кавою і розмовою про працю в бібліотеці Оре",
}
# Forty characters, the longest address we plan for.
ADDRESS = "Kulturhuset Hov, Storgatan 15, Östersund"
LINK = "https://welcome.regionjh.se/events/i/12345-0123456789abcdef01234567/"
# (start, deadline of a place offer): Thursday 3 December ("tors 3 dec 18:00"), and
# a two-digit day with the longest names, Wednesday 16 December ("أربعاء 16 ديسمبر").
MOMENTS = {
    "thursday": (
        datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 17, 0, tzinfo=UTC),
    ),
    "longest": (
        datetime(2026, 12, 16, 17, 0, tzinfo=UTC),
        datetime(2026, 12, 15, 17, 0, tzinfo=UTC),
    ),
}
# The words each language's texts tell people to type.
YES_NO = {"sv": ("JA", "NEJ"), "en": ("YES", "NO"), "ar": ("نعم", "لا"), "uk": ("ТАК", "НІ")}


def longest_event(starts_at: datetime) -> Event:
    return Event(
        **{f"title_{language}": title for language, title in TITLES.items()},
        starts_at=starts_at,
        code=CODE,
        address=ADDRESS,
    )


def all_texts(*, language: str, moment: str = "thursday") -> dict[str, str]:
    """Every template of events/texts.py, rendered for a reader of `language`."""
    starts_at, until = MOMENTS[moment]
    event = longest_event(starts_at)
    return {
        "invitation_text": texts.invitation_text(event=event, link=LINK, language=language),
        "place_offer_text": texts.place_offer_text(
            event=event, link=LINK, until=until, language=language
        ),
        "reminder_text": texts.reminder_text(event=event, link=LINK, language=language),
        "changed_text": texts.changed_text(event=event, link=LINK, language=language),
        "meeting_text": texts.meeting_text(event=event, link=LINK, language=language),
        "cancelled_text": texts.cancelled_text(event=event, language=language),
        **{
            f"answer_text {status}": texts.answer_text(
                event=event, status=status, language=language
            )
            for status in Invitation.Status
        },
    }


def test_every_template_is_rendered_here() -> None:
    # A new template in events/texts.py must join the length checks below.
    templates = {
        name
        for name, function in inspect.getmembers(texts, inspect.isfunction)
        if function.__module__ == texts.__name__ and name.endswith("_text")
    }

    rendered = {name.split()[0] for name in all_texts(language="en")}
    assert rendered == templates


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_fits_in_three_parts_with_the_longest_values(language: str, moment: str) -> None:
    rendered = all_texts(language=language, moment=moment)
    parts = {name: segments(sms_clean(text)) for name, text in rendered.items()}

    too_long: dict[str, tuple[Segments, str]] = {
        name: (parts[name], text) for name, text in rendered.items() if parts[name].count > 3
    }
    assert too_long == {}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_swedish_or_english_text_stays_gsm7(language: str) -> None:
    # One typographic quote or non-breaking space in a translation would double the price.
    rendered = all_texts(language=language)

    encodings = {name: segments(text).encoding for name, text in rendered.items()}
    assert set(encodings.values()) == {"GSM-7"}


def test_the_swedish_invitation_asks_for_ja_or_nej() -> None:
    invitation = all_texts(language="sv")["invitation_text"]

    assert "JA 57" in invitation
    assert "NEJ 57" in invitation


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_words_the_texts_ask_for_are_the_words_we_understand(language: str) -> None:
    rendered = all_texts(language=language)
    yes, no = (f"{word} {CODE}" for word in YES_NO[language])

    assert yes in rendered["invitation_text"]
    assert no in rendered["invitation_text"]
    assert yes in rendered["place_offer_text"]
    assert no in rendered["reminder_text"]
    accept = reply_parse(yes)
    decline = reply_parse(no)
    assert (accept.intent, accept.code) == (Intent.ACCEPT, "57")
    assert (decline.intent, decline.code) == (Intent.DECLINE, "57")
