"""The load test: newcomers asking for buddies, Twilio posting texts and reports, coordinators.

Run it with `bin/load`, which prepares a database, starts gunicorn and sets the
variables below. By hand:

    LOAD_FIXTURE=var/load/fixture.json TWILIO_AUTH_TOKEN=… PUBLIC_BASE_URL=… \\
        locust -f loadtest/locustfile.py --host http://127.0.0.1:8100

Variables:
    LOAD_FIXTURE      the JSON `python -m loadtest.prepare` wrote (ambassadors' numbers,
                      texts' SIDs, coordinators' usernames)
    TWILIO_AUTH_TOKEN the server's token: the scenario signs Twilio's webhooks with it
    PUBLIC_BASE_URL   the server's: signatures cover PUBLIC_BASE_URL + the path
    LOAD_FORWARDED_PROTO=https
                      speak to the server as a TLS-terminating proxy would (the server
                      must trust X-Forwarded-Proto); its cookies are then Secure, and the
                      scenario sends them back over plain HTTP all the same

Every answer is checked: a refused signature (403), a form sent back with
errors, a login page instead of the workspace all count as failures, named by
their HTTP status.
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser, ResponseContextManager

from loadtest.scenario import (
    INBOUND_BODIES,
    SEARCHES,
    STATUS_STEPS,
    Fixture,
    Reference,
    api_buddy_request,
    inbound_sms_form,
    listed,
    message_sid,
    read_form,
    status_form,
    twilio_signature,
    web_buddy_request,
)

ACCOUNT_SID = "AC" + "10ad7e57" * 4
# The number Twilio says the texts came to.
OUR_NUMBER = "+46101380000"
LANGUAGES = ("sv", "en", "ar", "uk")
FORM = "application/x-www-form-urlencoded"


@functools.cache
def fixture() -> Fixture:
    return Fixture.load(Path(os.environ["LOAD_FIXTURE"]))


def _forwarded_https() -> bool:
    return os.environ.get("LOAD_FORWARDED_PROTO", "") == "https"


class Visitor(FastHttpUser):
    """A browser behind the TLS-terminating proxy: cookies, CSRF and the proxy's header."""

    abstract = True

    def on_start(self) -> None:
        self.rng = random.Random()

    @property
    def base(self) -> str:
        host = self.host
        assert isinstance(host, str), "run with --host http://…"
        return host

    def headers(self, **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if _forwarded_https():
            headers["X-Forwarded-Proto"] = "https"
            # Django checks the Origin of every unsafe request made over HTTPS.
            headers["Origin"] = f"https://{urlsplit(self.base).netloc}"
        return headers

    def keep_cookies(self) -> None:
        # Production cookies are Secure; the proxy in front would carry them
        # over its plain-HTTP leg, which the cookie jar otherwise refuses to.
        for cookie in self.client.cookiejar:
            cookie.secure = False

    @contextmanager
    def expect(
        self, method: str, path: str, *, name: str, status: int, **kwargs: Any
    ) -> Iterator[ResponseContextManager]:
        """A request whose answer must have `status`; anything else is a failure named by it."""
        with self.client.request(
            method, path, name=name, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code != status:
                response.failure(f"HTTP {response.status_code}")
            yield response
        self.keep_cookies()


class Newcomer(Visitor):
    """Fills in the web form in one of its languages, or goes through the API."""

    weight = 3
    wait_time = between(1, 4)

    def on_start(self) -> None:
        super().on_start()
        reference = Reference()
        for path, key, attribute in (
            ("/api/v1/municipalities/", "code", "municipalities"),
            ("/api/v1/languages/", "code", "languages"),
            ("/api/v1/interests/", "slug", "interests"),
            ("/api/v1/needs/", "slug", "needs"),
        ):
            with self.expect(
                "GET", path, name="API reference lists", status=200, headers=self.headers()
            ) as response:
                if response.status_code == 200:
                    setattr(reference, attribute, listed(response.json(), key))
        self.reference = reference

    @task(2)
    def web_form(self) -> None:
        language = self.rng.choice(LANGUAGES)
        path = f"/{language}/buddy/"
        with self.expect("GET", path, name="web form GET", status=200, headers=self.headers()) as (
            response
        ):
            if response.status_code != 200:
                return
            form = read_form(response.text or "")
        fields = web_buddy_request(self.rng, form)
        with self.expect(
            "POST",
            path,
            name="web form POST",
            status=302,
            data=urlencode(fields),
            headers=self.headers(**{"Content-Type": FORM, "Referer": f"{self.base}{path}"}),
        ) as response:
            if response.status_code == 200:
                response.failure("HTTP 200: the form came back with errors")
            elif response.status_code == 302:
                location = str(response.headers.get("Location", "")) if response.headers else ""
                if "thanks" not in location:
                    response.failure(f"HTTP 302 to {location}")

    @task(1)
    def api_request(self) -> None:
        if not self.reference.languages:
            return
        with self.client.post(
            "/api/v1/buddy-requests/",
            name="API POST buddy-requests",
            json=api_buddy_request(self.rng, self.reference),
            headers=self.headers(),
            catch_response=True,
        ) as response:
            # 201, or 200 when the number already had an open request.
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}")


class Twilio(Visitor):
    """Posts signed inbound texts from the demo ambassadors, and delivery reports."""

    weight = 2
    wait_time = between(0.5, 2)

    def signed(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        url = f"{os.environ['PUBLIC_BASE_URL'].rstrip('/')}{path}"
        signature = twilio_signature(token=os.environ["TWILIO_AUTH_TOKEN"], url=url, params=form)
        return {
            "data": urlencode(form),
            "headers": self.headers(**{"Content-Type": FORM, "X-Twilio-Signature": signature}),
        }

    @task(2)
    def inbound_sms(self) -> None:
        path = "/webhooks/twilio/sms/"
        form = inbound_sms_form(
            account_sid=ACCOUNT_SID,
            from_number=self.rng.choice(fixture().ambassador_phones),
            to_number=OUR_NUMBER,
            body=self.rng.choice(INBOUND_BODIES),
        )
        with self.expect(
            "POST", path, name="SMS inbound", status=200, **self.signed(path, form)
        ) as response:
            if response.status_code == 200 and "<Response" not in (response.text or ""):
                response.failure("HTTP 200 without TwiML")

    @task(3)
    def status_callback(self) -> None:
        path = "/webhooks/twilio/status/"
        sids = fixture().outbound_sids
        # Mostly our own texts; sometimes one we never sent (a stale report).
        sid = self.rng.choice(sids) if sids and self.rng.random() < 0.9 else message_sid()
        form = status_form(
            account_sid=ACCOUNT_SID,
            sid=sid,
            status=self.rng.choice(STATUS_STEPS),
            from_number=OUR_NUMBER,
        )
        with self.expect("POST", path, name="SMS status", status=204, **self.signed(path, form)):
            pass


class Coordinator(Visitor):
    """Logs in to the workspace and looks around: today, people, load, reports, map."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        login = "/workspace/login/"
        with self.expect("GET", login, name="login GET", status=200, headers=self.headers()) as (
            response
        ):
            token = read_form(response.text or "").csrf_token if response.status_code == 200 else ""
        fields = {
            "csrfmiddlewaretoken": token,
            "username": self.rng.choice(fixture().coordinators),
            "password": fixture().password,
        }
        with self.expect(
            "POST",
            login,
            name="login POST",
            status=302,
            data=urlencode(fields),
            headers=self.headers(**{"Content-Type": FORM, "Referer": f"{self.base}{login}"}),
        ):
            pass

    def page(self, path: str, name: str) -> None:
        with self.expect("GET", path, name=name, status=200, headers=self.headers()):
            pass

    @task(3)
    def today(self) -> None:
        self.page("/workspace/", "workspace today")

    @task(2)
    def search(self) -> None:
        query = urlencode({"q": self.rng.choice(SEARCHES)})
        self.page(f"/workspace/people/?{query}", "workspace people search")

    @task(1)
    def load(self) -> None:
        self.page("/workspace/people/", "workspace people load")

    @task(1)
    def reports(self) -> None:
        self.page("/workspace/reports/", "workspace reports")

    @task(1)
    def pictures(self) -> None:
        self.page("/workspace/pictures/", "workspace map and charts")
