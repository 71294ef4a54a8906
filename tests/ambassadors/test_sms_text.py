"""SMS parts and encodings, cleaning typography, and quiet hours across the DST changes."""

from __future__ import annotations

import datetime
import math
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ambassadors.sms_text import (
    GSM7_BASIC,
    GSM7_BASIC_TABLE,
    GSM7_EXTENSION,
    QuietHours,
    Segments,
    segments,
    sms_clean,
)

# The autouse fixtures of tests/conftest.py are function-scoped; these tests use none.
PURE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = datetime.UTC

# The GSM 03.38 basic table as Unicode code points, in code order, as in the Unicode
# consortium's GSM0338.TXT; None at 0x1B, the escape.
STANDARD_BASIC = [
    *[0x40, 0xA3, 0x24, 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, 0x0A, 0xD8, 0xF8, 0x0D],
    *[0xC5, 0xE5, 0x394, 0x5F, 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398],
    *[0x39E, None, 0xC6, 0xE6, 0xDF, 0xC9],
    *[0x20, 0x21, 0x22, 0x23, 0xA4, *range(0x25, 0x40)],
    *[0xA1, *range(0x41, 0x5B), 0xC4, 0xD6, 0xD1, 0xDC, 0xA7],
    *[0xBF, *range(0x61, 0x7B), 0xE4, 0xF6, 0xF1, 0xFC, 0xE0],
]
STANDARD_EXTENSION = {0x0C, 0x5E, 0x7B, 0x7D, 0x5C, 0x5B, 0x7E, 0x5D, 0x7C, 0x20AC}

BASIC = sorted(GSM7_BASIC)
GSM = sorted(GSM7_BASIC | GSM7_EXTENSION)
# Outside GSM-7 and inside the Basic Multilingual Plane: one UTF-16 unit each.
NOT_GSM = st.characters(
    max_codepoint=0xFFFF, exclude_categories=["Cs"], exclude_characters="".join(GSM)
)
EMOJI = "\N{GRINNING FACE}"


def gsm_text(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=BASIC, min_size=length, max_size=length)


def ucs2_text(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=NOT_GSM, min_size=length, max_size=length)


def test_the_basic_table_is_the_standard_one() -> None:
    assert len(GSM7_BASIC_TABLE) == 128
    assert [None if char == "\x1b" else ord(char) for char in GSM7_BASIC_TABLE] == STANDARD_BASIC
    assert len(GSM7_BASIC) == 127


def test_the_extension_table_is_the_standard_one() -> None:
    assert {ord(char) for char in GSM7_EXTENSION} == STANDARD_EXTENSION
    assert not GSM7_BASIC & GSM7_EXTENSION


def test_an_empty_text_is_no_parts() -> None:
    assert segments("") == Segments(encoding="GSM-7", units=0, count=0)


@PURE
@given(st.text(alphabet=BASIC, min_size=1, max_size=160))
def test_any_gsm_text_up_to_160_septets_is_one_part(text: str) -> None:
    assert segments(text) == Segments(encoding="GSM-7", units=len(text), count=1)


@pytest.mark.parametrize(
    ("length", "count"), [(160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)]
)
@PURE
@given(data=st.data())
def test_long_gsm_texts_are_sent_in_parts_of_153_septets(
    length: int, count: int, data: st.DataObject
) -> None:
    text = data.draw(gsm_text(length))

    assert segments(text) == Segments(encoding="GSM-7", units=length, count=count)


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_an_extension_character_costs_two_septets(char: str) -> None:
    assert segments(char) == Segments(encoding="GSM-7", units=2, count=1)
    assert segments(char * 80).count == 1
    assert segments(char * 81) == Segments(encoding="GSM-7", units=162, count=2)


def test_an_extension_character_is_never_split_across_parts() -> None:
    # 306 septets would fit two parts of 153, but the euro sign cannot start in the
    # last septet of the first part, so that part carries only 152.
    text = "a" * 152 + "€" + "a" * 152

    assert segments(text) == Segments(encoding="GSM-7", units=306, count=3)
    assert math.ceil(306 / 153) == 2


def test_an_extension_character_that_fits_stays_in_its_part() -> None:
    assert segments("a" * 151 + "€" + "a" * 153).count == 2


def test_a_lowercase_c_cedilla_forces_ucs2_because_the_table_has_only_the_capital() -> None:
    assert segments("Ç").encoding == "GSM-7"
    assert segments("ç").encoding == "UCS-2"


@PURE
@given(st.text(alphabet=GSM, max_size=400), NOT_GSM, st.data())
def test_one_character_outside_gsm7_anywhere_makes_the_whole_text_ucs2(
    text: str, other: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(text)))

    parts = segments(text[:at] + other + text[at:])

    assert parts.encoding == "UCS-2"
    assert parts.units == len(text) + 1


