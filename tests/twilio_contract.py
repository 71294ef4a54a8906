"""Twilio's API contract for tests: Prism serving Twilio's OpenAPI, and a proxy that breaks it.

Prism (https://stoplight.io/open-source/prism) answers every request the way
Twilio's published spec says Twilio answers, and refuses (422) what Twilio
would refuse. The fixtures in tests/conftest.py start it once per run.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/[^/]+/Messages\.json$")


class ContractSetupError(Exception):
    """Prism could not be started; the message says what to do about it."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def closed_url() -> str:
    """An address nobody listens on: Twilio as seen during an outage of the network."""
    return f"http://127.0.0.1:{free_port()}"


@dataclass
class Prism:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=2)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    # Any answer will do: Prism says 404 for "/", and only once it has read the spec.
    return True


def prism_start(*, prism: Path, spec: Path, log: Path, timeout: float = 60) -> Prism:
    """Start `prism mock` on a free port and wait until it answers."""
    if not prism.exists():
        raise ContractSetupError(
            f"{prism} is missing: run `npm ci` in the repository root (bin/test does)."
        )
    if not spec.exists():
        raise ContractSetupError(
            f"Twilio's OpenAPI description {spec} is missing: the contract tests need it."
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        # -d (dynamic) makes up every answer from the schema, so each message
        # gets its own SID instead of the one example in the spec.
        process = subprocess.Popen(
            [str(prism), "mock", "-d", "-h", "127.0.0.1", "-p", str(port), str(spec)],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own process group: `prism` is a node script that may start children.
            start_new_session=True,
        )
    started = Prism(url=url, process=process, log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ContractSetupError(f"Prism stopped at start-up:\n{_tail(log)}")
        if _answers(url):
            return started
        time.sleep(0.25)
    prism_stop(started)
    raise ContractSetupError(f"Prism did not answer within {timeout:.0f} s:\n{_tail(log)}")


def prism_stop(prism: Prism) -> None:
    try:
        os.killpg(prism.process.pid, signal.SIGTERM)
        prism.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(prism.process.pid, signal.SIGKILL)
        prism.process.wait()
    except ProcessLookupError:
        pass


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


class Fault(NamedTuple):
    """An error Twilio answers with: HTTP status, Twilio error code, message."""

    status: int
    code: int
    message: str


RATE_LIMITED = Fault(429, 20429, "Too Many Requests")
SERVER_ERROR = Fault(500, 20500, "Internal Server Error")
INVALID_TO = Fault(400, 21211, "Invalid 'To' Phone Number")
UNSUBSCRIBED = Fault(400, 21610, "Attempt to send to unsubscribed recipient")
# Not an answer: the request reaches Prism, then the connection drops before
# the client hears back, so it cannot know whether the text was created.
DROPPED = Fault(0, 0, "connection dropped after the request was taken")


@dataclass(frozen=True)
class Recorded:
    """One request the client made, and what it got back."""

    method: str
    path: str
    # The form as sent; a repeated key keeps its last value.
    form: dict[str, str]
    status: int
    # Whether Prism answered it (False: the proxy made up a failure).
    forwarded: bool
    answer: dict[str, Any]

    @property
    def accepted(self) -> bool:
        """Prism took it as Twilio would: a message was created."""
        return self.forwarded and self.status == 201


# Hop-by-hop headers belong to one connection and are not passed on.
# Accept-Encoding is dropped so Prism answers in plain JSON the proxy can read.
_NOT_FORWARDED = {
    "accept-encoding",
    "connection",
    "content-length",
    "host",
    "keep-alive",
    "proxy-authorization",
    "transfer-encoding",
}


class TwilioProxy:
    """Twilio with outages: a proxy in front of Prism that can fail on purpose.

    Twilio's spec documents only the 201 of a created message, so Prism, which
    answers from the spec, can never answer 429, 500 or Twilio's error codes
    (21211, 21610). This proxy forwards every request to Prism unchanged and
    records it; `fail_next` makes it answer the next requests to the Messages
    endpoint itself, with the status and error JSON Twilio would send.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._faults: list[Fault] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[Recorded]:
        """Every request so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def fail_next(self, n: int, status: int, code: int, message: str) -> None:
        """Answer the next `n` requests to the Messages endpoint with a Twilio error."""
        with self._lock:
            self._faults.extend([Fault(status, code, message)] * n)

    def drop_next(self, n: int) -> None:
        """Pass the next `n` requests to the Messages endpoint on, then hang up unanswered."""
        with self._lock:
            self._faults.extend([DROPPED] * n)

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._faults.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next_fault(self, path: str) -> Fault | None:
        if not MESSAGES_PATH.match(urlsplit(path).path):
            return None
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _record(self, recorded: Recorded) -> None:
        with self._lock:
            self._requests.append(recorded)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        parts = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    # The client died half-way through its request (a killed
                    # worker): a server never acts on half a request.
                    self.close_connection = True
                    return
                form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
                fault = proxy._next_fault(self.path)
                forwarded = fault in (None, DROPPED)
                if fault is not None and fault is not DROPPED:
                    status = fault.status
                    content = json.dumps(
                        {
                            "code": fault.code,
                            "message": fault.message,
                            "more_info": f"https://www.twilio.com/docs/errors/{fault.code}",
                            "status": fault.status,
                        }
                    ).encode()
                    headers = [("Content-Type", "application/json")]
                else:
                    passed = {
                        name: value
                        for name, value in self.headers.items()
                        if name.lower() not in _NOT_FORWARDED
                    }
                    try:
                        status, headers, content = proxy._forward(
                            self.command, self.path, passed, body
                        )
                    except OSError as error:
                        forwarded = False
                        status, content = 502, f"Prism did not answer: {error}".encode()
                        headers = [("Content-Type", "text/plain")]
                try:
                    answer = json.loads(content) if content else {}
                except ValueError:
                    answer = {}
                proxy._record(
                    Recorded(
                        method=self.command,
                        path=self.path,
                        form=form,
                        status=status,
                        forwarded=forwarded,
                        answer=answer if isinstance(answer, dict) else {},
                    )
                )
                if fault is DROPPED:
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _NOT_FORWARDED:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test report is no place for an access log

        return Handler
