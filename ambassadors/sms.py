"""The thin provider layer: hand one text to the console, a list in memory, or Twilio.

Everything about people (opt-outs, quiet hours, the message log, retries)
lives in ambassadors.outbox; a backend only sends and reports what happened.
"""

from __future__ import annotations

import functools
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

# Seconds to wait for Twilio. Without a limit a hung connection would hold the
# worker until django-q2 kills the task, and the text would be left half-sent.
TIMEOUT = 10

# Twilio error codes that no retry will fix.
INVALID_NUMBER = 21211
OPTED_OUT = 21610
NOT_A_MOBILE = 21614
NOT_FOUND = 404


@dataclass(frozen=True)
class Sent:
    sid: str
    # The provider's status word (Twilio: accepted, queued, sending, sent …).
    status: str


class SmsError(Exception):
    """A text was not accepted. `permanent` says whether trying again could help."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        permanent: bool,
        opted_out: bool = False,
        uncertain: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.permanent = permanent
        self.opted_out = opted_out
        # The request may have reached Twilio: sending again could send twice.
        self.uncertain = uncertain


class Backend(Protocol):
    def send(self, *, to: str, body: str) -> Sent: ...

    def find(self, *, to: str, body: str, since: datetime) -> Sent | None:
        """The text with this body sent to `to` since `since`, if the provider has it."""
        ...

    def delete(self, *, kind: str, sid: str) -> None:
        """Delete the provider's record of a message or a recording (kind "message"/"recording").

        A record the provider does not have counts as deleted. Raises SmsError
        when it could not be deleted now (`permanent` False: try again later).
        """
        ...


def _local_sid(backend: str) -> str:
    # Unique across worker processes, as the log's unique SID column needs.
    return f"{backend}-{uuid.uuid4().hex}"


class ConsoleBackend:
    """Prints every text: the default, so a development machine reaches nobody."""

    def send(self, *, to: str, body: str) -> Sent:
        sid = _local_sid("console")
        sys.stdout.write(f"--- SMS to {to} ({sid}) ---\n{body}\n---\n")
        sys.stdout.flush()
        return Sent(sid=sid, status="sent")

    def find(self, *, to: str, body: str, since: datetime) -> Sent | None:
        return None  # printing never fails halfway

    def delete(self, *, kind: str, sid: str) -> None:
        sys.stdout.write(f"--- deleted {kind} {sid} ---\n")
        sys.stdout.flush()


@dataclass(frozen=True)
class LocmemMessage:
    to: str
    body: str
    sid: str


# The texts LocmemBackend "sent", oldest first. Tests read and clear it.
outbox: list[LocmemMessage] = []
# The (kind, SID) records LocmemBackend deleted, oldest first.
deleted: list[tuple[str, str]] = []


class LocmemBackend:
    """Keeps texts in `outbox`, for tests."""

    def send(self, *, to: str, body: str) -> Sent:
        sid = _local_sid("locmem")
        outbox.append(LocmemMessage(to=to, body=body, sid=sid))
        return Sent(sid=sid, status="sent")

    def find(self, *, to: str, body: str, since: datetime) -> Sent | None:
        for message in outbox:
            if (message.to, message.body) == (to, body):
                return Sent(sid=message.sid, status="sent")
        return None

    def delete(self, *, kind: str, sid: str) -> None:
        deleted.append((kind, sid))
        # Gone from the provider: an erased person's texts are not kept here either.
        outbox[:] = [message for message in outbox if message.sid != sid]


def _status_callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/status/"


class TwilioBackend:
    """Sends through Twilio's Messages API with the official client."""

    def __init__(self) -> None:
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=TIMEOUT),
        )
        if settings.TWILIO_API_BASE_URL:
            # The contract mock in tests, or a regional edge in production.
            self.client.api.base_url = settings.TWILIO_API_BASE_URL

    def send(self, *, to: str, body: str) -> Sent:
        sender: dict[str, str] = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        try:
            message = self.client.messages.create(
                to=to, body=body, status_callback=_status_callback_url(), **sender
            )
        except TwilioRestException as error:
            raise _classify(error) from error
        except RequestException as error:
            if _never_arrived(error):
                # Twilio may be down for a moment: worth another try.
                raise SmsError(f"Twilio could not be reached: {error}", permanent=False) from error
            # Sent, but no answer came back. Twilio's Messages API takes no
            # idempotency key, so the outbox looks the text up before any retry.
            raise SmsError(
                f"Twilio did not answer: {error}", permanent=False, uncertain=True
            ) from error
        except TwilioException as error:
            raise SmsError(f"Twilio's client failed: {error}", permanent=False) from error
        return Sent(sid=str(message.sid), status=str(message.status or "queued"))

    def find(self, *, to: str, body: str, since: datetime) -> Sent | None:
        try:
            # One page, newest first: the text was written minutes ago.
            recent = list(self.client.messages.page(to=to, page_size=20))
        except (TwilioException, RequestException) as error:
            raise SmsError(f"Twilio could not be asked: {error}", permanent=False) from error
        for message in recent:
            created = message.date_created
            if message.body == body and (created is None or created >= since):
                return Sent(sid=str(message.sid), status=str(message.status or "queued"))
        return None

    def delete(self, *, kind: str, sid: str) -> None:
        record = self.client.recordings(sid) if kind == "recording" else self.client.messages(sid)
        try:
            record.delete()
        except TwilioRestException as error:
            if error.status == NOT_FOUND:
                return  # never there, or deleted by an earlier try whose answer was lost
            raise _classify(error) from error
        except RequestException as error:
            # Deleting twice is harmless: every failure may be tried again.
            raise SmsError(f"Twilio could not be reached: {error}", permanent=False) from error
        except TwilioException as error:
            raise SmsError(f"Twilio's client failed: {error}", permanent=False) from error


def _never_arrived(error: RequestException) -> bool:
    """Whether the request surely never reached Twilio (no connection was made)."""
    if isinstance(error, ConnectTimeout):
        return True
    if not isinstance(error, RequestsConnectionError):
        return False  # a read timeout: the request went out
    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    # urllib3's NewConnectionError (refused, unknown host) is a ConnectTimeoutError.
    return isinstance(reason, ConnectTimeoutError)


def _classify(error: TwilioRestException) -> SmsError:
    code = int(error.code) if error.code is not None else None
    message = f"Twilio answered {error.status}: {error.msg}"
    if error.status == 429 or error.status >= 500:
        return SmsError(message, code=code, permanent=False)
    return SmsError(message, code=code, permanent=True, opted_out=code == OPTED_OUT)


def backend() -> Backend:
    """The backend SMS_BACKEND names; the settings are read on every call so tests can switch."""
    choice = settings.SMS_BACKEND
    if choice == "twilio":
        return _twilio(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            settings.TWILIO_API_BASE_URL,
            settings.TWILIO_FROM_NUMBER,
            settings.TWILIO_MESSAGING_SERVICE_SID,
        )
    if choice == "locmem":
        return LocmemBackend()
    return ConsoleBackend()


@functools.lru_cache(maxsize=4)
def _twilio(*configuration: str) -> TwilioBackend:
    # One client per worker process and configuration: it keeps its HTTP
    # connection open, where a new client per text would connect every time.
    return TwilioBackend()
