"""Twilio's webhooks: inbound texts and delivery reports. HTTP in, services out.

Twilio signs every request; the signature covers the address Twilio called,
which we take from PUBLIC_BASE_URL, never from the Host or X-Forwarded-*
headers a client could set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from ambassadors.outbox import inbound_record, sms_status_update
from api.sms_router import sms_handle


def signature_valid(*, url: str, params: object, signature: str) -> bool:
    """Twilio's own check; with no auth token configured nothing is valid."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(url, params, signature))


class TwilioSignature(BasePermission):
    message = "The request does not carry a valid Twilio signature."

    def has_permission(self, request: Request, view: object) -> bool:
        url = f"{settings.PUBLIC_BASE_URL}{request._request.get_full_path()}"
        signature = request.headers.get("X-Twilio-Signature", "")
        # The raw form, so repeated keys are signed the way Twilio sent them.
        return signature_valid(url=url, params=request._request.POST, signature=signature)


def _twiml(response: MessagingResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


class TwilioWebhook(APIView):
    authentication_classes = []
    permission_classes = [TwilioSignature]
    parser_classes = [FormParser]
    throttle_classes = []


@extend_schema(exclude=True)
class InboundSmsWebhook(TwilioWebhook):
    """POST /webhooks/twilio/sms/: a text to our number. Answers with TwiML."""

    def post(self, request: Request) -> HttpResponse:
        form = request._request.POST
        message_sid = form.get("MessageSid", "")
        sender = form.get("From", "")
        if not message_sid or not sender:
            return HttpResponse(
                "MessageSid and From are required.", status=status.HTTP_400_BAD_REQUEST
            )
        response = MessagingResponse()
        with transaction.atomic():
            inbound = inbound_record(
                message_sid=message_sid,
                from_number=sender,
                to_number=form.get("To", ""),
                body=form.get("Body", ""),
                opt_out_type=form.get("OptOutType", ""),
            )
            # A replay (same MessageSid) changes nothing and answers nothing.
            answer = sms_handle(inbound=inbound) if inbound is not None else ""
        if answer:
            response.message(answer)
        return _twiml(response)


@extend_schema(exclude=True)
class StatusWebhook(TwilioWebhook):
    """POST /webhooks/twilio/status/: Twilio reports how far a text got."""

    def post(self, request: Request) -> HttpResponse:
        form = request._request.POST
        sid = form.get("MessageSid", "")
        message_status = form.get("MessageStatus", "") or form.get("SmsStatus", "")
        if not sid or not message_status:
            return HttpResponse(
                "MessageSid and MessageStatus are required.", status=status.HTTP_400_BAD_REQUEST
            )
        error_code = form.get("ErrorCode", "")
        sms_status_update(
            sid=sid,
            status=message_status,
            error_code=int(error_code) if error_code.isdigit() else None,
        )
        return HttpResponse(status=status.HTTP_204_NO_CONTENT)
