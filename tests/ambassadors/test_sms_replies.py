"""Reading SMS replies: yes or no to an offer, opt-outs, help, follow-up answers and
hotline shift swaps."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ambassadors.sms_replies import (
    ACCEPT_WORDS,
    DECLINE_WORDS,
    HELP_WORDS,
    START_WORDS,
    STOP_WORDS,
    SWAP_OFFER_WORDS,
    SWAP_TAKE_WORDS,
    Intent,
    Reply,
    reply_parse,
)

# The autouse fixtures of tests/conftest.py are function-scoped; these tests use none.
PURE = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JA 4821", Reply(Intent.ACCEPT, code="4821", word="ja")),
        ("ja4821", Reply(Intent.ACCEPT, code="4821", word="ja")),
        ("Ja, 4821", Reply(Intent.ACCEPT, code="4821", word="ja")),
        ("JA: 4821", Reply(Intent.ACCEPT, code="4821", word="ja")),
        ("  Ja 4821!  ", Reply(Intent.ACCEPT, code="4821", word="ja")),
        ("YES", Reply(Intent.ACCEPT, word="yes")),
        (" yes. ", Reply(Intent.ACCEPT, word="yes")),
        ("Ja!", Reply(Intent.ACCEPT, word="ja")),
        ("Ja tack", Reply(Intent.ACCEPT, word="ja", rest="tack")),
        ("نعم 4821", Reply(Intent.ACCEPT, code="4821", word="نعم")),
        ("ТАК 4821", Reply(Intent.ACCEPT, code="4821", word="так")),
        ("NO 4821", Reply(Intent.DECLINE, code="4821", word="no")),
        ("nej", Reply(Intent.DECLINE, word="nej")),
        ("ні 4821", Reply(Intent.DECLINE, code="4821", word="ні")),
        ("لا ٤٨٢١ مسافر", Reply(Intent.DECLINE, code="4821", word="لا", rest="مسافر")),
        ("no ۴۸۲۱", Reply(Intent.DECLINE, code="4821", word="no")),
        ("ＮＥＪ　４８２１", Reply(Intent.DECLINE, code="4821", word="nej")),
    ],
)
def test_an_answer_is_a_keyword_and_an_optional_code(text: str, expected: Reply) -> None:
    assert reply_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("NEJ 4821 jag är bortrest", "jag är bortrest"),
        ("Nej 4821, Jag Är Bortrest.", "Jag Är Bortrest."),
        ("nej 4821 - bortrest hela veckan", "bortrest hela veckan"),
        ("NEJ 4821:sjuk", "sjuk"),
        ("No 12 Sorry, I'm away 😞", "Sorry, I'm away 😞"),
    ],
)
def test_a_decline_keeps_its_reason_as_written(text: str, rest: str) -> None:
    reply = reply_parse(text)

    assert (reply.intent, reply.rest) == (Intent.DECLINE, rest)


def test_a_code_is_one_to_six_digits() -> None:
    assert reply_parse("ja 1").code == "1"
    assert reply_parse("ja 123456").code == "123456"
    assert reply_parse("ja 1234567") == Reply(Intent.UNKNOWN, rest="ja 1234567")


def test_a_keyword_must_be_a_whole_word() -> None:
    assert reply_parse("Jag kommer") == Reply(Intent.UNKNOWN, rest="Jag kommer")
    assert reply_parse("nobody") == Reply(Intent.UNKNOWN, rest="nobody")
    assert reply_parse("Jaha 4821").intent == Intent.UNKNOWN


def test_arabic_keywords_are_read_with_or_without_vowel_signs_and_ligatures() -> None:
    assert reply_parse("نَعَم 7").code == "7"
    assert reply_parse("نعـــم").intent == Intent.ACCEPT
    assert reply_parse("\ufefb 7") == Reply(Intent.DECLINE, code="7", word="لا")


@pytest.mark.parametrize(
    ("text", "intent", "word"),
    [
        ("STOP", Intent.STOP, "stop"),
        ("Stopp!", Intent.STOP, "stopp"),
        (" avsluta. ", Intent.STOP, "avsluta"),
        ("STOPALL", Intent.STOP, "stopall"),
        ("unsubscribe", Intent.STOP, "unsubscribe"),
        ("Cancel", Intent.STOP, "cancel"),
        ("END", Intent.STOP, "end"),
        ("quit", Intent.STOP, "quit"),
        ("REVOKE", Intent.STOP, "revoke"),
        ("OptOut", Intent.STOP, "optout"),
        ("START", Intent.START, "start"),
        ("unstop", Intent.START, "unstop"),
        ("HELP", Intent.HELP, "help"),
        ("Hjälp?", Intent.HELP, "hjälp"),
        ("HJA\u0308LP", Intent.HELP, "hjälp"),
        ("info", Intent.HELP, "info"),
        ("مساعدة", Intent.HELP, "مساعدة"),
        ("Допомога", Intent.HELP, "допомога"),
    ],
)
def test_an_opt_out_opt_in_or_help_keyword_alone_is_understood(
    text: str, intent: Intent, word: str
) -> None:
    assert reply_parse(text) == Reply(intent, word=word)


@pytest.mark.parametrize("text", ["stop 4821", "stopp nu", "Please stop", "help me", "start 2"])
def test_a_keyword_in_a_sentence_is_not_an_opt_out(text: str) -> None:
    assert reply_parse(text) == Reply(Intent.UNKNOWN, rest=text)


@pytest.mark.parametrize(
    "text", ["No problem, I will be there", "Yes but only after Christmas", "nej men kanske i vår"]
)
def test_a_sentence_that_starts_with_an_answer_word_but_has_no_code_is_not_an_answer(
    text: str,
) -> None:
    assert reply_parse(text) == Reply(Intent.UNKNOWN, rest=text)


def test_yes_alone_is_an_answer_without_a_code_for_the_caller_to_place() -> None:
    assert reply_parse("YES") == Reply(Intent.ACCEPT, word="yes")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BYT 12", Reply(Intent.SWAP_OFFER, code="12", word="byt")),
        ("byt12", Reply(Intent.SWAP_OFFER, code="12", word="byt")),
        (
            "Byt: 12, jag är sjuk",
            Reply(Intent.SWAP_OFFER, code="12", word="byt", rest="jag är sjuk"),
        ),
        ("SWAP 12", Reply(Intent.SWAP_OFFER, code="12", word="swap")),
        ("تبديل ١٢", Reply(Intent.SWAP_OFFER, code="12", word="تبديل")),
        ("ОБМІН 12", Reply(Intent.SWAP_OFFER, code="12", word="обмін")),
        ("TA 12", Reply(Intent.SWAP_TAKE, code="12", word="ta")),
        ("Ta 12 tack!", Reply(Intent.SWAP_TAKE, code="12", word="ta", rest="tack!")),
        ("take 12", Reply(Intent.SWAP_TAKE, code="12", word="take")),
        ("أخذ 12", Reply(Intent.SWAP_TAKE, code="12", word="اخذ")),
        ("اخذ 12", Reply(Intent.SWAP_TAKE, code="12", word="اخذ")),
        ("آخذ ۱۲", Reply(Intent.SWAP_TAKE, code="12", word="اخذ")),
        ("Беру 12", Reply(Intent.SWAP_TAKE, code="12", word="беру")),
    ],
)
def test_a_swap_is_a_swap_word_and_a_shift_number(text: str, expected: Reply) -> None:
    assert reply_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BYT", Reply(Intent.SWAP_OFFER, word="byt")),
        (" swap? ", Reply(Intent.SWAP_OFFER, word="swap")),
        ("Ta!", Reply(Intent.SWAP_TAKE, word="ta")),
    ],
)
def test_a_swap_word_alone_asks_which_shift(text: str, expected: Reply) -> None:
    assert reply_parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ta det lugnt",
        "take care",
        "ta hand om dig 12",
        "Tack 12",
        "Tar 12",
        "byte 12",
        "swapping 12",
        "ta 1234567",
    ],
)
def test_a_swap_word_in_a_sentence_or_inside_another_word_is_not_a_swap(text: str) -> None:
    assert reply_parse(text) == Reply(Intent.UNKNOWN, rest=text)


def test_the_ukrainian_yes_is_not_read_as_the_swedish_take() -> None:
    assert reply_parse("так 12") == Reply(Intent.ACCEPT, code="12", word="так")
    assert reply_parse("ta 12").intent == Intent.SWAP_TAKE


@pytest.mark.parametrize(
    ("text", "choice", "rest"),
    [
        ("1", 1, ""),
        ("2", 2, ""),
        (" 3. ", 3, ""),
        ("3 vi behöver en ny", 3, "vi behöver en ny"),
        ("2) Det gick bra!", 2, "Det gick bra!"),
        ("۳ خوب بود", 3, "خوب بود"),
        ("١", 1, ""),
    ],
)
def test_a_follow_up_answer_is_a_digit_and_an_optional_comment(
    text: str, choice: int, rest: str
) -> None:
    assert reply_parse(text) == Reply(Intent.FOLLOWUP, choice=choice, rest=rest)


@pytest.mark.parametrize("text", ["0", "4", "9", "12", "4821", "3.5", "3vi", "1234567"])
def test_any_other_number_is_not_understood(text: str) -> None:
    assert reply_parse(text) == Reply(Intent.UNKNOWN, rest=text)


@pytest.mark.parametrize("text", ["", "   ", "Hej!", "🙂", "Vem är det?"])
def test_anything_else_is_unknown_with_the_text_kept(text: str) -> None:
    assert reply_parse(text) == Reply(Intent.UNKNOWN, rest=text.strip())


def test_the_keyword_sets_are_casefolded_and_do_not_overlap() -> None:
    sets = [
        ACCEPT_WORDS,
        DECLINE_WORDS,
        STOP_WORDS,
        START_WORDS,
        HELP_WORDS,
        SWAP_OFFER_WORDS,
        SWAP_TAKE_WORDS,
    ]
    words = [word for keywords in sets for word in keywords]

    assert len(words) == len(set(words))
    assert all(word == unicodedata.normalize("NFKC", word).casefold() for word in words)


def reasons() -> st.SearchStrategy[str]:
    # A reason as the parser returns it: stripped, and starting with a letter so it
    # cannot be read as more of the code or as punctuation after it.
    letter = st.characters(categories=["Lu", "Ll", "Lo"])
    return st.builds(lambda first, more: (first + more).strip(), letter, st.text(max_size=80))


@PURE
@given(
    st.sampled_from(sorted(ACCEPT_WORDS)),
    st.integers(1, 999_999),
    reasons(),
    st.sampled_from([" ", ", ", ": ", " - ", "\n"]),
)
def test_an_accept_with_a_code_and_a_reason_keeps_both(
    keyword: str, code: int, reason: str, separator: str
) -> None:
    reply = reply_parse(f"{keyword.upper()} {code}{separator}{reason}")

    assert reply == Reply(Intent.ACCEPT, code=str(code), rest=reason, word=keyword)


@PURE
@given(st.sampled_from(sorted(DECLINE_WORDS)), st.integers(1, 999_999), reasons())
def test_a_decline_with_a_code_and_a_reason_keeps_both(
    keyword: str, code: int, reason: str
) -> None:
    assert reply_parse(f"{keyword} {code} {reason}") == Reply(
        Intent.DECLINE, code=str(code), rest=reason, word=keyword
    )


@PURE
@given(st.text())
def test_parsing_never_raises_and_always_keeps_to_its_shape(text: str) -> None:
    reply = reply_parse(text)

    assert reply.intent in Intent
    assert reply.code is None or (reply.code.isascii() and 1 <= len(reply.code) <= 6)
    assert reply.code is None or reply.code.isdigit()
    assert (reply.choice is not None) == (reply.intent == Intent.FOLLOWUP)
    assert reply.choice in (None, 1, 2, 3)
    assert reply.rest == reply.rest.strip()


@PURE
@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=7))
def test_digits_in_any_script_read_as_the_same_code(digits: str) -> None:
    reply = reply_parse(f"ja {digits}")

    if len(digits) <= 6:
        assert reply.code == "".join(str(unicodedata.decimal(digit)) for digit in digits)
    else:
        assert reply.intent == Intent.UNKNOWN


@PURE
@given(
    st.sampled_from(sorted(SWAP_OFFER_WORDS | SWAP_TAKE_WORDS)), st.integers(1, 999_999), reasons()
)
def test_a_swap_with_a_number_and_a_comment_keeps_both(
    keyword: str, number: int, comment: str
) -> None:
    intent = Intent.SWAP_OFFER if keyword in SWAP_OFFER_WORDS else Intent.SWAP_TAKE

    assert reply_parse(f"{keyword.upper()} {number} {comment}") == Reply(
        intent, code=str(number), rest=comment, word=keyword
    )
