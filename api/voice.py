"""Twilio's voice webhooks for the buddy hotline: TwiML in answer to every step of a call.

Configure the hotline number at Twilio with
  A call comes in:  POST {PUBLIC_BASE_URL}/webhooks/twilio/voice/
  Call status:      POST {PUBLIC_BASE_URL}/webhooks/twilio/voice/status/
Each step's TwiML points Twilio at the next one with `?step=` (the signature
covers the query string, so a step cannot be forged either).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from twilio.twiml import TwiML
from twilio.twiml.voice_response import Gather, Play, Say, VoiceResponse

from api.webhooks import TwilioWebhook
from events import calls
from events.models import Call, Hotline

# Seconds each person is rung before the next one is tried.
RING_SECONDS = 20
MENU_SECONDS = 6
VOICEMAIL_MOST_SECONDS = 120


def _twiml(response: VoiceResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def _step(name: str, **values: object) -> str:
    return f"{reverse('twilio-voice')}?{urlencode({'step': name, **values})}"


def _say(response: TwiML, text: str, code: str) -> None:
    if text.startswith("https://"):
        # A recorded prompt, for a language Twilio cannot speak.
        response.append(Play(text))
    else:
        response.append(Say(text, language=calls.say_language(code)))


def _code(call: Call) -> str:
    return call.language.code if call.language else "sv"


@extend_schema(exclude=True)
class VoiceWebhook(TwilioWebhook):
    """POST /webhooks/twilio/voice/: a call to a hotline, one step at a time."""

    def post(self, request: Request) -> HttpResponse:
        form = request._request.POST
        call_sid = form.get("CallSid", "")
        if not call_sid:
            return HttpResponse("CallSid is required.", status=status.HTTP_400_BAD_REQUEST)
        hotline = calls.hotline_for_number(form.get("To", ""))
        response = VoiceResponse()
        if hotline is None:
            response.say(calls.not_in_service_message(), language=calls.say_language("sv"))
            response.hangup()
            return _twiml(response)
        call = calls.call_start(hotline=hotline, call_sid=call_sid, caller=form.get("From", ""))
        step = request.query_params.get("step", "")
        if step == "language":
            self._chosen(response, call, form.get("Digits", ""))
        elif step == "dial":
            index = request.query_params.get("n", "")
            if not index.isdigit():
                return HttpResponse("n must be a number.", status=status.HTTP_400_BAD_REQUEST)
            following = calls.call_ring_result(
                call=call, index=int(index), dial_status=form.get("DialCallStatus", "")
            )
            if following is None:
                response.hangup()
            else:
                self._ring(response, call, following)
        elif step == "voicemail":
            seconds = form.get("RecordingDuration", "")
            calls.call_voicemail(
                call=call,
                recording_sid=form.get("RecordingSid", "") or calls.NO_RECORDING,
                seconds=int(seconds) if seconds.isdigit() else None,
            )
            _say(response, calls.thanks_message(call.language), _code(call))
            response.hangup()
        else:
            self._menu(response, hotline)
        return _twiml(response)

    def _menu(self, response: VoiceResponse, hotline: Hotline) -> None:
        items = calls.menu(hotline)
        if len(items) <= 1:
            response.redirect(_step("language"))
            return
        gather = Gather(num_digits=1, timeout=MENU_SECONDS, action=_step("language"))
        for item in items:
            _say(gather, calls.menu_prompt(item), item.language.code)
        response.append(gather)
        # No key pressed: the first language on the menu.
        response.redirect(_step("language"))

    def _chosen(self, response: VoiceResponse, call: Call, digits: str) -> None:
        language = calls.language_chosen(call.hotline, digits)
        code = language.code if language else "sv"
        if not calls.call_choose(call=call, language=language):
            _say(response, calls.closed_message(call.hotline, language), code)
            response.hangup()
            return
        _say(response, calls.connecting_message(language), code)
        self._ring(response, call, 0)

    def _ring(self, response: VoiceResponse, call: Call, index: int) -> None:
        call.refresh_from_db()
        rung = calls.rung_at(call, index)
        if rung is None:
            _say(response, calls.voicemail_prompt(call.language), _code(call))
            response.record(
                action=_step("voicemail"),
                max_length=VOICEMAIL_MOST_SECONDS,
                play_beep=True,
                trim="trim-silence",
            )
            response.hangup()
            return
        # The hotline's number as the caller ID: volunteers' own numbers stay private,
        # and they see that the call comes from the hotline.
        dial = response.dial(
            caller_id=str(call.hotline.phone),
            timeout=RING_SECONDS,
            action=_step("dial", n=index),
        )
        dial.number(calls.rung_number(call, rung))


@extend_schema(exclude=True)
class VoiceStatusWebhook(TwilioWebhook):
    """POST /webhooks/twilio/voice/status/: the call ended; how long it lasted."""

    def post(self, request: Request) -> HttpResponse:
        form = request._request.POST
        call_sid = form.get("CallSid", "")
        call_status = form.get("CallStatus", "")
        if not call_sid or not call_status:
            return HttpResponse(
                "CallSid and CallStatus are required.", status=status.HTTP_400_BAD_REQUEST
            )
        duration = form.get("CallDuration", "")
        calls.call_ended(
            call_sid=call_sid,
            call_status=call_status,
            duration=int(duration) if duration.isdigit() else None,
        )
        return HttpResponse(status=status.HTTP_204_NO_CONTENT)
