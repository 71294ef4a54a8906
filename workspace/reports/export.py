"""The funder's report as files: a CSV with one figure a line, and a spreadsheet of tables.

Both are written from a Report, whose hidden figures carry no value: what is
suppressed on the page is suppressed here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workspace.reports.figures import (
    DEFINITIONS,
    HIDDEN,
    SUPPRESSION_NOTE,
    CrossTable,
    Figure,
    Report,
)

# A spreadsheet runs a CSV cell that starts with one of these as a formula.
# Names come from the database, where an import or an admin may have put
# anything, so they are defused with a quote, as ambassadors/exports.py does.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _defused(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _shown(figure: Figure) -> int | str:
    return HIDDEN if figure.value is None else figure.value


def file_name(report: Report, extension: str) -> str:
    return f"funder-report-{report.quarter.year}-Q{report.quarter.number}.{extension}"


def _figure_lines(report: Report) -> Iterator[tuple[str, str, str, int | str]]:
    """(measure, municipality, language, figure) for every published figure, totals included.

    Organisations and events are not broken down by language: their language is "Total".
    """
    total = _("Total")
    places = [row.name for row in report.rows] + [total]
    whole = [
        (_("Organisations taking part"), report.organisations),
        (_("Companies reached"), report.companies),
        (_("Events"), report.events),
    ]
    for table in report.cross_tables[:2]:
        yield from _cross_lines(table.title, places, table)
    for title, counts in whole:
        for place, count in zip(places, counts, strict=True):
            yield title, place, total, count
    for table in report.cross_tables[2:]:
        yield from _cross_lines(table.title, places, table)


def _cross_lines(
    title: str, places: list[str], table: CrossTable
) -> Iterator[tuple[str, str, str, int | str]]:
    languages = [column.name for column in table.columns] + [_("Total")]
    for place, figures in zip(places, table.figures, strict=True):
        for language, figure in zip(languages, figures, strict=True):
            yield title, place, language, _shown(figure)


def report_csv(report: Report) -> str:
    """One line per figure: year, quarter, measure, municipality, language, figure."""
    buffer = io.StringIO()
    # The byte order mark makes Excel read the file as UTF-8, so Östersund
    # and Åre keep their letters.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Year"), _("Quarter"), _("Measure"), _("Municipality"), _("Language"), _("Figure")]
    )
    for measure, place, language, figure in _figure_lines(report):
        writer.writerow(
            [
                report.quarter.year,
                report.quarter.number,
                _defused(measure),
                _defused(place),
                _defused(language),
                figure,
            ]
        )
    return buffer.getvalue()


def _text(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    cell = sheet.cell(row=row, column=column, value=value)
    # openpyxl writes a string starting with "=" as a formula; a name never is one.
    cell.data_type = "s"
    return cell


def _sheet_title(title: str, taken: set[str]) -> str:
    # Excel refuses these characters in a sheet's name, and names over 31 characters.
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, number = base, 2
    while name.casefold() in taken:
        suffix = f" {number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.casefold())
    return name


def report_xlsx(report: Report) -> bytes:
    """A workbook: what the figures mean first, then one sheet per table."""
    workbook = Workbook()
    bold = Font(bold=True)
    taken: set[str] = set()
    about = workbook.active
    assert about is not None
    about.title = _sheet_title(_("About the report"), taken)
    quarter = report.quarter
    heading = _text(
        about,
        1,
        1,
        _("Report for the funder, %(quarter)s (%(first)s to %(last)s)")
        % {"quarter": quarter, "first": quarter.first_day, "last": quarter.last_day},
    )
    heading.font = Font(bold=True, size=14)
    scope = ", ".join(report.scope) if report.scope else _("All municipalities")
    _text(about, 2, 1, _("Municipalities: %(scope)s") % {"scope": scope})
    _text(about, 3, 1, str(SUPPRESSION_NOTE))
    for offset, (term, meaning) in enumerate(DEFINITIONS):
        _text(about, 5 + offset, 1, str(term)).font = bold
        _text(about, 5 + offset, 2, str(meaning)).alignment = Alignment(wrap_text=True)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100

    for table in report.tables():
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        _text(sheet, 1, 1, table.corner).font = bold
        for column, name in enumerate(table.columns, start=2):
            _text(sheet, 1, column, name).font = bold
            sheet.column_dimensions[get_column_letter(column)].width = max(12, len(name) + 2)
        sheet.column_dimensions["A"].width = 28
        for row, line in enumerate(table.lines, start=2):
            _text(sheet, row, 1, line.heading).font = Font(bold=line.is_total)
            for column, figure in enumerate(line.figures, start=2):
                cell = sheet.cell(row=row, column=column, value=_shown(figure))
                cell.alignment = Alignment(horizontal="right")
                cell.font = Font(bold=line.is_total)
        sheet.freeze_panes = "B2"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
