"""Reading an uploaded spreadsheet: its encoding, its separator, its columns and rows.

Nothing here knows what the values mean; services.py checks them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from ambassadors.services import ApplicationError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class ImportKind(models.TextChoices):
    AMBASSADORS = "ambassadors", gettext_lazy("Ambassadors")
    ORGANISATIONS = "organisations", gettext_lazy("Organisations")


@dataclass(frozen=True)
class Column:
    """A column a file may have, under its Swedish or English heading (or an alias)."""

    field: str
    swedish: str
    english: str
    required: bool
    help: StrOrPromise
    aliases: tuple[str, ...] = ()

    def keys(self) -> dict[str, int]:
        """Headings that name this column, each with its rank: own names before aliases."""
        keys = {_heading_key(name): 1 for name in self.aliases}
        keys.update({_heading_key(name): 0 for name in (self.field, self.swedish, self.english)})
        return keys

    @property
    def heading(self) -> str:
        return f"{self.swedish} / {self.english}"


AMBASSADOR_COLUMNS = (
    Column("first_name", "förnamn", "first_name", True, gettext_lazy("Required."),
           ("first name", "given name", "tilltalsnamn")),
    Column("last_name", "efternamn", "last_name", False, "", ("last name", "surname")),
    Column(
        "phone", "mobil", "phone", True,
        gettext_lazy(
            "Required. A mobile number that can receive texts: 070 123 45 67 or with its "
            "country code (+44 …). The same number twice is one person."
        ),
        ("mobilnummer", "mobiltelefon", "telefon", "telefonnummer", "mobile", "mobile number",
         "phone number"),
    ),
    Column("email", "e-post", "email", False, "",
           ("e-postadress", "epost", "e-mail", "mejl", "mail")),
    Column(
        "municipality", "kommun", "municipality", True,
        gettext_lazy("Required. The municipality they live in, by name or code (Åre, 2321)."),
        ("hemkommun", "home_municipality", "home municipality"),
    ),
    Column(
        "languages", "språk", "languages", False,
        gettext_lazy(
            'Required for new ambassadors. With levels 1-4 ("sv:4 ar:3") or without '
            '("svenska, arabiska": fluent).'
        ),
        ("language", "talade språk"),
    ),
    Column(
        "preferred_language", "sms-språk", "preferred_language", False,
        gettext_lazy(
            "Swedish, English, Arabic or Ukrainian. If empty: the best spoken of those, "
            "else Swedish."
        ),
        ("meddelandespråk", "language for messages", "preferred language"),
    ),
    Column("interests", "intressen", "interests", False,
           gettext_lazy("Separated by commas, e.g. fjällvandring, matlagning.")),
    Column("helps_with", "kan hjälpa med", "helps_with", False,
           gettext_lazy("Separated by commas, e.g. bostad, skola och förskola."),
           ("hjälper med", "helps with", "can help with")),
    Column("meeting_municipalities", "kan träffas i", "meeting_municipalities", False,
           gettext_lazy("Other municipalities where they can meet, separated by commas."),
           ("träffkommuner", "meeting municipalities")),
    Column("meets_digitally", "träffas digitalt", "meets_digitally", False,
           gettext_lazy("ja or nej (yes or no)."), ("digitalt", "meets digitally")),
    Column("has_children", "har barn", "has_children", False,
           gettext_lazy("ja or nej (yes or no)."), ("has children",)),
    Column("capacity", "antal kompisar", "capacity", False,
           gettext_lazy("How many buddies at once, 1-10. If empty: 2."),
           ("kapacitet", "buddies")),
    Column("about", "om", "about", False, "", ("om mig", "presentation", "about me")),
)  # fmt: skip

ORGANISATION_COLUMNS = (
    Column("name", "namn", "name", True, gettext_lazy("Required."),
           ("organisation", "organisationsnamn", "företag", "företagsnamn", "company")),
    Column(
        "org_number", "organisationsnummer", "org_number", True,
        gettext_lazy("Required. Ten digits, e.g. 556016-0680. The same number twice is one "
                     "organisation."),
        ("orgnr", "org nr", "org.nr", "orgnummer", "organisation number", "organization number"),
    ),
    Column(
        "kind", "typ", "kind", False,
        gettext_lazy(
            "arbetsgivare (employer), offentlig (public body), förening (association) or "
            "annat (other). If empty: employer."
        ),
        ("type", "organisationstyp"),
    ),
    Column("municipality", "kommun", "municipality", True,
           gettext_lazy("Required. By name or code (Åre, 2321)."), ("säte", "sätesort")),
)  # fmt: skip

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.AMBASSADORS: AMBASSADOR_COLUMNS,
    ImportKind.ORGANISATIONS: ORGANISATION_COLUMNS,
}


@dataclass(frozen=True)
class ImportFile:
    name: str
    text: str
    encoding: str

    @property
    def digest(self) -> str:
        """Names this content, so a commit imports the very file its preview showed."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


