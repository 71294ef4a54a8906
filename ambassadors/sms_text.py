"""What an SMS costs, how to keep it cheap, and when it may be sent.

Pure code (no Django) so the rules can be tested with plain strings and times.

An SMS carries 140 bytes. In the GSM 03.38 7-bit alphabet that is 160 characters
("septets"); a single character outside it switches the whole message to UCS-2,
70 UTF-16 code units. A longer message is sent in parts that each lose room to a
concatenation header: 153 septets or 67 units per part.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# The GSM 03.38 basic character set in code order, sixteen to a row. 0x1B is the
# escape to the extension table, not a character of its own.
_ESCAPE = "\x1b"
GSM7_BASIC_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_BASIC = frozenset(GSM7_BASIC_TABLE) - {_ESCAPE}
# Sent as the escape followed by a code, so each costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

_SINGLE_GSM7 = 160
_PART_GSM7 = 153
_SINGLE_UCS2 = 70
_PART_UCS2 = 67


@dataclass(frozen=True)
class Segments:
    """How a text travels: its encoding, its length in that encoding and its parts.

    `units` are septets for GSM-7 (an extension character costs 2) and UTF-16 code
    units for UCS-2 (a character outside the Basic Multilingual Plane costs 2).
    `count` is 0 for the empty text.
    """

    encoding: Literal["GSM-7", "UCS-2"]
    units: int
    count: int


def _parts(costs: Iterable[int], *, single: int, part: int) -> tuple[int, int]:
    """Return (units, parts), filling parts greedily and never splitting a character.

    A character that costs 2 (an escaped GSM-7 character, a UTF-16 surrogate pair)
    must travel whole, so a part can end one unit short and the count can exceed
    ceil(units / part).
    """
    units = 0
    count = 1
    used = 0
    for cost in costs:
        units += cost
        if used + cost > part:
            count += 1
            used = 0
        used += cost
    if units == 0:
        return 0, 0
    if units <= single:
        return units, 1
    return units, count


def segments(text: str) -> Segments:
    """Count the parts `text` is sent in, as a carrier (and Twilio's bill) counts them."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text):
        units, count = _parts(
            (2 if char in GSM7_EXTENSION else 1 for char in text),
            single=_SINGLE_GSM7,
            part=_PART_GSM7,
        )
        return Segments(encoding="GSM-7", units=units, count=count)
    # Measured per code point rather than with .encode("utf-16") so a lone
    # surrogate cannot make the counting raise.
    units, count = _parts(
        (2 if ord(char) > 0xFFFF else 1 for char in text),
        single=_SINGLE_UCS2,
        part=_PART_UCS2,
    )
    return Segments(encoding="UCS-2", units=units, count=count)


# Typographic characters that look like GSM-7 ones but are not: one of them forces
# the whole message to UCS-2, which more than doubles the number of parts (and so
# the price) of a long SMS. "\xa0" from a translation file is the usual culprit.
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACES += "\u202f\u205f\u3000"
_GSM7_LOOKALIKES: dict[int, str | None] = {
    **{ord(space): " " for space in _SPACES},
    # Zero-width space, BOM and word joiner: invisible and useless in a text. ZWNJ, ZWJ and the
    # direction marks stay: Arabic, Persian and emoji need them, and those texts are
    # UCS-2 anyway.
    0x200B: None,
    0xFEFF: None,
    0x2060: None,
    **{ord(quote): "'" for quote in "\u2018\u2019\u201a\u2032"},
    **{ord(quote): '"' for quote in "\u201c\u201d\u201e\u2033"},
    **{ord(dash): "-" for dash in "\u2013\u2014\u2212"},
    0x2026: "...",
    0x2022: "*",
}


def sms_clean(text: str) -> str:
    """Swap typographic look-alikes for GSM-7 characters and normalise to NFC.

    NFC turns an "é" typed as "e" plus a combining accent into the single GSM-7
    "é". It comes last so that it also joins what a removed zero-width character
    kept apart, which makes cleaning twice the same as cleaning once. Everything
    else (Arabic, Cyrillic, emoji) is left as it is.
    """
    return unicodedata.normalize("NFC", text.translate(_GSM7_LOOKALIKES))


_QUIET_HOURS_FORMAT = "Give quiet hours as HH:MM-HH:MM, e.g. 21:00-08:00."


def _clock(text: str) -> datetime.time:
    hours, colon, minutes = text.strip().partition(":")
    if not (
        colon
        and hours.isascii()
        and hours.isdigit()
        and len(hours) <= 2
        and minutes.isascii()
        and minutes.isdigit()
        and len(minutes) == 2
    ):
        raise ValueError(_QUIET_HOURS_FORMAT)
    try:
        return datetime.time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(_QUIET_HOURS_FORMAT) from None


@dataclass(frozen=True)
class QuietHours:
    """A daily stretch of wall-clock time in which nothing that can wait is sent.

    `start` is inside the quiet hours and `end` is not. When `end` is earlier than
    `start` the quiet hours run across midnight (21:00-08:00).
    """

    start: datetime.time
    end: datetime.time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """Read "21:00-08:00"; an empty text means no quiet hours (None).

        Raises ValueError, with a message fit to show, for anything else.
        """
        if not text.strip():
            return None
        start, dash, end = text.partition("-")
        if not dash:
            raise ValueError(_QUIET_HOURS_FORMAT)
        quiet = cls(start=_clock(start), end=_clock(end))
        if quiet.start == quiet.end:
            raise ValueError("Quiet hours must end at a different time than they start.")
        return quiet

    def contains(self, moment: datetime.time) -> bool:
        """Whether the wall-clock time `moment` falls in the quiet hours."""
        # An aware time cannot be compared with our naive ones; the wall clock is
        # what counts.
        moment = moment.replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def release(self, moment: datetime.datetime) -> datetime.datetime:
        """The first moment at or after `moment` that is outside the quiet hours.

        `moment` must be aware and in the zone whose wall clock the quiet hours
        follow (Europe/Stockholm); the answer is in the same zone. The end is built
        from the local date and wall time, so it stays 08:00 local on the days the
        clocks change.
        """
        if moment.tzinfo is None:
            raise ValueError("QuietHours.release needs an aware datetime.")
        wall = moment.time()
        if not self.contains(wall):
            return moment
        day = moment.date()
        if self.start > self.end and wall >= self.start:
            day += datetime.timedelta(days=1)
        released = datetime.datetime.combine(day, self.end, tzinfo=moment.tzinfo)
        # Only an end inside the hour the clocks go back can be reached before a
        # moment in its second pass; then the second pass is the one that counts.
        if released.timestamp() <= moment.timestamp():
            released = released.replace(fold=1)
        # The round trip turns an end that does not exist (inside the hour the
        # clocks skip) into a real time just after it, and leaves others as they are.
        released = released.astimezone(datetime.UTC).astimezone(moment.tzinfo)
        # A gap in the quiet hours that lies wholly inside the skipped hour does
        # not exist that day (02:00-02:15 on the last Sunday of March): the next
        # day's gap is the first.
        if self.contains(released.time()):
            return self.release(released)
        return released
