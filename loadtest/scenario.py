"""The load test's data and Twilio's signing, without locust and without Django.

Kept apart from `locustfile.py` so the tests can import it: importing locust
monkey-patches the whole process with gevent.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from twilio.request_validator import RequestValidator

# Newcomers' numbers: Swedish mobiles 070-174 10 00 … 070-174 99 99, clear of
# the demo's 070-174 06 05 onwards (seed_demo refuses to run again when anyone
# else holds one of its numbers). The web server runs with the console or
# locmem SMS backend, so nothing is ever sent to them.
NEWCOMER_NUMBERS = range(1000, 10_000)

# What ambassadors text back: answers to offers that are no longer open, help,
# and things nobody could read (those wait for a coordinator). Never STOP,
# which would silence the number for the rest of the run.
INBOUND_BODIES = ("JA 1234", "NEJ 4821", "YES 2817", "HJÄLP", "HELP", "JA", "hej hej", "???")

# Twilio's statuses as a delivery report moves forward.
STATUS_STEPS = ("sent", "delivered", "undelivered", "failed")

SEARCHES = ("Anna", "Ali", "070174", "+46701740", "Olena", "Erik", "@example", "Sara")


def newcomer_phone(rng: random.Random) -> str:
    return f"+4670174{rng.choice(NEWCOMER_NUMBERS):04d}"


def message_sid() -> str:
    """A MessageSid never seen before: SM and 32 hex digits, as Twilio's."""
    return "SM" + uuid.uuid4().hex


def twilio_signature(*, token: str, url: str, params: Mapping[str, str]) -> str:
    """X-Twilio-Signature for a form POST to `url`, computed with Twilio's own library."""
    return str(RequestValidator(token).compute_signature(url, dict(params)))


def inbound_sms_form(
    *, account_sid: str, from_number: str, to_number: str, body: str
) -> dict[str, str]:
    """The fields Twilio posts for a text that reaches our number."""
    sid = message_sid()
    return {
        "ToCountry": "SE",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": to_number,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_number,
        "FromCountry": "SE",
        "ApiVersion": "2010-04-01",
    }


def status_form(*, account_sid: str, sid: str, status: str, from_number: str) -> dict[str, str]:
    """The fields of Twilio's delivery report for one text."""
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": account_sid,
        "From": from_number,
        "ApiVersion": "2010-04-01",
    }
    if status == "undelivered":
        form["ErrorCode"] = "30003"
    return form


@dataclass(frozen=True)
class Fixture:
    """What `loadtest.prepare` found in the database for the scenario to use."""

    ambassador_phones: list[str]
    outbound_sids: list[str]
    coordinators: list[str]
    password: str

    @classmethod
    def load(cls, path: Path) -> Fixture:
        data = json.loads(path.read_text())
        return cls(
            ambassador_phones=list(data["ambassador_phones"]),
            outbound_sids=list(data["outbound_sids"]),
            coordinators=list(data["coordinators"]),
            password=str(data["password"]),
        )


@dataclass
class Reference:
    """The codes the API takes, from its reference endpoints."""

    municipalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


def listed(answer: Any, key: str) -> list[str]:
    """The `key` of each item in a reference list, paginated or not."""
    items = answer["results"] if isinstance(answer, dict) else answer
    return [str(item[key]) for item in items]


FIRST_NAMES = ("Amira", "Oleksandr", "Maria", "Yusuf", "Liam", "Nour", "Iryna", "Pedro", "Mei")
LAST_NAMES = ("Haddad", "Kovalenko", "Silva", "Nguyen", "Okafor", "Larsen", "", "Ahmadi")


def _some(rng: random.Random, choices: Sequence[str], most: int) -> list[str]:
    return rng.sample(list(choices), k=rng.randint(0, min(most, len(choices))))


def api_buddy_request(rng: random.Random, reference: Reference) -> dict[str, Any]:
    """A valid, varied body for POST /api/v1/buddy-requests/."""
    preferred = rng.choice(reference.languages)
    children = [rng.randint(0, 17) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
    return {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
        "phone": newcomer_phone(rng),
        "preferred_language": preferred,
        "other_languages": [c for c in _some(rng, reference.languages, 2) if c != preferred],
        "municipality": rng.choice(reference.municipalities),
        "has_partner": rng.random() < 0.4,
        "children_ages": children,
        "interests": _some(rng, reference.interests, 3),
        "needs": _some(rng, reference.needs, 2),
        "message": rng.choice(("", "We arrive in August.", "Vi gillar skidor.")),
        "consent": True,
        "consent_language": rng.choice(("sv", "en", "ar", "uk")),
    }


class FormReader(HTMLParser):
    """The CSRF token and the offered choices of each field of a server-rendered form."""

    def __init__(self) -> None:
        super().__init__()
        self.csrf_token = ""
        self.choices: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "select":
            self._select = name
        elif tag == "option" and self._select and attributes.get("value"):
            self.choices.setdefault(self._select, []).append(attributes["value"])
        elif tag == "input" and name == "csrfmiddlewaretoken":
            self.csrf_token = attributes.get("value", "")
        elif tag == "input" and attributes.get("type") in ("checkbox", "radio"):
            self.choices.setdefault(name, []).append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def web_buddy_request(rng: random.Random, form: FormReader) -> list[tuple[str, str]]:
    """A valid, varied POST of the web form, from the choices the page offered."""
    choices = form.choices
    fields: list[tuple[str, str]] = [
        ("csrfmiddlewaretoken", form.csrf_token),
        ("first_name", rng.choice(FIRST_NAMES)),
        ("last_name", rng.choice(LAST_NAMES)),
        # Written the way people type it: 070-174 12 34.
        ("phone", re.sub(r"^\+46(\d\d)(\d{3})(\d\d)(\d\d)$", r"0\1-\2 \3 \4", newcomer_phone(rng))),
        ("preferred_language", rng.choice(choices["preferred_language"])),
        ("municipality", rng.choice(choices["municipality"])),
        ("arrival_date", ""),
        ("children_ages", rng.choice(("", "4, 9", "1", "12, 15, 17"))),
        ("message", rng.choice(("", "Tack!", "We have a dog."))),
        ("consent", "on"),
    ]
    if rng.random() < 0.4:
        fields.append(("has_partner", "on"))
    for name, most in (("other_languages", 2), ("interests", 3), ("needs", 2)):
        fields += [(name, value) for value in _some(rng, choices.get(name, []), most)]
    return fields
