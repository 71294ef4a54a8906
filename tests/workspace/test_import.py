"""Importing ambassadors and organisations: preview, errors per row, all or nothing, merges."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ambassadors.models import (
    Ambassador,
    Consent,
    Language,
    Municipality,
    Organisation,
    Source,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


class _Tables(HTMLParser):
    """The page's tables as rows of cell texts, the way a reader sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(response: _MonkeyPatchedWSGIResponse, first_heading: str, second: str) -> list[list[str]]:
    """The rows (without headings) of the table whose first columns are named so."""
    parser = _Tables()
    parser.feed(response.content.decode())
    for rows in parser.tables:
        if rows and rows[0][:2] == [first_heading, second]:
            return rows[1:]
    return []


def text(response: _MonkeyPatchedWSGIResponse) -> str:
    return " ".join(response.content.decode().split())


def upload(
    client: Client, name: str, kind: str = "ambassadors", content: bytes | None = None
) -> _MonkeyPatchedWSGIResponse:
    """Upload a file from tests/workspace/data and land on its preview."""
    if content is None:
        content = (DATA / name).read_bytes()
    return client.post(
        reverse("workspace:import"),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")},
        follow=True,
    )


def commit(
    client: Client, preview: _MonkeyPatchedWSGIResponse, consent: bool = True
) -> _MonkeyPatchedWSGIResponse:
    data = {"digest": preview.context["form"]["digest"].value()}
    if consent:
        data["consent"] = "on"
    return client.post(reverse("workspace:import_commit"), data, follow=True)


@pytest.fixture
def coordinator(client: Client, make_coordinator: Callable[..., User]) -> User:
    user = make_coordinator("Östersund", "Åre")
    client.force_login(user)
    return user


def test_a_good_file_is_previewed_and_nothing_is_written(client: Client, coordinator: User) -> None:
    response = upload(client, "ambassadors.csv")

    assert response.status_code == 200
    assert table(response, "Row", "What happens") == [
        ["2", "New", "Sara Lind", "+46 70 174 06 50", "Östersund",
         "Swedish (native), Arabic (fluent)", ""],
        ["3", "New", "Omar Haddad", "+46 70 174 06 51", "Åre",
         "Arabic (fluent), Swedish (fluent), English (fluent)", ""],
        ["4", "New", "Maja Berg", "+46 70 174 06 52", "Östersund",
         "Swedish (native), English (conversational)", ""],
    ]  # fmt: skip
    assert "3 new" in text(response)
    assert table(response, "Row", "Column") == []
    assert not Ambassador.objects.exists()


def test_importing_a_good_file_makes_inactive_ambassadors_with_no_consent_recorded(
    client: Client, coordinator: User
) -> None:
    response = commit(client, upload(client, "ambassadors.csv"))

    assert "Imported. New ambassadors: 3;" in text(response)
    sara = Ambassador.objects.get(phone="+46701740650")
    assert (sara.first_name, sara.last_name, sara.email) == ("Sara", "Lind", "sara.lind@example.se")
    assert sara.active is False
    assert sara.source == Source.IMPORT
    assert sara.capacity == 3
    assert {(level.language.code, level.level) for level in sara.language_levels.all()} == {
        ("sv", 4),
        ("ar", 3),
    }
    assert sara.preferred_language.code == "sv"
    assert set(sara.interests.values_list("slug", flat=True)) == {"mountain-hiking", "cooking"}
    assert [m.name for m in sara.meeting_municipalities.all()] == ["Östersund"]
    omar = Ambassador.objects.get(phone="+46701740651")
    # The best spoken of the languages texts go out in: the first of equals.
    assert omar.preferred_language.code == "ar"
    assert omar.capacity == 2
    assert Ambassador.objects.count() == 3
    assert not Consent.objects.exists()
    assert client.session.get("workspace_import") is None


def test_the_page_says_that_no_consent_is_recorded_and_asks_for_the_coordinators_word(
    client: Client, coordinator: User
) -> None:
    preview = upload(client, "ambassadors.csv")
    assert "An import records no consent" in text(client.get(reverse("workspace:import")))

    response = commit(client, preview, consent=False)

    assert response.status_code == 400
    assert "Import people only once you know they have agreed" in text(response)
    assert not Ambassador.objects.exists()


def test_a_broken_file_imports_nothing_and_says_which_rows_and_why(
    client: Client, coordinator: User
) -> None:
    preview = upload(client, "ambassadors-broken.csv")

    assert table(preview, "Row", "Column") == [
        ["3", "mobil", "063-14 00 00",
         "This looks like a landline. We need a mobile number that can receive texts."],
        ["4", "kommun", "Stockholm", "Unknown municipality."],
        ["5", "förnamn", "", "This field is required."],
        ["6", "språk", "", "Write at least one language for a new ambassador, e.g. sv:4."],
    ]  # fmt: skip
    assert "4 rows have errors" in text(preview)
    assert reverse("workspace:import_commit") not in preview.content.decode()

    forced = client.post(
        reverse("workspace:import_commit"),
        {"digest": preview.context["form"]["digest"].value(), "consent": "on"},
        follow=True,
    )

    assert "Nothing was imported" in text(forced)
    assert not Ambassador.objects.exists()


