"""The hotline's voice webhook: the menu, whom it rings in which order, voicemail, the hours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ambassadors.models import Ambassador, Language
from ambassadors.sms import LocmemMessage
from events.models import (
    Call,
    Hotline,
    HotlineLanguage,
    HotlineVolunteer,
    OpeningHours,
    Rota,
    Shift,
    ShiftAssignment,
    Weekday,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HOTLINE_NUMBER = "+46631234500"
COORDINATOR_NUMBER = "+46701110000"
CALLER = "+46709876543"
# A Tuesday.
TUESDAY_1800 = datetime(2026, 12, 1, 18, 0, tzinfo=STOCKHOLM)
VOICE = "/webhooks/twilio/voice/"

Post = Callable[..., "_MonkeyPatchedWSGIResponse"]


@pytest.fixture
def hotline() -> Hotline:
    hotline = Hotline.objects.create(
        name="Buddy hotline",
        phone=HOTLINE_NUMBER,
        fallback_name="Karin",
        fallback_phone=COORDINATOR_NUMBER,
    )
    for digit, code in enumerate(["sv", "ar", "uk"], start=1):
        HotlineLanguage.objects.create(
            hotline=hotline, language=Language.objects.get(code=code), digit=digit
        )
    for weekday in range(Weekday.MONDAY, Weekday.FRIDAY + 1):
        OpeningHours.objects.create(
            hotline=hotline, weekday=weekday, opens=time(17), closes=time(20)
        )
    for weekday in (Weekday.SATURDAY, Weekday.SUNDAY):
        OpeningHours.objects.create(
            hotline=hotline, weekday=weekday, opens=time(10), closes=time(14)
        )
    return hotline


@pytest.fixture
def volunteer(
    hotline: Hotline, ambassador: Callable[..., Ambassador]
) -> Callable[..., HotlineVolunteer]:
    def make(languages: str, phone: str) -> HotlineVolunteer:
        return HotlineVolunteer.objects.create(
            hotline=hotline, ambassador=ambassador(languages=languages, phone=phone)
        )

    return make


@pytest.fixture
def tuesday_shift(hotline: Hotline) -> Shift:
    rota = Rota.objects.create(
        hotline=hotline,
        first_day=TUESDAY_1800.date(),
        last_day=TUESDAY_1800.date(),
        status=Rota.Status.PUBLISHED,
    )
    return Shift.objects.create(
        hotline=hotline,
        rota=rota,
        number=12,
        starts_at=TUESDAY_1800.replace(hour=17),
        ends_at=TUESDAY_1800.replace(hour=20),
    )


@pytest.fixture
def staffed(
    tuesday_shift: Shift, volunteer: Callable[..., HotlineVolunteer]
) -> dict[str, HotlineVolunteer]:
    """Amal answers in Arabic, Olena in Ukrainian, Sven is the backup."""
    people = {
        "sv": volunteer("sv:4", "+46701000001"),
        "ar": volunteer("ar:4 sv:3", "+46701000002"),
        "uk": volunteer("uk:4 en:3", "+46701000003"),
    }
    arabic, swedish, ukrainian = (Language.objects.get(code=c) for c in ("ar", "sv", "uk"))
    ShiftAssignment.objects.create(shift=tuesday_shift, volunteer=people["ar"], language=arabic)
    ShiftAssignment.objects.create(shift=tuesday_shift, volunteer=people["uk"], language=ukrainian)
    backup = volunteer("sv:4 en:4", "+46701000004")
    ShiftAssignment.objects.create(shift=tuesday_shift, volunteer=backup, language=None)
    ShiftAssignment.objects.create(shift=tuesday_shift, volunteer=people["sv"], language=swedish)
    people["backup"] = backup
    return people


@pytest.fixture
def at_tuesday_1800() -> Iterator[None]:
    with time_machine.travel(TUESDAY_1800, tick=False):
        yield


def _form(**extra: str) -> dict[str, str]:
    return {"CallSid": "CA" + "1" * 32, "From": CALLER, "To": HOTLINE_NUMBER, **extra}


def _twiml(response: _MonkeyPatchedWSGIResponse) -> ET.Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def _dialled(root: ET.Element) -> tuple[str, dict[str, str]]:
    dial = root.find("Dial")
    assert dial is not None, ET.tostring(root)
    number = dial.find("Number")
    assert number is not None
    return (number.text or ""), dict(dial.attrib)


def _choose(twilio_post: Post, digit: str) -> ET.Element:
    twilio_post(VOICE, _form())
    return _twiml(twilio_post(f"{VOICE}?step=language", _form(Digits=digit)))


def _ring_result(twilio_post: Post, step: str, status: str) -> ET.Element:
    return _twiml(twilio_post(f"{VOICE}?step=dial&n={step}", _form(DialCallStatus=status)))


def test_a_call_is_answered_with_a_menu_spoken_in_each_language(
    twilio_post: Post, hotline: Hotline, at_tuesday_1800: None
) -> None:
    root = _twiml(twilio_post(VOICE, _form()))

    gather = root.find("Gather")
    assert gather is not None
    assert gather.attrib["numDigits"] == "1"
    assert gather.attrib["action"] == f"{VOICE}?step=language"
    prompts = [(say.attrib["language"], say.text) for say in gather.findall("Say")]
    assert [language for language, _text in prompts] == ["sv-SE", "arb", "uk-UA"]
    assert "tryck 1" in (prompts[0][1] or "")
    assert "العربية" in (prompts[1][1] or "")
    assert "2" in (prompts[1][1] or "")
    assert "3" in (prompts[2][1] or "")
    # Without a key pressed, the call goes on in the first language.
    redirect = root.find("Redirect")
    assert redirect is not None and redirect.text == f"{VOICE}?step=language"


def test_arabic_at_18_on_a_tuesday_rings_the_arabic_speaker_then_the_backup_then_the_coordinator(
    twilio_post: Post, staffed: dict[str, HotlineVolunteer], at_tuesday_1800: None
) -> None:
    root = _choose(twilio_post, "2")

    number, dial = _dialled(root)
    assert number == "+46701000002"
    assert dial["callerId"] == HOTLINE_NUMBER
    assert dial["timeout"] == "20"
    assert dial["action"] == f"{VOICE}?step=dial&n=0"
    say = root.find("Say")
    assert say is not None and say.attrib["language"] == "arb"

    number, dial = _dialled(_ring_result(twilio_post, "0", "no-answer"))
    assert number == "+46701000004"
    assert dial["callerId"] == HOTLINE_NUMBER

    number, _dial = _dialled(_ring_result(twilio_post, "1", "busy"))
    assert number == COORDINATOR_NUMBER

    voicemail = _ring_result(twilio_post, "2", "no-answer")
    record = voicemail.find("Record")
    assert record is not None
    assert record.attrib["action"] == f"{VOICE}?step=voicemail"
    call = Call.objects.get()
    assert call.language is not None and call.language.code == "ar"
    assert call.chain == [
        ["volunteer", staffed["ar"].id],
        ["backup", staffed["backup"].id],
        ["coordinator", None],
    ]


def test_someone_else_on_the_shift_who_speaks_the_language_is_rung_before_the_backup(
    twilio_post: Post, staffed: dict[str, HotlineVolunteer], at_tuesday_1800: None
) -> None:
    # Amal (on duty for Arabic) also speaks Swedish: a Swedish call rings Sven, then Amal.
    root = _choose(twilio_post, "1")

    assert _dialled(root)[0] == "+46701000001"
    assert _dialled(_ring_result(twilio_post, "0", "no-answer"))[0] == "+46701000002"
    assert _dialled(_ring_result(twilio_post, "1", "no-answer"))[0] == "+46701000004"


def test_an_answered_call_records_who_answered_and_its_duration(
    twilio_post: Post, staffed: dict[str, HotlineVolunteer], at_tuesday_1800: None
) -> None:
    _choose(twilio_post, "2")
    root = _ring_result(twilio_post, "0", "completed")
    assert root.find("Hangup") is not None
    assert root.find("Dial") is None

    response = twilio_post(
        "/webhooks/twilio/voice/status/",
        _form(CallStatus="completed", CallDuration="312"),
    )

    assert response.status_code == 204
    call = Call.objects.get()
    assert call.outcome == Call.Outcome.ANSWERED
    assert call.answered_by == staffed["ar"]
    assert call.answerer == Call.Answerer.VOLUNTEER
    assert call.duration_s == 312
    assert call.ended_at is not None


def test_the_call_record_keeps_only_the_last_digits_of_the_caller(
    twilio_post: Post, staffed: dict[str, HotlineVolunteer], at_tuesday_1800: None
) -> None:
    _choose(twilio_post, "2")

    call = Call.objects.get()
    assert call.caller_last_digits == "543"
    stored = " ".join(str(value) for value in Call.objects.values().get().values())
    assert "9876543" not in stored


def test_with_nobody_on_duty_the_caller_goes_to_voicemail_and_the_coordinator_is_told(
    twilio_post: Post,
    hotline: Hotline,
    sms_outbox: list[LocmemMessage],
    tasks_run_at_once: None,
    committing: Callable[[], AbstractContextManager[Any]],
    at_tuesday_1800: None,
) -> None:
    root = _choose(twilio_post, "2")

    assert root.find("Dial") is None
    assert root.find("Record") is not None
    with committing():
        root = _twiml(
            twilio_post(
                f"{VOICE}?step=voicemail",
                _form(RecordingSid="RE" + "2" * 32, RecordingDuration="41"),
            )
        )
    assert root.find("Hangup") is not None
    call = Call.objects.get()
    assert call.outcome == Call.Outcome.VOICEMAIL
    assert call.recording_duration_s == 41
    assert [message.to for message in sms_outbox] == [COORDINATOR_NUMBER]
    assert "voicemail" in sms_outbox[0].body.lower() or "röst" in sms_outbox[0].body.lower()
    assert "543" in sms_outbox[0].body
    assert "9876543" not in sms_outbox[0].body

    # Twilio sending the recording again tells nobody twice.
    with committing():
        twilio_post(
            f"{VOICE}?step=voicemail", _form(RecordingSid="RE" + "2" * 32, RecordingDuration="41")
        )
    assert len(sms_outbox) == 1


def test_an_unstaffed_shift_also_goes_to_voicemail(
    twilio_post: Post, tuesday_shift: Shift, at_tuesday_1800: None
) -> None:
    root = _choose(twilio_post, "3")

    assert root.find("Dial") is None
    assert root.find("Record") is not None


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (datetime(2026, 12, 1, 21, 0, tzinfo=STOCKHOLM), "after closing"),
        (datetime(2026, 12, 24, 18, 0, tzinfo=STOCKHOLM), "Christmas Eve"),
        (datetime(2026, 12, 5, 16, 0, tzinfo=STOCKHOLM), "Saturday afternoon"),
    ],
)
def test_outside_opening_hours_the_caller_hears_the_hours_in_their_language(
    twilio_post: Post, staffed: dict[str, HotlineVolunteer], moment: datetime, reason: str
) -> None:
    with time_machine.travel(moment, tick=False):
        root = _choose(twilio_post, "3")

    assert root.find("Dial") is None, reason
    assert root.find("Hangup") is not None
    say = root.find("Say")
    assert say is not None and say.attrib["language"] == "uk-UA"
    text = say.text or ""
    assert "17:00" in text and "20:00" in text and "10:00" in text and "14:00" in text
    assert "Понеділок" in text or "понеділок" in text
    assert Call.objects.get().outcome == Call.Outcome.CLOSED


def test_the_closed_message_in_swedish_names_the_days(twilio_post: Post, hotline: Hotline) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM), tick=False):
        root = _choose(twilio_post, "1")

    say = root.find("Say")
    assert say is not None
    text = (say.text or "").lower()
    assert "måndag–fredag" in text
    assert "lördag, söndag" in text
    assert text.index("17:00") < text.index("lördag") < text.index("10:00")


def test_a_replayed_first_request_makes_one_call_record(
    twilio_post: Post, hotline: Hotline, at_tuesday_1800: None
) -> None:
    twilio_post(VOICE, _form())
    twilio_post(VOICE, _form())

    assert Call.objects.count() == 1


@pytest.mark.parametrize("signature", ["", "forged-signature"])
def test_unsigned_and_forged_calls_are_refused(
    twilio_post: Post, hotline: Hotline, signature: str
) -> None:
    for path in (VOICE, f"{VOICE}?step=language", "/webhooks/twilio/voice/status/"):
        response = twilio_post(path, _form(Digits="2", CallStatus="completed"), signature=signature)
        assert response.status_code == 403
    assert Call.objects.count() == 0


def test_a_signature_for_another_step_does_not_open_this_one(
    twilio_post: Post, staffed: dict[str, HotlineVolunteer], settings: Any, at_tuesday_1800: None
) -> None:
    from twilio.request_validator import RequestValidator

    form = _form(DialCallStatus="completed")
    signed_for_first = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
        f"{settings.PUBLIC_BASE_URL}{VOICE}?step=dial&n=0", form
    )

    response = twilio_post(f"{VOICE}?step=dial&n=1", form, signature=signed_for_first)

    assert response.status_code == 403


def test_a_call_to_a_number_that_is_no_hotline_is_told_so(twilio_post: Post) -> None:
    root = _twiml(twilio_post(VOICE, _form(To="+46630000000")))

    assert root.find("Hangup") is not None
    assert Call.objects.count() == 0
