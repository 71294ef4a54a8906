"""`erase_person PHONE` and `export_person PHONE` on the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ambassadors.models import Ambassador, BuddyRequest

pytestmark = pytest.mark.django_db

PHONE = "+46701740699"


@pytest.fixture
def person(
    make_ambassador: Callable[..., Ambassador], make_request: Callable[..., BuddyRequest]
) -> tuple[Ambassador, BuddyRequest, BuddyRequest]:
    return (
        make_ambassador(first_name="Tove", phone=PHONE),
        make_request(first_name="Tove", phone=PHONE, status=BuddyRequest.Status.CLOSED),
        make_request(first_name="Tove", phone=PHONE),
    )


def test_it_erases_the_ambassador_and_every_request_with_the_number_and_says_what_went(
    person: tuple[Ambassador, BuddyRequest, BuddyRequest],
) -> None:
    out = StringIO()

    call_command("erase_person", "070 174 06 99", "--yes", stdout=out)

    assert "ambassadors.ambassador: anonymised 1" in out.getvalue()
    assert "ambassadors.buddyrequest: anonymised 2" in out.getvalue()
    assert not Ambassador.objects.filter(first_name="Tove").exists()
    assert not BuddyRequest.objects.filter(first_name="Tove").exists()


def test_it_asks_before_erasing_and_a_no_erases_nothing(
    person: tuple[Ambassador, BuddyRequest, BuddyRequest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_person", PHONE, stdout=StringIO())

    assert Ambassador.objects.filter(first_name="Tove").exists()


@pytest.mark.parametrize(
    ("phone", "message"),
    [("+46701740600", "Nobody"), ("hello", "not a phone number")],
)
def test_a_number_of_nobody_or_no_number_is_a_clear_error(
    person: tuple[Ambassador, BuddyRequest, BuddyRequest], phone: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("erase_person", phone, "--yes", stdout=StringIO())


def test_erasing_twice_finds_nobody_the_second_time(
    person: tuple[Ambassador, BuddyRequest, BuddyRequest],
) -> None:
    call_command("erase_person", PHONE, "--yes", stdout=StringIO())

    with pytest.raises(CommandError, match="Nobody"):
        call_command("erase_person", PHONE, "--yes", stdout=StringIO())


def test_export_person_prints_every_table_as_json(
    person: tuple[Ambassador, BuddyRequest, BuddyRequest],
) -> None:
    out = StringIO()

    call_command("export_person", "0701740699", stdout=out)

    export = json.loads(out.getvalue())
    assert export["phone"] == PHONE
    assert len(export["tables"]["ambassadors.buddyrequest"]) == 2
    assert export["tables"]["ambassadors.ambassador"][0]["first_name"] == "Tove"