def test_a_number_that_is_no_phone_number_is_told_so(client: Client, coordinator: User) -> None:
    content = "förnamn;mobil;kommun;språk\nLena;tel. saknas;Åre;sv\n".encode()

    preview = upload(client, "people.csv", content=content)

    assert table(preview, "Row", "Column") == [
        ["2", "mobil", "tel. saknas",
         "This is not a phone number: write it as 070 123 45 67, or with its country code."],
    ]  # fmt: skip


def test_rows_for_a_municipality_the_coordinator_does_not_run_are_errors(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator("Åre"))

    preview = upload(client, "ambassadors.csv")

    assert table(preview, "Row", "Column") == [
        ["2", "municipality", "Östersund", "Östersund is not one of your municipalities."],
        ["4", "municipality", "2380", "Östersund is not one of your municipalities."],
    ]
    assert commit(client, preview).status_code == 200
    assert not Ambassador.objects.exists()


def test_a_number_already_registered_is_merged_filling_only_what_is_empty(
    client: Client, coordinator: User, ambassador: Callable[..., Ambassador]
) -> None:
    sara = ambassador(
        "Östersund", languages="sv:2", first_name="Sarah", phone="+46701740650", capacity=1
    )

    preview = upload(client, "ambassadors.csv")

    assert table(preview, "Row", "What happens")[0] == [
        "2", "Merged into an existing one", "Sara Lind", "+46 70 174 06 50", "Östersund",
        "Swedish (native), Arabic (fluent)",
        "last name: Lind email: sara.lind@example.se languages: + Arabic (fluent) "
        "interests: + Hiking in the mountains, Cooking Registered as Sarah: the name is kept.",
    ]  # fmt: skip

    response = commit(client, preview)

    assert "New ambassadors: 2; merged into existing ones: 1;" in text(response)
    sara.refresh_from_db()
    assert (sara.first_name, sara.last_name, sara.email) == (
        "Sarah",
        "Lind",
        "sara.lind@example.se",
    )
    # A merge adds what was missing and changes nothing that was there.
    assert {(level.language.code, level.level) for level in sara.language_levels.all()} == {
        ("sv", 2),
        ("ar", 3),
    }
    assert (sara.capacity, sara.active, sara.source) == (1, True, Source.ADMIN)
    assert Ambassador.objects.count() == 3