@pytest.mark.parametrize(
    ("length", "count"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
@PURE
@given(data=st.data())
def test_ucs2_texts_are_one_part_up_to_70_units_then_parts_of_67(
    length: int, count: int, data: st.DataObject
) -> None:
    text = data.draw(ucs2_text(length))

    assert segments(text) == Segments(encoding="UCS-2", units=length, count=count)


def test_an_emoji_counts_two_units() -> None:
    assert segments(EMOJI) == Segments(encoding="UCS-2", units=2, count=1)
    assert segments(EMOJI * 35).count == 1
    assert segments(EMOJI * 36) == Segments(encoding="UCS-2", units=72, count=2)


def test_an_emoji_is_never_split_across_parts() -> None:
    # 134 units would fit two parts of 67, but the surrogate pair cannot start in
    # the last unit of the first part.
    text = "ж" * 66 + EMOJI + "ж" * 66

    assert segments(text) == Segments(encoding="UCS-2", units=134, count=3)


def test_a_lone_surrogate_is_counted_rather_than_raising() -> None:
    assert segments("a\ud800") == Segments(encoding="UCS-2", units=2, count=1)


@PURE
@given(st.text(max_size=500), st.characters(exclude_categories=["Cs"]))
def test_appending_a_character_never_lowers_the_count(text: str, char: str) -> None:
    assert segments(text + char).count >= segments(text).count


@PURE
@given(st.text(alphabet=GSM, min_size=1, max_size=800))
def test_gsm_parts_are_full_but_for_at_most_one_septet(text: str) -> None:
    parts = segments(text)

    assert parts.units == sum(2 if char in GSM7_EXTENSION else 1 for char in text)
    if parts.units > 160:
        assert math.ceil(parts.units / 153) <= parts.count <= math.ceil(parts.units / 152)


@PURE
@given(st.text(min_size=1, max_size=400).filter(lambda text: segments(text).encoding == "UCS-2"))
def test_ucs2_parts_are_full_but_for_at_most_one_unit(text: str) -> None:
    parts = segments(text)

    assert parts.units == len(text.encode("utf-16-le")) // 2
    if parts.units > 70:
        assert math.ceil(parts.units / 67) <= parts.count <= math.ceil(parts.units / 66)


@pytest.mark.parametrize(
    ("typographic", "plain"),
    [
        ("\u00a0", " "),
        ("\u2000", " "),
        ("\u2007", " "),
        ("\u200a", " "),
        ("\u202f", " "),
        ("\u205f", " "),
        ("\u3000", " "),
        ("\u2018", "'"),
        ("\u2019", "'"),
        ("\u201a", "'"),
        ("\u2032", "'"),
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u201e", '"'),
        ("\u2033", '"'),
        ("\u2013", "-"),
        ("\u2014", "-"),
        ("\u2212", "-"),
        ("\u2026", "..."),
        ("\u2022", "*"),
        ("\u200b", ""),
        ("\ufeff", ""),
        ("\u2060", ""),
    ],
)
def test_cleaning_replaces_typography_that_would_force_ucs2(typographic: str, plain: str) -> None:
    assert sms_clean(f"Hej{typographic}då") == f"Hej{plain}då"


def test_a_no_break_space_would_double_the_parts_of_a_long_text() -> None:
    text = "Välkommen till träffen på lördag," + "\u00a0" + "ta med en vän! " * 8

    assert segments(text).count == 3
    assert segments(sms_clean(text)) == Segments(encoding="GSM-7", units=len(text), count=1)


def test_cleaning_composes_accents_typed_as_two_characters() -> None:
    assert sms_clean("Cafe\u0301 A\u030angermanland") == "Café Ångermanland"
    assert segments(sms_clean("Cafe\u0301")).encoding == "GSM-7"


def test_cleaning_keeps_the_joiners_and_marks_other_scripts_need() -> None:
    persian = "می\u200cخواهم \u200f۱۲\u200e 👨\u200d👩\u200d👧"

    assert sms_clean(persian) == persian


@pytest.mark.parametrize(
    "text", ["مرحبا، نلتقي يوم السبت", "Привіт! Зустрічаємось у суботу", "Ses på lördag 🎉"]
)
def test_cleaning_leaves_other_scripts_and_emoji_alone(text: str) -> None:
    assert sms_clean(text) == text


@PURE
@given(
    st.text(
        alphabet=[*GSM, *"\u00a0\u2009\u202f\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022"]
        + ["\u200b", "\ufeff", "\u2060", "\u2212", "\u2032", "\u2033"],
        max_size=300,
    )
)
def test_text_that_is_gsm7_but_for_typography_is_gsm7_once_cleaned(text: str) -> None:
    assert segments(sms_clean(text)).encoding == "GSM-7"


@PURE
@given(st.text(max_size=200))
def test_cleaning_twice_is_cleaning_once(text: str) -> None:
    assert sms_clean(sms_clean(text)) == sms_clean(text)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_no_quiet_hours_is_an_empty_setting(text: str) -> None:
    assert QuietHours.parse(text) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("21:00-08:00", datetime.time(21), datetime.time(8)),
        ("12:00-13:30", datetime.time(12), datetime.time(13, 30)),
        (" 22:15 - 7:45 ", datetime.time(22, 15), datetime.time(7, 45)),
        ("00:00-06:00", datetime.time(0), datetime.time(6)),
    ],
)
def test_quiet_hours_are_read_from_hh_mm_hh_mm(
    text: str, start: datetime.time, end: datetime.time
) -> None:
    assert QuietHours.parse(text) == QuietHours(start=start, end=end)


