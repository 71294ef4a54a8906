"""The funder's report as CSV and XLSX: the page's figures, hidden where the page hides them."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ambassadors.models import Ambassador, BuddyRequest, Municipality
from tests.workspace.test_reports import NOW, Q1, matched, small_counts

pytestmark = pytest.mark.django_db

EXPORTS = ["workspace:report_csv", "workspace:report_xlsx"]


@pytest.fixture(autouse=True)
def _may_2027() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def csv_figures(client: Client) -> dict[tuple[str, str, str], str]:
    """The CSV's figures by (measure, municipality, language)."""
    response = client.get(reverse("workspace:report_csv"), Q1)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="funder-report-2027-Q1.csv"'
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {(line["Year"], line["Quarter"]) for line in lines} == {("2027", "1")}
    return {
        (line["Measure"], line["Municipality"], line["Language"]): line["Figure"] for line in lines
    }


def workbook_sheets(client: Client) -> dict[str, list[list[object]]]:
    """Each sheet of the XLSX, as openpyxl reads it back: rows of cell values."""
    response = client.get(reverse("workspace:report_xlsx"), Q1)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="funder-report-2027-Q1.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheets: dict[str, list[list[object]]] = {}
    for sheet in workbook.worksheets:
        sheets[sheet.title] = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheets


def rows_by_heading(sheet: list[list[object]]) -> dict[object, list[object]]:
    return {row[0]: row[1:] for row in sheet[1:]}


def test_the_csv_hides_the_three_households_as_the_page_does(
    client: Client,
    make_coordinator: Callable[..., User],
    make_request: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    small_counts(make_request, ambassador)
    client.force_login(make_coordinator(region_admin=True))

    figures = csv_figures(client)

    assert figures[("Households matched", "Östersund", "Arabic")] == ".."
    assert figures[("Households matched", "Östersund", "Total")] == ".."
    assert figures[("Households matched", "Åre", "Arabic")] == ".."
    assert figures[("Households matched", "Åre", "Ukrainian")] == "9"
    assert figures[("Households matched", "Total", "Arabic")] == "9"
    assert figures[("Households matched", "Total", "Total")] == str(
        BuddyRequest.objects.filter(matches__isnull=False).distinct().count()
    )
    assert figures[("People in them", "Östersund", "Arabic")] == ".."
    assert figures[("People in them", "Total", "Total")] == "50"
    assert figures[("Organisations taking part", "Total", "Total")] == "0"
    assert figures[("Calls missed", "Region-wide or digital", "Total")] == "0"
    assert "3" not in {
        figure for (measure, place, _), figure in figures.items() if place == "Östersund"
    }


def test_the_spreadsheet_hides_the_three_households_as_the_page_does(
    client: Client,
    make_coordinator: Callable[..., User],
    make_request: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    small_counts(make_request, ambassador)
    client.force_login(make_coordinator(region_admin=True))

    sheets = workbook_sheets(client)

    assert list(sheets) == [
        "About the report",
        "By municipality",
        "By language",
        "Households matched",
        "People in them",
        "Participants",
        "Calls answered",
        "Calls missed",
    ]
    households = sheets["Households matched"]
    assert households[0] == ["Municipality", "Arabic", "Ukrainian", "Total"]
    by_place = rows_by_heading(households)
    assert by_place["Östersund"] == ["..", 0, ".."]
    assert by_place["Åre"] == ["..", 9, ".."]
    assert by_place["Total"] == [9, 16, 25]
    assert rows_by_heading(sheets["People in them"])["Östersund"] == ["..", 0, ".."]
    summary = rows_by_heading(sheets["By municipality"])
    assert summary["Östersund"][:2] == ["..", ".."]
    assert summary["Krokom"][:2] == [7, 14]
    assert summary["Total"][:2] == [25, 50]
    about = [cell for row in sheets["About the report"] for cell in row if cell]
    assert "Report for the funder, 2027 Q1 (2027-01-01 to 2027-03-31)" in about
    assert "Households matched" in about
    assert any(str(cell).startswith("Counts of people under 5") for cell in about)


def test_the_files_hold_only_the_coordinators_municipalities(
    client: Client,
    make_coordinator: Callable[..., User],
    make_request: Callable[..., BuddyRequest],
    ambassador: Callable[..., Ambassador],
) -> None:
    buddy = ambassador("Åre")
    for _ in range(5):
        matched(make_request, buddy, "Åre", "ar")
        matched(make_request, buddy, "Östersund", "ar")
    client.force_login(make_coordinator("Åre"))

    figures = csv_figures(client)
    sheets = workbook_sheets(client)

    assert {place for _, place, _ in figures} == {"Åre", "Region-wide or digital", "Total"}
    assert figures[("Households matched", "Total", "Total")] == "5"
    assert list(rows_by_heading(sheets["By municipality"])) == [
        "Åre",
        "Region-wide or digital",
        "Total",
    ]
    assert "Municipalities: Åre" in [row[0] for row in sheets["About the report"]]


def test_a_name_that_looks_like_a_formula_stays_text(
    client: Client, make_coordinator: Callable[..., User]
) -> None:
    Municipality.objects.filter(name="Berg").update(name='=HYPERLINK("https://x.example")')
    client.force_login(make_coordinator(region_admin=True))

    figures = csv_figures(client)
    response = client.get(reverse("workspace:report_xlsx"), Q1)
    sheet = load_workbook(io.BytesIO(response.content))["By municipality"]

    assert ("Events", '\'=HYPERLINK("https://x.example")', "Total") in figures
    cell = sheet["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("https://x.example")', "s")


@pytest.mark.parametrize("export", EXPORTS)
def test_the_files_are_for_coordinators_only(
    client: Client, django_user_model: type[User], export: str
) -> None:
    visitor = client.get(reverse(export), Q1)
    client.force_login(django_user_model.objects.create_user(username="someone"))
    someone = client.get(reverse(export), Q1)

    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("workspace:login"))
    assert someone.status_code == 403


@pytest.mark.parametrize("export", EXPORTS)
def test_a_file_for_a_quarter_that_does_not_exist_is_refused(
    client: Client, make_coordinator: Callable[..., User], export: str
) -> None:
    client.force_login(make_coordinator(region_admin=True))

    response = client.get(reverse(export), {"year": "2027", "quarter": "0"})

    assert response.status_code == 400
    assert response.content.decode() == "Choose a year (2000–2100) and a quarter (1–4)."
