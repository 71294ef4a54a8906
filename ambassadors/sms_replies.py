"""What a person meant by the SMS they sent back.

Pure code (no Django) so the rules can be tested with plain strings. Replies come
from phones set to Swedish, English, Arabic, Persian or Ukrainian keyboards, so
keywords are compared after NFKC and casefolding and digits in any script count.

Hotline volunteers also swap shifts by text, with the shift's number:

    offer ("I can't, who takes it?")   BYT 12   SWAP 12   تبديل 12   ОБМІН 12
    take ("I'll take it")              TA 12    TAKE 12   أخذ 12     БЕРУ 12

The Arabic words are "exchange" and "taking", the Ukrainian ones "exchange" and
"I take". Arabic is read with or without the hamza or madda on its alef.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    STOP = "stop"
    START = "start"
    HELP = "help"
    FOLLOWUP = "followup"
    SWAP_OFFER = "swap_offer"
    SWAP_TAKE = "swap_take"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reply:
    """A parsed reply.

    - code: the digits after an accept, decline or swap keyword, in ASCII ("4821");
      None after a swap keyword sent alone ("BYT"), which asks which shift.
    - choice: 1, 2 or 3 for a follow-up answer.
    - rest: the free text after the keyword, code or choice, as the person wrote it
      (a decline reason); the whole text, stripped, when the intent is unknown.
    - word: the keyword, casefolded ("ja", "stopp", "byt"); empty for follow-ups
      and unknown replies.
    """

    intent: Intent
    code: str | None = None
    choice: int | None = None
    rest: str = ""
    word: str = ""


ACCEPT_WORDS = frozenset({"ja", "yes", "نعم", "так"})
DECLINE_WORDS = frozenset({"nej", "no", "لا", "ні"})
# Twilio's default opt-out words and the Swedish ones. Like Twilio, they count only
# as the whole message: "stopp nu" is a sentence, not an opt-out.
STOP_WORDS = frozenset(
    {
        "stop",
        "stopp",
        "avsluta",
        "stopall",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "revoke",
        "optout",
    }
)
# Twilio also opts a number back in on YES; that reply parses as ACCEPT without a
# code and the caller decides what it means.
START_WORDS = frozenset({"start", "unstop"})
HELP_WORDS = frozenset({"help", "hjälp", "info", "مساعدة", "допомога"})
# Stored as `_fold` leaves them: the Arabic alef without its hamza.
SWAP_OFFER_WORDS = frozenset({"byt", "swap", "تبديل", "обмін"})
SWAP_TAKE_WORDS = frozenset({"ta", "take", "اخذ", "беру"})

_ALONE = {
    **{word: Intent.STOP for word in STOP_WORDS},
    **{word: Intent.START for word in START_WORDS},
    **{word: Intent.HELP for word in HELP_WORDS},
}
_ANSWER = {
    **{word: Intent.ACCEPT for word in ACCEPT_WORDS},
    **{word: Intent.DECLINE for word in DECLINE_WORDS},
}
_SWAP = {
    **{word: Intent.SWAP_OFFER for word in SWAP_OFFER_WORDS},
    **{word: Intent.SWAP_TAKE for word in SWAP_TAKE_WORDS},
}
_MAX_CODE = 6
_MAX_WORDS_WITHOUT_CODE = 2
_CHOICES = (1, 2, 3)
# Dropped from the start of the free text: what people put between a code and a
# reason ("NEJ 4821: bortrest", "NEJ 4821 - bortrest").
_LEADERS = ",.:;!?-\u2013\u2014"
# Written after a follow-up digit by people numbering their answer ("3) ...").
_CHOICE_MARKS = ".):,"
# Arabic tatweel stretches a word for looks; it is not a letter.
_TATWEEL = "\u0640"
# Phones write "أخذ" or "اخذ" as the keyboard or the writer likes: the alef's
# hamza or madda does not tell words apart here.
_BARE_ALEF = str.maketrans({"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627"})


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Mc", "Me")


def _is_letter(char: str) -> bool:
    # Combining marks belong to the word they sit on: Arabic vowel signs, or an
    # "ä" typed as "a" plus a diaeresis.
    return char.isalpha() or _is_mark(char)


def _is_filler(char: str) -> bool:
    """Whitespace, punctuation, symbols and emoji: what surrounds the words that count."""
    return not (_is_letter(char) or char.isdecimal())


def _fold(word: str) -> str:
    """The form keywords are compared in: NFKC, casefolded, without marks or tatweel."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", word).casefold())
    bare = folded.translate(_BARE_ALEF)
    return "".join(char for char in bare if not _is_mark(char) and char != _TATWEEL)


