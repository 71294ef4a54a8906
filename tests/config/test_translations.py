"""The Swedish, Arabic and Ukrainian catalogues: complete, compiled and used by the pages."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED_LANGUAGES = ["sv", "ar", "uk"]
PROJECT_DIRS = ("config/", "ambassadors/", "api/", "matching/", "events/", "workspace/")
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
NPLURALS = {"sv": "2", "ar": "6", "uk": "4"}

by_language = pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)


def po_file(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"))


def mo_file(code: str) -> polib.MOFile:
    return polib.mofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.mo"))


def translations(
    entries: list[polib.POEntry] | list[polib.MOEntry],
) -> dict[tuple[str | None, str], object]:
    """msgid → msgstr (or the plural forms), keyed by context too."""
    return {
        (entry.msgctxt, entry.msgid): (
            tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        )
        for entry in entries
        if not entry.obsolete
    }


@by_language
def test_every_string_is_translated(code: str) -> None:
    po = po_file(code)

    assert len(po) > 100
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert po.percent_translated() == 100


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
ROOT = Path(settings.BASE_DIR)


def python_msgids() -> set[str]:
    """The literal strings the project's Python code passes to gettext.

    makemessages needs GNU gettext, which a fresh machine lacks; reading the
    calls with `ast` catches a new string nobody added to the catalogues.
    """
    found: set[str] = set()
    for directory in PROJECT_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                first = node.args[0]
                if name in GETTEXT_NAMES and isinstance(first, ast.Constant):
                    if isinstance(first.value, str):
                        found.add(first.value)
    return found


@by_language
def test_every_string_in_the_python_code_is_in_the_catalogue(code: str) -> None:
    catalogue = {entry.msgid for entry in po_file(code) if not entry.obsolete}

    missing = sorted(python_msgids() - catalogue)

    assert missing == []


@by_language
def test_no_translation_is_marked_fuzzy(code: str) -> None:
    po = po_file(code)

    assert not po.metadata_is_fuzzy
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


@by_language
def test_the_header_names_the_language_and_its_plural_forms(code: str) -> None:
    metadata = po_file(code).metadata

    assert metadata["Language"] == code
    assert metadata["Plural-Forms"].startswith(f"nplurals={NPLURALS[code]}; plural=")


@by_language
def test_the_catalogue_holds_only_the_projects_own_strings(code: str) -> None:
    sources = {path for entry in po_file(code) for path, _line in entry.occurrences}

    assert sources
    assert {path for path in sources if not path.startswith(PROJECT_DIRS)} == set()


@by_language
def test_the_committed_mo_file_holds_exactly_the_po_files_translations(code: str) -> None:
    # A .po edited without running compilemessages fails here.
    assert translations(mo_file(code)) == translations(po_file(code).translated_entries())


def placeholders_kept(entry: polib.POEntry) -> bool:
    if not entry.msgid_plural:
        return sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr))
    # A form used for a single number ("one child", Arabic's "two children") may leave
    # the number out, as msgfmt allows; no form may add one, and together they keep all.
    expected = set(PLACEHOLDER.findall(entry.msgid_plural))
    used = [set(PLACEHOLDER.findall(form)) for form in entry.msgstr_plural.values()]
    return all(found <= expected for found in used) and set().union(*used) == expected


@by_language
def test_every_placeholder_is_kept_in_the_translation(code: str) -> None:
    mismatched = [entry.msgid for entry in po_file(code) if not placeholders_kept(entry)]

    assert mismatched == []


@by_language
def test_the_sms_stop_keyword_is_not_translated_in_the_consent_texts(code: str) -> None:
    consent_texts = [entry for entry in po_file(code) if "reply STOPP" in entry.msgid]

    assert len(consent_texts) == 2
    for entry in consent_texts:
        assert "STOPP" in entry.msgstr
        assert "Region Jämtland Härjedalen" in entry.msgstr


@pytest.mark.django_db
def test_the_buddy_page_is_in_swedish(client: Client) -> None:
    html = client.get("/sv/buddy/").content.decode()

    assert '<html lang="sv"' in html
    assert "<h1>Be om en kompis</h1>" in html
    assert "Ask for a buddy" not in html


@pytest.mark.django_db
def test_the_buddy_page_is_in_arabic_and_reads_right_to_left(client: Client) -> None:
    html = client.get("/ar/buddy/").content.decode()

    assert 'dir="rtl"' in html
    assert "<h1>اطلب رفيقًا</h1>" in html
    assert "Ask for a buddy" not in html


@pytest.mark.django_db
def test_the_ambassador_page_is_in_ukrainian(client: Client) -> None:
    html = client.get("/uk/ambassador/").content.decode()

    assert 'dir="ltr"' in html
    assert "<h1>Стати амбасадором</h1>" in html
    assert "Become an ambassador" not in html
