"""What an import reads: Excel's CSV flavours, our own exports, and files it cannot read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ambassadors.exports import ambassadors_csv, organisations_csv
from ambassadors.models import Ambassador, Municipality, Organisation

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def text(response: _MonkeyPatchedWSGIResponse) -> str:
    return " ".join(response.content.decode().split())


def upload(
    client: Client, name: str, kind: str = "ambassadors", content: bytes | None = None
) -> _MonkeyPatchedWSGIResponse:
    if content is None:
        content = (DATA / name).read_bytes()
    return client.post(
        reverse("workspace:import"),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")},
        follow=True,
    )


def commit(client: Client, preview: _MonkeyPatchedWSGIResponse) -> _MonkeyPatchedWSGIResponse:
    data = {"digest": preview.context["form"]["digest"].value(), "consent": "on"}
    return client.post(reverse("workspace:import_commit"), data, follow=True)


@pytest.fixture
def coordinator(client: Client, make_coordinator: Callable[..., User]) -> User:
    user = make_coordinator("Östersund", "Krokom", "Åre")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("ambassadors-excel-utf8.csv", "UTF-8"), ("ambassadors-excel-cp1252.csv", "Windows-1252")],
)
def test_swedish_excels_semicolon_files_are_read_in_either_encoding(
    client: Client, coordinator: User, name: str, encoding: str
) -> None:
    preview = upload(client, name)

    assert f"2 rows read as {encoding}, separated by semicolon" in text(preview)
    assert "Åsa Öberg" in text(preview)
    commit(client, preview)
    asa = Ambassador.objects.get(phone="+46701740653")
    assert (asa.first_name, asa.last_name, asa.home_municipality.name) == (
        "Åsa",
        "Öberg",
        "Östersund",
    )
    assert asa.has_children is True
    assert {(level.language.code, level.level) for level in asa.language_levels.all()} == {
        ("sv", 4),
        ("uk", 2),
    }
    assert list(asa.interests.values_list("slug", flat=True)) == ["skiing"]
    jorgen = Ambassador.objects.get(phone="+46701740654")
    assert jorgen.first_name == "Jörgen"
    assert set(jorgen.interests.values_list("slug", flat=True)) == {
        "mountain-hiking",
        "hunting-fishing",
    }


def test_excels_unicode_text_is_read(client: Client, coordinator: User) -> None:
    content = "förnamn\tmobil\tkommun\tspråk\r\nÅke\t070-174 06 80\tÅre\tsv:4\r\n"

    preview = upload(client, "people.txt", content=content.encode("utf-16"))

    assert "1 row read as UTF-16, separated by tab" in text(preview)
    assert "Åke" in text(preview)


def test_our_own_export_reads_back_in(
    client: Client,
    make_coordinator: Callable[..., User],
    ambassador: Callable[..., Ambassador],
) -> None:
    client.force_login(make_coordinator(region_admin=True))
    ambassador(
        "Krokom",
        languages="sv:4 ar:2",
        interests="skiing cooking",
        helps_with="housing",
        first_name="Erik",
        phone="+46701740690",
        email="erik@example.se",
    )
    Organisation.objects.create(
        name="Jämtbygg AB",
        org_number="5566770011",
        municipality=Municipality.objects.get(code="2309"),
    )
    exported = ambassadors_csv(Ambassador.objects.all()).encode()
    exported_organisations = organisations_csv(Organisation.objects.all()).encode()
    Ambassador.objects.all().delete()
    Organisation.objects.all().delete()

    preview = upload(client, "export.csv", content=exported)

    assert "Columns left out: id, paused_until, active, created_at." in text(preview)
    commit(client, preview)
    erik = Ambassador.objects.get()
    assert (erik.first_name, str(erik.phone), erik.email) == (
        "Erik",
        "+46701740690",
        "erik@example.se",
    )
    assert {(level.language.code, level.level) for level in erik.language_levels.all()} == {
        ("sv", 4),
        ("ar", 2),
    }
    assert set(erik.interests.values_list("slug", flat=True)) == {"skiing", "cooking"}
    assert list(erik.helps_with.values_list("slug", flat=True)) == ["housing"]
    assert erik.active is False
    commit(client, upload(client, "orgs.csv", "organisations", exported_organisations))
    assert Organisation.objects.get().org_number == "556677-0011"


def test_an_excel_workbook_is_refused_with_advice(client: Client, coordinator: User) -> None:
    response = upload(client, "people.xlsx", content=b"PK\x03\x04 a zip archive")

    assert response.status_code == 400
    assert "This is an Excel workbook, not a CSV file." in text(response)
    assert client.session.get("workspace_import") is None


def test_a_file_over_two_megabytes_is_refused(client: Client, coordinator: User) -> None:
    response = upload(client, "big.csv", content=b"x" * (2 * 1024 * 1024 + 1))

    assert response.status_code == 400
    assert "The file is larger than 2 MB" in text(response)


def test_a_file_with_more_than_5000_rows_is_refused(client: Client, coordinator: User) -> None:
    rows = "".join(f"Anna,070174{n:04d},Åre,sv\n" for n in range(5001))

    preview = upload(
        client, "many.csv", content=f"first_name,phone,municipality,languages\n{rows}".encode()
    )

    assert "The file has more than 5000 rows" in text(preview)
    assert reverse("workspace:import_commit") not in preview.content.decode()


def test_a_first_row_without_headings_we_know_is_explained(
    client: Client, coordinator: User
) -> None:
    preview = upload(client, "people.csv", content=b"Anna,0701740680,Are\n")

    assert "The first row names none of the columns we know" in text(preview)
    assert "förnamn, mobil, kommun" in text(preview)


def test_missing_columns_are_named(client: Client, coordinator: User) -> None:
    preview = upload(client, "people.csv", content="förnamn;språk\nAnna;sv\n".encode())

    assert "Missing columns: mobil / phone, kommun / municipality." in text(preview)


def test_a_row_with_more_cells_than_headings_is_an_error(client: Client, coordinator: User) -> None:
    content = (
        "förnamn,mobil,kommun,språk\nAnna,070-174 06 80,Åre,sv\nLars, Olle,070-174 06 81,Åre,sv\n"
    )

    preview = upload(client, "people.csv", content=content.encode())

    assert "This row has 5 cells but the first row names 4 columns" in text(preview)
    assert "1 row has errors" in text(preview)


def test_the_empty_sheet_has_the_swedish_headings_and_is_read_back(
    client: Client, coordinator: User
) -> None:
    page = client.get(reverse("workspace:import"))
    sheet = client.get(reverse("workspace:import_template", args=["organisations"]))

    assert "organisationsnummer" in text(page) and "org_number" in text(page)
    assert sheet["Content-Disposition"] == 'attachment; filename="organisations-import.csv"'
    assert sheet.content.decode("utf-8-sig") == "namn;organisationsnummer;typ;kommun\r\n"
    preview = upload(client, "sheet.csv", "organisations", sheet.content)
    assert "The file has headings but no rows." in text(preview)


def test_a_crm_export_with_a_landline_column_beside_the_mobile_reads_the_mobile(
    client: Client, coordinator: User
) -> None:
    content = (
        "Förnamn;Telefon;Mobil;Kommun;Språk;Kundnummer\nLena;063-14 00 00;070-174 06 80;Åre;sv\n"
    )

    preview = upload(client, "crm.csv", content=content.encode())

    assert "Columns left out: Telefon, Kundnummer." in text(preview)
    assert "+46 70 174 06 80" in text(preview)
    assert "1 new" in text(preview)


def test_a_waiting_file_is_pointed_to_from_the_upload_page(
    client: Client, coordinator: User
) -> None:
    upload(client, "ambassadors.csv")

    page = client.get(reverse("workspace:import"))

    assert "A file is waiting to be imported: ambassadors.csv." in text(page)