def _ascii_digits(digits: str) -> str:
    # Every Unicode decimal digit (Arabic-Indic, Persian, fullwidth ...) has a value.
    return "".join(str(unicodedata.decimal(char)) for char in digits)


def _skip(text: str, start: int, accept: str | None = None) -> int:
    """The index of the first character from `start` that is not filler (or not in `accept`)."""
    index = start
    while index < len(text) and (
        _is_filler(text[index]) if accept is None else text[index] in accept
    ):
        index += 1
    return index


def _run(text: str, start: int, *, digits: bool) -> int:
    """The end of the run of letters (or decimal digits) that begins at `start`."""
    index = start
    while index < len(text) and (text[index].isdecimal() if digits else _is_letter(text[index])):
        index += 1
    return index


def _rest(text: str, start: int) -> str:
    return text[start:].strip().lstrip(_LEADERS).strip()


def reply_parse(text: str) -> Reply:
    """Read a reply; never raises.

    Understood: an accept or decline keyword with an optional code and reason
    ("NEJ 4821 jag är bortrest"), a swap keyword with a shift number ("TA 12 tack")
    or alone, a follow-up choice 1-3 with an optional comment, and an opt-out,
    opt-in or help keyword as the whole message.
    """
    stripped = text.strip()
    start = _skip(stripped, 0)
    word_end = _run(stripped, start, digits=False)

    if word_end > start:
        word = _fold(stripped[start:word_end])
        if word in _ALONE and _skip(stripped, word_end) == len(stripped):
            return Reply(intent=_ALONE[word], word=word)
        if word in _ANSWER:
            code_start = _skip(stripped, word_end)
            code_end = _run(stripped, code_start, digits=True)
            if code_end == code_start:
                rest = _rest(stripped, word_end)
                # "Ja tack" is an answer; "No problem, I'll be there" is not a
                # decline. Without a code, only a word or two may follow.
                if len(rest.split()) > _MAX_WORDS_WITHOUT_CODE:
                    return Reply(intent=Intent.UNKNOWN, rest=stripped)
                return Reply(intent=_ANSWER[word], word=word, rest=rest)
            if code_end - code_start <= _MAX_CODE:
                return Reply(
                    intent=_ANSWER[word],
                    word=word,
                    code=_ascii_digits(stripped[code_start:code_end]),
                    rest=_rest(stripped, code_end),
                )
            # Too long for a code (a phone number?): better unknown than a guess.
        if word in _SWAP:
            return _swap(stripped, word, word_end)
        return Reply(intent=Intent.UNKNOWN, rest=stripped)

    digits_end = _run(stripped, start, digits=True)
    if digits_end == start + 1:
        choice = unicodedata.decimal(stripped[start])
        after = _skip(stripped, digits_end, _CHOICE_MARKS)
        alone = _skip(stripped, digits_end) == len(stripped)
        if choice in _CHOICES and (alone or stripped[after].isspace()):
            return Reply(
                intent=Intent.FOLLOWUP,
                choice=choice,
                rest="" if alone else _rest(stripped, after),
            )
    return Reply(intent=Intent.UNKNOWN, rest=stripped)


def _swap(text: str, word: str, word_end: int) -> Reply:
    """A swap keyword: with a number, or alone to ask which shift.

    "Ta det lugnt" and "take care" are sentences, not swaps: without a number
    nothing may follow the keyword.
    """
    code_start = _skip(text, word_end)
    code_end = _run(text, code_start, digits=True)
    if code_end == code_start:
        if code_start == len(text):
            return Reply(intent=_SWAP[word], word=word)
        return Reply(intent=Intent.UNKNOWN, rest=text)
    if code_end - code_start > _MAX_CODE:
        return Reply(intent=Intent.UNKNOWN, rest=text)
    return Reply(
        intent=_SWAP[word],
        word=word,
        code=_ascii_digits(text[code_start:code_end]),
        rest=_rest(text, code_end),
    )