@pytest.mark.parametrize(
    "text",
    [
        "21-08",
        "21:00",
        "21:00-",
        "-08:00",
        "21:00/08:00",
        "21.00-08.00",
        "24:00-08:00",
        "21:60-08:00",
        "21:0-08:00",
        "121:00-08:00",
        "21:00-08:00-09:00",
        "nine to eight",
        "٢١:٠٠-٠٨:٠٠",
        "off",
    ],
)
def test_quiet_hours_in_another_form_are_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Give quiet hours as HH:MM-HH:MM, e\.g\. 21:00-08:00"):
        QuietHours.parse(text)


def test_quiet_hours_that_end_when_they_start_are_refused() -> None:
    with pytest.raises(ValueError, match="different time"):
        QuietHours.parse("08:00-08:00")


NIGHT = QuietHours(start=datetime.time(21), end=datetime.time(8))
LUNCH = QuietHours(start=datetime.time(12), end=datetime.time(13))


@pytest.mark.parametrize(
    ("quiet", "moment", "inside"),
    [
        (NIGHT, datetime.time(21), True),
        (NIGHT, datetime.time(23, 59, 59), True),
        (NIGHT, datetime.time(0), True),
        (NIGHT, datetime.time(7, 59, 59), True),
        (NIGHT, datetime.time(8), False),
        (NIGHT, datetime.time(12), False),
        (NIGHT, datetime.time(20, 59, 59), False),
        (LUNCH, datetime.time(12), True),
        (LUNCH, datetime.time(12, 59), True),
        (LUNCH, datetime.time(13), False),
        (LUNCH, datetime.time(11, 59), False),
        (LUNCH, datetime.time(0), False),
    ],
)
def test_quiet_hours_include_their_start_and_not_their_end(
    quiet: QuietHours, moment: datetime.time, inside: bool
) -> None:
    assert quiet.contains(moment) is inside


def test_quiet_hours_read_an_aware_time_by_its_wall_clock() -> None:
    assert NIGHT.contains(datetime.time(22, tzinfo=UTC))
    assert not NIGHT.contains(datetime.time(9, tzinfo=UTC))