def import_file_read(*, name: str, content: bytes) -> ImportFile:
    """Decode an uploaded CSV: UTF-8 with or without BOM, UTF-16, or Excel's Windows-1252."""
    if len(content) > MAX_BYTES:
        raise ApplicationError(
            _("The file is larger than %(size)s MB: split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ApplicationError(
            _(
                "This is an Excel workbook, not a CSV file. "
                'In Excel choose "Save as" and "CSV UTF-8".'
            ),
            field="file",
        )
    if content.startswith(b"\xef\xbb\xbf"):
        text, encoding = content.decode("utf-8-sig", errors="replace"), "UTF-8"
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text": UTF-16 with a byte order mark, tab-separated.
        text, encoding = content.decode("utf-16", errors="replace"), "UTF-16"
    else:
        try:
            text, encoding = content.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            # Swedish Excel's plain "CSV" is Windows-1252; UTF-8 that is not
            # valid is rarer than that, and decoding it so would show as
            # garbled names in the preview rather than pass unseen.
            try:
                text, encoding = content.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                raise ApplicationError(
                    _('The file\'s characters could not be read. Save it as "CSV UTF-8".'),
                    field="file",
                ) from None
    if "\x00" in text:
        raise ApplicationError(_("This does not look like a CSV file."), field="file")
    if not text.strip():
        raise ApplicationError(_("The file is empty."), field="file")
    return ImportFile(name=name, text=text, encoding=encoding)


def import_template_csv(*, kind: str) -> str:
    """An empty sheet with the Swedish headings, separated by semicolons as Swedish Excel does."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow(column.swedish for column in COLUMNS[kind])
    # The byte order mark makes Excel read the file as UTF-8 (å, ä, ö).
    return "\ufeff" + buffer.getvalue()


@dataclass
class Table:
    """A file's rows by field, or the problems that stop it being read."""

    delimiter: str = ","
    headings: dict[str, str] = field(default_factory=dict)  # field → heading as written
    records: dict[int, dict[str, str]] = field(default_factory=dict)  # row → field → cell
    problems: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0


def _heading_key(text: str) -> str:
    text = re.sub(r"\(.*?\)", "", text.casefold()).replace("*", "")
    return re.sub(r"[\s_.:\-]+", "", text)


def _field_for(columns: Sequence[Column]) -> dict[str, tuple[str, int]]:
    return {key: (column.field, rank) for column in columns for key, rank in column.keys().items()}


def _delimiter(text: str, columns: Sequence[Column]) -> str:
    """The separator under which the first row names the most known columns."""
    field_for = _field_for(columns)
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    scores = {
        delimiter: sum(
            _heading_key(cell) in field_for
            for cell in next(csv.reader([first_line], delimiter=delimiter), [])
        )
        for delimiter in (",", ";", "\t")
    }
    best = max(scores, key=lambda delimiter: scores[delimiter])
    if scores[best]:
        return best
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _columns_of(
    header: list[str], field_for: dict[str, tuple[str, int]], table: Table
) -> list[str | None]:
    """The field each column holds, None for those left out.

    A CRM export may have both "mobil" and "telefon": a column under one of
    our own headings wins over one under an alias, which is left out.
    """
    found = [field_for.get(_heading_key(heading)) for heading in header]
    best: dict[str, int] = {}
    for match in found:
        if match is not None:
            best[match[0]] = min(best.get(match[0], match[1]), match[1])
    fields: list[str | None] = []
    taken: dict[str, str] = {}
    for heading, match in zip(header, found, strict=True):
        heading = heading.strip()
        if match is None or match[1] > best[match[0]]:
            if heading:
                table.ignored_columns.append(heading)
            fields.append(None)
        elif match[0] in taken:
            table.problems.append(
                _('Two columns mean the same thing: "%(first)s" and "%(second)s".')
                % {"first": taken[match[0]], "second": heading}
            )
            fields.append(None)
        else:
            taken[match[0]] = heading
            fields.append(match[0])
    return fields


def _cell(text: str) -> str:
    text = text.strip()
    # Our own exports defuse formulas with a leading quote ('+4670…); read
    # them back as written.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def table_read(*, text: str, columns: Sequence[Column]) -> Table:
    """Read a CSV file's rows under the columns it names. Checks no values."""
    table = Table()
    text = text.lstrip("\ufeff")
    table.delimiter = _delimiter(text, columns)
    field_for = _field_for(columns)
    by_field = {column.field: column for column in columns}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter)
    try:
        header = next(reader, [])
        headings: dict[str, str] = {}
        fields = _columns_of(header, field_for, table)
        for name, heading in zip(fields, header, strict=True):
            if name is not None:
                headings[name] = heading.strip()
        if not headings:
            table.problems.append(
                _(
                    "The first row names none of the columns we know. It must hold the "
                    "headings, e.g. %(example)s: see the list of columns."
                )
                % {"example": ", ".join(column.swedish for column in columns if column.required)}
            )
            return table
        missing = [
            column.heading for column in columns if column.required and column.field not in headings
        ]
        if missing:
            table.problems.append(
                _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        records: dict[int, dict[str, str]] = {}
        # Rows are numbered as the spreadsheet shows them, the headings on row 1;
        # a cell with a line break in it is still one row there.
        for row, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            table.rows_read += 1
            if table.rows_read > MAX_ROWS:
                table.problems.append(
                    _("The file has more than %(count)s rows: split it into smaller files.")
                    % {"count": MAX_ROWS}
                )
                return table
            if len(cells) > len(fields) and any(cell.strip() for cell in cells[len(fields) :]):
                table.errors.append(
                    RowError(
                        row,
                        "",
                        "",
                        _(
                            "This row has %(cells)s cells but the first row names %(columns)s "
                            "columns. A value may hold the separator: put it in quotes."
                        )
                        % {"cells": len(cells), "columns": len(fields)},
                    )
                )
                continue
            records[row] = {
                name: _cell(cell) for name, cell in zip(fields, cells, strict=False) if name
            }
    except csv.Error as error:
        table.problems.append(
            _("The file could not be read as CSV near row %(row)s: %(error)s")
            % {"row": reader.line_num, "error": error}
        )
        return table
    if table.problems:
        return table
    if not table.rows_read:
        table.problems.append(_("The file has headings but no rows."))
        return table
    for name, column in by_field.items():
        headings.setdefault(name, column.heading)
    table.headings = headings
    table.records = records
    return table