def test_a_merge_never_overwrites_with_blanks(
    client: Client, coordinator: User, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador(
        "Östersund", phone="+46701740605", last_name="Nord", email="erik@example.org", about="Hi"
    )
    content = "förnamn;efternamn;mobil;e-post;kommun;om\nErik;;070-174 06 05;;Åre;\n".encode()

    preview = upload(client, "erik.csv", content=content)

    assert table(preview, "Row", "What happens")[0][1] == "Already registered: nothing new"
    assert "Registered as living in Östersund: kept." in text(preview)
    commit(client, preview)
    erik.refresh_from_db()
    assert (erik.last_name, erik.email, erik.about) == ("Nord", "erik@example.org", "Hi")
    assert erik.home_municipality.name == "Östersund"


def test_the_same_number_twice_in_a_file_is_one_ambassador(
    client: Client, coordinator: User, ambassador: Callable[..., Ambassador]
) -> None:
    erik = ambassador("Östersund", phone="+46701740605", languages="sv:4")

    preview = upload(client, "ambassadors-duplicates.csv")

    rows = table(preview, "Row", "What happens")
    assert [row[:3] for row in rows] == [
        ["2, 3", "New", "Sara Lind"],
        ["4", "Merged into an existing one", "Erik"],
    ]
    commit(client, preview)
    sara = Ambassador.objects.get(phone="+46701740650")
    # The first row's values win; later rows fill what it left empty.
    assert (sara.last_name, sara.email) == ("Lind", "sara.lind@example.se")
    assert {(level.language.code, level.level) for level in sara.language_levels.all()} == {
        ("sv", 4),
        ("ar", 3),
    }
    assert set(sara.interests.values_list("slug", flat=True)) == {"cooking", "skiing"}
    erik.refresh_from_db()
    assert erik.email == "erik@example.se"
    assert {level.language.code for level in erik.language_levels.all()} == {"sv", "en"}
    assert Ambassador.objects.count() == 2


def test_importing_the_same_file_twice_doubles_nobody(client: Client, coordinator: User) -> None:
    commit(client, upload(client, "ambassadors.csv"))

    again = upload(client, "ambassadors.csv")

    assert [row[1] for row in table(again, "Row", "What happens")] == [
        "Already registered: nothing new"
    ] * 3
    response = commit(client, again)
    assert "New ambassadors: 0; merged into existing ones: 0; already registered: 3." in text(
        response
    )
    assert Ambassador.objects.count() == 3


def test_a_number_registered_in_another_municipality_is_not_merged(
    client: Client, coordinator: User, ambassador: Callable[..., Ambassador]
) -> None:
    ambassador("Krokom", phone="+46701740650")

    preview = upload(client, "ambassadors.csv")

    assert table(preview, "Row", "Column") == [
        ["2", "phone", "070-174 06 50",
         "This number belongs to an ambassador outside your municipalities: "
         "a region coordinator can import this row."],
    ]  # fmt: skip


def test_a_file_that_gains_an_error_after_its_preview_imports_nothing(
    client: Client, coordinator: User, ambassador: Callable[..., Ambassador]
) -> None:
    preview = upload(client, "ambassadors.csv")
    # Meanwhile Omar's number signs up in a municipality this coordinator does not run.
    ambassador("Krokom", phone="+46701740651")

    response = commit(client, preview)

    assert "Nothing was imported: the file has errors now" in text(response)
    assert table(response, "Row", "Column")[0][:2] == ["3", "phone"]
    assert Ambassador.objects.count() == 1


def test_a_preview_from_another_upload_is_not_imported(client: Client, coordinator: User) -> None:
    first = upload(client, "ambassadors.csv")
    upload(client, "ambassadors-duplicates.csv")

    response = commit(client, first)

    assert "Another file was uploaded since that preview" in text(response)
    assert not Ambassador.objects.exists()


def test_a_region_admin_imports_into_any_municipality(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    client.force_login(make_coordinator(region_admin=True))
    content = "förnamn;mobil;kommun;språk\nAnna;070-174 06 70;Härjedalens kommun;sv\n".encode()

    commit(client, upload(client, "anna.csv", content=content))

    anna = Ambassador.objects.get()
    assert anna.home_municipality == Municipality.objects.get(name="Härjedalen")
    assert anna.preferred_language == Language.objects.get(code="sv")


def test_a_good_organisation_file_imports_every_organisation(
    client: Client, coordinator: User
) -> None:
    preview = upload(client, "organisations.csv", kind="organisations")

    assert table(preview, "Row", "What happens") == [
        ["2", "New", "Fjällbygdens Bygg AB", "556677-0003", "employer", "Åre", ""],
        ["3", "New", "Östersunds Schackklubb", "802000-1239", "association", "Östersund", ""],
        ["4", "New", "Bygdens Hälsocentral", "212000-2700", "public body", "Östersund", ""],
    ]
    assert "consented" not in text(preview) and "have agreed" not in text(preview)

    response = commit(client, preview, consent=False)

    assert "Imported. New organisations: 3;" in text(response)
    assert list(Organisation.objects.values_list("org_number", "kind").order_by("org_number")) == [
        ("212000-2700", "public"),
        ("556677-0003", "employer"),
        ("802000-1239", "association"),
    ]


def test_a_broken_organisation_file_imports_nothing_and_says_which_rows_and_why(
    client: Client, coordinator: User
) -> None:
    preview = upload(client, "organisations-broken.csv", kind="organisations")

    assert table(preview, "Row", "Column") == [
        ["3", "organisationsnummer", "556677-0004",
         "Enter a Swedish organisation number with ten digits, e.g. 556016-0680."],
        ["4", "kommun", "Kiruna", "Unknown municipality."],
        ["5", "namn", "", "This field is required."],
    ]  # fmt: skip
    commit(client, preview, consent=False)
    assert not Organisation.objects.exists()


def test_an_organisation_number_already_registered_is_not_doubled(
    client: Client, coordinator: User
) -> None:
    existing = Organisation.objects.create(
        name="Fjällbygdens Bygg Aktiebolag",
        org_number="5566770003",
        kind=Organisation.Kind.EMPLOYER,
        municipality=Municipality.objects.get(name="Åre"),
    )

    preview = upload(client, "organisations-duplicates.csv", kind="organisations")

    assert table(preview, "Row", "What happens") == [
        ["2, 3", "Already registered: nothing new", "Fjällbygdens Bygg AB", "556677-0003",
         "employer", "Åre",
         "Row 3 names it Fjällbygdens Bygg: kept Fjällbygdens Bygg AB. "
         "Registered as Fjällbygdens Bygg Aktiebolag: the name is kept."],
    ]  # fmt: skip
    commit(client, preview)
    commit(client, upload(client, "organisations.csv", kind="organisations"))
    commit(client, upload(client, "organisations.csv", kind="organisations"))
    assert Organisation.objects.count() == 3
    existing.refresh_from_db()
    assert existing.name == "Fjällbygdens Bygg Aktiebolag"


def test_cancelling_drops_the_file(client: Client, coordinator: User) -> None:
    upload(client, "ambassadors.csv")

    response = client.post(reverse("workspace:import_cancel"), follow=True)

    assert "The file was dropped" in text(response)
    assert client.session.get("workspace_import") is None
    assert client.get(reverse("workspace:import_preview"))["Location"] == reverse(
        "workspace:import"
    )