def stockholm(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def test_a_text_written_late_in_the_evening_waits_for_the_next_morning() -> None:
    assert NIGHT.release(stockholm(2026, 5, 4, 23, 30)) == stockholm(2026, 5, 5, 8)
    assert NIGHT.release(stockholm(2026, 5, 4, 21)) == stockholm(2026, 5, 5, 8)


def test_a_text_written_early_in_the_morning_waits_until_eight_the_same_day() -> None:
    assert NIGHT.release(stockholm(2026, 5, 5, 7, 59)) == stockholm(2026, 5, 5, 8)
    assert NIGHT.release(stockholm(2026, 5, 5, 0, 0)) == stockholm(2026, 5, 5, 8)


@pytest.mark.parametrize(
    "written",
    [stockholm(2026, 5, 5, 8), stockholm(2026, 5, 5, 14, 10), stockholm(2026, 5, 5, 20, 59)],
)
def test_a_text_written_outside_quiet_hours_goes_at_once(written: datetime.datetime) -> None:
    assert NIGHT.release(written) is written


def test_quiet_hours_within_a_day_end_the_same_day() -> None:
    assert LUNCH.release(stockholm(2026, 5, 5, 12, 30)) == stockholm(2026, 5, 5, 13)


@pytest.mark.parametrize(
    ("written", "released_utc"),
    [
        # The clocks go forward at 02:00 on 29 March 2026: 08:00 is CEST, UTC+2.
        (stockholm(2026, 3, 28, 23, 30), datetime.datetime(2026, 3, 29, 6, tzinfo=UTC)),
        (stockholm(2026, 3, 29, 1, 30), datetime.datetime(2026, 3, 29, 6, tzinfo=UTC)),
        (stockholm(2026, 3, 29, 7, 59), datetime.datetime(2026, 3, 29, 6, tzinfo=UTC)),
        # The clocks go back at 03:00 on 25 October 2026: 08:00 is CET, UTC+1.
        (stockholm(2026, 10, 24, 23, 30), datetime.datetime(2026, 10, 25, 7, tzinfo=UTC)),
        (stockholm(2026, 10, 25, 2, 30), datetime.datetime(2026, 10, 25, 7, tzinfo=UTC)),
        (stockholm(2026, 10, 25, 7, 59), datetime.datetime(2026, 10, 25, 7, tzinfo=UTC)),
    ],
)
def test_quiet_hours_end_at_eight_local_time_on_the_days_the_clocks_change(
    written: datetime.datetime, released_utc: datetime.datetime
) -> None:
    released = NIGHT.release(written)

    assert released.astimezone(UTC) == released_utc
    assert (released.tzinfo, released.hour, released.minute) == (STOCKHOLM, 8, 0)


def test_the_night_before_the_clocks_go_forward_is_an_hour_shorter() -> None:
    written = stockholm(2026, 3, 28, 23, 30)

    assert NIGHT.release(written).timestamp() - written.timestamp() == 7.5 * 3600


def test_a_text_written_in_the_repeated_hour_is_released_after_it() -> None:
    quiet = QuietHours(start=datetime.time(1), end=datetime.time(2, 30))
    second_pass = stockholm(2026, 10, 25, 2, 15).replace(fold=1)

    released = quiet.release(second_pass)

    assert released.astimezone(UTC) == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert released.timestamp() > second_pass.timestamp()


def test_an_end_in_the_skipped_hour_releases_after_the_gap_never_inside_quiet_hours() -> None:
    quiet = QuietHours(start=datetime.time(1), end=datetime.time(2, 30))

    released = quiet.release(stockholm(2026, 3, 29, 1, 15))

    assert released.astimezone(UTC) == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (released.hour, released.minute) == (3, 30)


def test_a_gap_wholly_inside_the_skipped_hour_releases_the_next_day() -> None:
    # Quiet but for 02:00-02:15, which the last Sunday of March does not have.
    quiet = QuietHours(start=datetime.time(2, 15), end=datetime.time(2))

    released = quiet.release(stockholm(2026, 3, 28, 3))

    assert released == stockholm(2026, 3, 30, 2)


def test_releasing_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        NIGHT.release(datetime.datetime(2026, 5, 5, 23))


CLOCKS = st.builds(datetime.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))
QUIET = st.builds(QuietHours, start=CLOCKS, end=CLOCKS).filter(lambda q: q.start != q.end)
MOMENTS = st.one_of(
    *[
        st.datetimes(
            min_value=datetime.datetime(*first),
            max_value=datetime.datetime(*last),
            timezones=st.just(STOCKHOLM),
            allow_imaginary=False,
        )
        for first, last in [
            ((2026, 3, 27), (2026, 3, 31)),
            ((2026, 10, 23), (2026, 10, 27)),
            ((2026, 1, 1), (2026, 12, 31)),
        ]
    ]
)
MINUTE = datetime.timedelta(minutes=1)


@PURE
@given(QUIET, MOMENTS)
def test_release_is_never_early_and_never_inside_quiet_hours(
    quiet: QuietHours, written: datetime.datetime
) -> None:
    released = quiet.release(written)

    assert released.tzinfo is STOCKHOLM
    assert released.timestamp() >= written.timestamp()
    # A gap wholly inside the hour the clocks skip costs one more day.
    gap_can_vanish = quiet.end >= datetime.time(2) and quiet.start <= datetime.time(3)
    days = 2 if gap_can_vanish and quiet.start > quiet.end else 1
    assert released.timestamp() - written.timestamp() <= days * 24 * 3600 + 3600
    assert not quiet.contains(released.time())
    assert quiet.release(released) == released
    if not quiet.contains(written.time()):
        assert released is written


@PURE
@given(QUIET, MOMENTS)
def test_release_is_the_first_minute_outside_quiet_hours(
    quiet: QuietHours, written: datetime.datetime
) -> None:
    # Quiet hours that begin or end in the hour the clocks skip or repeat are
    # released conservatively, after that hour; everywhere else to the minute.
    assume(datetime.time(2) > quiet.start or quiet.start >= datetime.time(3))
    assume(datetime.time(2) > quiet.end or quiet.end >= datetime.time(3))
    released = quiet.release(written).astimezone(UTC)

    step = written.astimezone(UTC)
    while step < released:
        assert quiet.contains(step.astimezone(STOCKHOLM).time())
        step += MINUTE
