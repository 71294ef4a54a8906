"""Bringing ambassadors and organisations in from a spreadsheet: read, check, then write.

A file is read into a plan first: every row checked with the rules the sign-up
form and the models use, duplicates (by mobile number, by organisation number)
folded into one person or organisation, existing ones found. Nothing is
written until `import_commit`, which plans the file again inside one
transaction and writes all of it or nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers import PhoneNumber, PhoneNumberFormat, format_number

from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    Interest,
    Language,
    LanguageLevel,
    Municipality,
    Need,
    OptOut,
    Organisation,
    Source,
)
from ambassadors.services import ApplicationError
from workspace.imports import cells
from workspace.imports.cells import Parsers, Reference, Row, fold, unique
from workspace.imports.reading import (
    COLUMNS,
    ImportKind,
    RowError,
    Table,
    table_read,
)

logger = logging.getLogger(__name__)


class Action(models.TextChoices):
    CREATE = "create", gettext_lazy("New")
    MERGE = "merge", gettext_lazy("Merged into an existing one")
    UNCHANGED = "unchanged", gettext_lazy("Already registered: nothing new")


class ImportRefused(ApplicationError):
    """The file has errors, or gained some since its preview: nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_("Nothing was imported: the file has errors."))
        self.plan = plan


@dataclass
class AmbassadorValues:
    first_name: str
    last_name: str
    phone: PhoneNumber
    email: str
    municipality: Municipality
    languages: dict[Language, int]
    preferred_language: Language | None
    meeting_municipalities: list[Municipality]
    interests: list[Interest]
    helps_with: list[Need]
    meets_digitally: bool
    has_children: bool
    capacity: int | None
    about: str


@dataclass
class OrganisationValues:
    name: str
    org_number: str
    kind: str
    municipality: Municipality


@dataclass
class Planned:
    """One ambassador or organisation as the file will leave it, from one row or several."""

    rows: list[int]
    action: Action = Action.CREATE
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class PlannedAmbassador(Planned):
    values: AmbassadorValues | None = None
    existing: Ambassador | None = None
    # What a merge adds to the existing ambassador; it never takes anything away.
    updates: dict[str, object] = field(default_factory=dict)
    add_languages: dict[Language, int] = field(default_factory=dict)
    add_meeting_municipalities: list[Municipality] = field(default_factory=list)
    add_interests: list[Interest] = field(default_factory=list)
    add_helps_with: list[Need] = field(default_factory=list)

    @property
    def name(self) -> str:
        assert self.values is not None
        return f"{self.values.first_name} {self.values.last_name}".strip()

    @property
    def phone(self) -> str:
        assert self.values is not None
        return format_number(self.values.phone, PhoneNumberFormat.INTERNATIONAL)

    @property
    def municipality(self) -> Municipality:
        assert self.values is not None
        return self.values.municipality

    @property
    def languages(self) -> str:
        assert self.values is not None
        return ", ".join(
            f"{language.display_name()} ({LanguageLevel(level).label})"
            for language, level in self.values.languages.items()
        )


@dataclass
class PlannedOrganisation(Planned):
    values: OrganisationValues | None = None
    existing: Organisation | None = None

    @property
    def name(self) -> str:
        assert self.values is not None
        return self.values.name

    @property
    def org_number(self) -> str:
        assert self.values is not None
        return self.values.org_number

    @property
    def municipality(self) -> Municipality:
        assert self.values is not None
        return self.values.municipality

    @property
    def kind_label(self) -> str:
        assert self.values is not None
        return str(Organisation.Kind(self.values.kind).label)


@dataclass
class ImportPlan:
    """What a file would do. `ok` only when there is something to write and no error."""

    kind: str
    delimiter: str = ","
    problems: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    ambassadors: list[PlannedAmbassador] = field(default_factory=list)
    organisations: list[PlannedOrganisation] = field(default_factory=list)

    @property
    def planned(self) -> Sequence[PlannedAmbassador | PlannedOrganisation]:
        return self.ambassadors if self.kind == ImportKind.AMBASSADORS else self.organisations

    @property
    def ok(self) -> bool:
        return not self.problems and not self.errors and bool(self.planned)

    def count(self, action: str) -> int:
        return sum(1 for planned in self.planned if planned.action == action)

    @property
    def created(self) -> int:
        return self.count(Action.CREATE)

    @property
    def merged(self) -> int:
        return self.count(Action.MERGE)

    @property
    def unchanged(self) -> int:
        return self.count(Action.UNCHANGED)

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def delimiter_name(self) -> str:
        return {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}[self.delimiter]


@dataclass(frozen=True)
class ImportResult:
    created: int
    merged: int
    unchanged: int


def import_preview(
    *, kind: str, text: str, user: AbstractBaseUser | AnonymousUser, lock: bool = False
) -> ImportPlan:
    """Check every row of a file and say what it would create and merge. Writes nothing."""
    table = table_read(text=text, columns=COLUMNS[kind])
    plan = ImportPlan(
        kind=kind,
        delimiter=table.delimiter,
        problems=table.problems,
        errors=table.errors,
        ignored_columns=table.ignored_columns,
        rows_read=table.rows_read,
    )
    if table.problems:
        return plan
    reference = Reference.load(user=user)
    if kind == ImportKind.AMBASSADORS:
        _ambassadors_plan(table=table, reference=reference, plan=plan, lock=lock)
    else:
        _organisations_plan(table=table, reference=reference, plan=plan, lock=lock)
    plan.errors.sort(key=lambda error: error.row)
    return plan


def import_commit(*, kind: str, text: str, user: AbstractBaseUser | AnonymousUser) -> ImportResult:
    """Write a whole file or nothing. The file is checked again: the registry may have changed.

    Raises ImportRefused (with the new plan) if any row has an error.
    """
    try:
        with transaction.atomic():
            plan = import_preview(kind=kind, text=text, user=user, lock=True)
            if not plan.ok:
                raise ImportRefused(plan)
            if kind == ImportKind.AMBASSADORS:
                _ambassadors_write(plan.ambassadors)
            else:
                _organisations_write(plan.organisations)
    except IntegrityError:
        # Someone signed up with one of the numbers between our look-up and
        # our insert; the transaction is gone, so is every row of this file.
        raise ApplicationError(
            _(
                "Someone registered one of these numbers while the file was being imported. "
                "Nothing was imported: check the preview and import again."
            )
        ) from None
    result = ImportResult(created=plan.created, merged=plan.merged, unchanged=plan.unchanged)
    # Counts and ids only: the log outlives the people in it.
    logger.info(
        "import of %s by user %s: %s created, %s merged, %s unchanged",
        kind, user.pk, result.created, result.merged, result.unchanged,
    )  # fmt: skip
    return result


def _verbose(model: type[models.Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return str(model_field.verbose_name)


def _e164(phone: PhoneNumber) -> str:
    return format_number(phone, PhoneNumberFormat.E164)


def _model_errors(row: Row, error: ValidationError, renamed: dict[str, str]) -> None:
    for name, messages in error.message_dict.items():
        for message in messages:
            row.error(renamed.get(name, name), message)


# Ambassadors


def _ambassador_values(row: Row, parse: Parsers) -> AmbassadorValues | None:
    """A row's values, or None if any cell has an error (each noted on the row)."""
    errors_before = len(row.errors)
    first_name = row.get("first_name", cells.name_required, "")
    last_name = row.get("last_name", cells.name_optional, "")
    phone = row.get("phone", cells.phone, None)
    email = row.get("email", cells.email, "")
    municipality = row.get("municipality", parse.home, None)
    languages = row.get("languages", parse.languages, {})
    preferred_language = row.get("preferred_language", parse.message_language, None)
    meeting_municipalities = row.get("meeting_municipalities", parse.municipalities, [])
    interests = row.get("interests", parse.interests, [])
    helps_with = row.get("helps_with", parse.needs, [])
    meets_digitally = row.get("meets_digitally", cells.yes_no, False)
    has_children = row.get("has_children", cells.yes_no, False)
    capacity = row.get("capacity", cells.capacity, None)
    about = row.get("about", cells.about, "")
    if len(row.errors) > errors_before or phone is None or municipality is None:
        return None
    return AmbassadorValues(
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        email=email,
        municipality=municipality,
        languages=languages,
        preferred_language=preferred_language,
        meeting_municipalities=meeting_municipalities,
        interests=interests,
        helps_with=helps_with,
        meets_digitally=meets_digitally,
        has_children=has_children,
        capacity=capacity,
        about=about,
    )


def _ambassador_fold(kept: AmbassadorValues, other: AmbassadorValues, row: int) -> list[str]:
    """Fill what the first row left empty from a later row with the same number."""
    notes = []
    if fold(other.first_name) != fold(kept.first_name):
        notes.append(
            _("Row %(row)s names them %(other)s: kept %(kept)s.")
            % {"row": row, "other": other.first_name, "kept": kept.first_name}
        )
    if other.municipality != kept.municipality:
        notes.append(
            _("Row %(row)s says %(other)s: kept %(kept)s.")
            % {"row": row, "other": other.municipality.name, "kept": kept.municipality.name}
        )
    for name in ("last_name", "email", "about"):
        if not getattr(kept, name):
            setattr(kept, name, getattr(other, name))
    for language, level in other.languages.items():
        kept.languages.setdefault(language, level)
    kept.preferred_language = kept.preferred_language or other.preferred_language
    kept.meeting_municipalities = unique(
        [*kept.meeting_municipalities, *other.meeting_municipalities]
    )
    kept.interests = unique([*kept.interests, *other.interests])
    kept.helps_with = unique([*kept.helps_with, *other.helps_with])
    kept.meets_digitally = kept.meets_digitally or other.meets_digitally
    kept.has_children = kept.has_children or other.has_children
    kept.capacity = kept.capacity if kept.capacity is not None else other.capacity
    return notes


def _message_language(values: AmbassadorValues, reference: Reference) -> Language | None:
    """The best spoken of the languages texts go out in; Swedish if none of them."""
    if values.preferred_language is not None:
        return values.preferred_language
    spoken = [
        (level, language)
        for language, level in values.languages.items()
        if language.code in reference.message_languages
    ]
    # Stable: of two at one level, the one written first.
    spoken.sort(key=lambda pair: -pair[0])
    return spoken[0][1] if spoken else reference.swedish


def _ambassador_new(values: AmbassadorValues) -> Ambassador:
    return Ambassador(
        first_name=values.first_name,
        last_name=values.last_name,
        phone=values.phone,
        email=values.email,
        preferred_language=values.preferred_language,
        home_municipality=values.municipality,
        meets_digitally=values.meets_digitally,
        has_children=values.has_children,
        capacity=values.capacity if values.capacity is not None else 2,
        about=values.about,
        # Inactive until a coordinator has met them, as after a sign-up.
        active=False,
        source=Source.IMPORT,
    )


def _ambassador_create_check(planned: PlannedAmbassador, row: Row, reference: Reference) -> None:
    assert planned.values is not None
    values = planned.values
    if not values.languages:
        row.error("languages", _("Write at least one language for a new ambassador, e.g. sv:4."))
        return
    values.preferred_language = _message_language(values, reference)
    try:
        # The phone number and the looked-up rows are checked already; checking
        # them again would cost two queries a row.
        _ambassador_new(values).full_clean(
            exclude=["phone", "preferred_language", "home_municipality"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        _model_errors(row, error, {"home_municipality": "municipality"})


@dataclass
class _Held:
    """What registered ambassadors already have, by ambassador id: ids only, no rows built."""

    languages: defaultdict[int, set[int]]
    meeting_municipalities: defaultdict[int, set[int]]
    interests: defaultdict[int, set[int]]
    helps_with: defaultdict[int, set[int]]

    @classmethod
    def load(cls, ids: list[int]) -> _Held:
        def by_ambassador(pairs: Iterable[tuple[int, int]]) -> defaultdict[int, set[int]]:
            found: defaultdict[int, set[int]] = defaultdict(set)
            for ambassador_id, item_id in pairs:
                found[ambassador_id].add(item_id)
            return found

        def linked(through: type[models.Model], target: str) -> defaultdict[int, set[int]]:
            return by_ambassador(
                through._default_manager.filter(ambassador_id__in=ids).values_list(
                    "ambassador_id", target
                )
            )

        return cls(
            languages=linked(AmbassadorLanguage, "language_id"),
            meeting_municipalities=linked(
                Ambassador.meeting_municipalities.through, "municipality_id"
            ),
            interests=linked(Ambassador.interests.through, "interest_id"),
            helps_with=linked(Ambassador.helps_with.through, "need_id"),
        )


def _ambassador_merge_plan(planned: PlannedAmbassador, existing: Ambassador, held: _Held) -> None:
    """Fill what the ambassador lacks; never overwrite, never empty."""
    assert planned.values is not None
    values = planned.values
    planned.existing = existing
    if fold(existing.first_name) != fold(values.first_name):
        planned.notes.append(
            _("Registered as %(name)s: the name is kept.") % {"name": str(existing)}
        )
    if existing.home_municipality_id != values.municipality.id:
        planned.notes.append(
            _("Registered as living in %(kept)s: kept.") % {"kept": existing.home_municipality.name}
        )
    for name in ("last_name", "email", "about"):
        value = getattr(values, name)
        if value and not getattr(existing, name):
            planned.updates[name] = value
            planned.changes.append(f"{_verbose(Ambassador, name)}: {value}")
    for name in ("meets_digitally", "has_children"):
        if getattr(values, name) and not getattr(existing, name):
            planned.updates[name] = True
            planned.changes.append(_verbose(Ambassador, name))
    spoken = held.languages[existing.id]
    planned.add_languages = {
        language: level for language, level in values.languages.items() if language.id not in spoken
    }
    meeting = held.meeting_municipalities[existing.id]
    planned.add_meeting_municipalities = [
        municipality
        for municipality in values.meeting_municipalities
        if municipality.id not in meeting
    ]
    interests = held.interests[existing.id]
    planned.add_interests = [item for item in values.interests if item.id not in interests]
    helps_with = held.helps_with[existing.id]
    planned.add_helps_with = [item for item in values.helps_with if item.id not in helps_with]
    added: list[tuple[str, list[str]]] = [
        (
            "languages",
            [
                f"{language.display_name()} ({LanguageLevel(level).label})"
                for language, level in planned.add_languages.items()
            ],
        ),
        ("meeting_municipalities", [item.name for item in planned.add_meeting_municipalities]),
        ("interests", [item.display_name() for item in planned.add_interests]),
        ("helps_with", [item.display_name() for item in planned.add_helps_with]),
    ]
    for name, names in added:
        if names:
            label = _("languages") if name == "languages" else _verbose(Ambassador, name)
            planned.changes.append(f"{label}: + {', '.join(names)}")
    planned.action = Action.MERGE if planned.changes else Action.UNCHANGED


def _ambassadors_plan(*, table: Table, reference: Reference, plan: ImportPlan, lock: bool) -> None:
    parse = Parsers(reference)
    by_phone: dict[str, PlannedAmbassador] = {}
    for number, row_cells in table.records.items():
        values = _ambassador_values(Row(number, row_cells, table.headings, plan.errors), parse)
        if values is None:
            continue
        planned = by_phone.get(_e164(values.phone))
        if planned is None:
            by_phone[_e164(values.phone)] = PlannedAmbassador(rows=[number], values=values)
        else:
            assert planned.values is not None
            planned.rows.append(number)
            planned.notes.extend(_ambassador_fold(planned.values, values, number))
    found = Ambassador.objects.filter(phone__in=list(by_phone)).select_related("home_municipality")
    if lock:
        found = found.select_for_update(of=("self",))
    existing = {_e164(ambassador.phone): ambassador for ambassador in found}
    opted_out = set(OptOut.objects.filter(phone__in=list(by_phone)).values_list("phone", flat=True))
    held = _Held.load([ambassador.id for ambassador in existing.values()])
    for phone, planned in by_phone.items():
        row = Row(planned.rows[0], table.records[planned.rows[0]], table.headings, plan.errors)
        errors_before = len(plan.errors)
        ambassador = existing.get(phone)
        if ambassador is None:
            _ambassador_create_check(planned, row, reference)
        elif ambassador.home_municipality_id not in reference.allowed:
            row.error(
                "phone",
                _(
                    "This number belongs to an ambassador outside your municipalities: "
                    "a region coordinator can import this row."
                ),
            )
        else:
            _ambassador_merge_plan(planned, ambassador, held)
        if phone in opted_out:
            planned.notes.append(_("This number has asked for no texts: none go to it."))
        if len(plan.errors) == errors_before:
            plan.ambassadors.append(planned)


def _ambassadors_write(planned: Sequence[PlannedAmbassador]) -> None:
    new = [item for item in planned if item.action == Action.CREATE]
    # One insert per table, not one per person: a file may hold thousands.
    created = Ambassador.objects.bulk_create(
        [_ambassador_new(item.values) for item in new if item.values is not None]
    )
    levels: list[AmbassadorLanguage] = []
    meeting: list[tuple[Ambassador, Iterable[Municipality]]] = []
    interests: list[tuple[Ambassador, Iterable[Interest]]] = []
    helps_with: list[tuple[Ambassador, Iterable[Need]]] = []
    for ambassador, item in zip(created, new, strict=True):
        assert item.values is not None
        levels += _levels(ambassador, item.values.languages)
        # The home municipality is always a place they can meet, as after a sign-up.
        meeting.append(
            (ambassador, unique([item.values.municipality, *item.values.meeting_municipalities]))
        )
        interests.append((ambassador, item.values.interests))
        helps_with.append((ambassador, item.values.helps_with))
    for item in planned:
        if item.action != Action.MERGE or item.existing is None:
            continue
        ambassador = item.existing
        for name, value in item.updates.items():
            setattr(ambassador, name, value)
        ambassador.save(update_fields=[*item.updates, "updated_at"])
        levels += _levels(ambassador, item.add_languages)
        meeting.append((ambassador, item.add_meeting_municipalities))
        interests.append((ambassador, item.add_interests))
        helps_with.append((ambassador, item.add_helps_with))
    AmbassadorLanguage.objects.bulk_create(levels)
    _links(Ambassador.meeting_municipalities.through, "municipality_id", meeting)
    _links(Ambassador.interests.through, "interest_id", interests)
    _links(Ambassador.helps_with.through, "need_id", helps_with)


def _levels(ambassador: Ambassador, languages: dict[Language, int]) -> list[AmbassadorLanguage]:
    return [
        AmbassadorLanguage(ambassador=ambassador, language=language, level=level)
        for language, level in languages.items()
    ]


def _links(
    through: type[models.Model],
    target: str,
    pairs: Iterable[tuple[Ambassador, Iterable[models.Model]]],
) -> None:
    through._default_manager.bulk_create(
        through(ambassador_id=ambassador.id, **{target: item.pk})
        for ambassador, items in pairs
        for item in items
    )


# Organisations


def _organisation_values(row: Row, parse: Parsers) -> OrganisationValues | None:
    """A row's values, or None if any cell has an error (each noted on the row)."""
    errors_before = len(row.errors)
    name = row.get("name", cells.organisation_name, "")
    org_number = row.get("org_number", cells.org_number, "")
    kind = row.get("kind", cells.kind, "")
    municipality = row.get("municipality", parse.home, None)
    if len(row.errors) > errors_before or municipality is None:
        return None
    return OrganisationValues(
        name=name, org_number=org_number, kind=kind, municipality=municipality
    )


def _organisation_fold(kept: OrganisationValues, other: OrganisationValues, row: int) -> list[str]:
    """Keep the first row's values; a later row with the same number only fills the kind."""
    notes = []
    if fold(other.name) != fold(kept.name):
        notes.append(
            _("Row %(row)s names it %(other)s: kept %(kept)s.")
            % {"row": row, "other": other.name, "kept": kept.name}
        )
    if other.municipality != kept.municipality:
        notes.append(
            _("Row %(row)s says %(other)s: kept %(kept)s.")
            % {"row": row, "other": other.municipality.name, "kept": kept.municipality.name}
        )
    if other.kind and kept.kind and other.kind != kept.kind:
        notes.append(
            _("Row %(row)s says %(other)s: kept %(kept)s.")
            % {
                "row": row,
                "other": Organisation.Kind(other.kind).label,
                "kept": Organisation.Kind(kept.kind).label,
            }
        )
    kept.kind = kept.kind or other.kind
    return notes


def _organisation_registered_notes(existing: Organisation, values: OrganisationValues) -> list[str]:
    """Where the file differs from the registry; the registry is kept."""
    notes = []
    if fold(existing.name) != fold(values.name):
        notes.append(_("Registered as %(name)s: the name is kept.") % {"name": existing.name})
    if existing.municipality_id != values.municipality.id:
        notes.append(
            _("Registered in %(municipality)s: kept.")
            % {"municipality": existing.municipality.name}
        )
    if values.kind and values.kind != existing.kind:
        notes.append(
            _("Registered as %(kind)s: kept.") % {"kind": Organisation.Kind(existing.kind).label}
        )
    return notes


def _organisations_plan(
    *, table: Table, reference: Reference, plan: ImportPlan, lock: bool
) -> None:
    parse = Parsers(reference)
    by_number: dict[str, PlannedOrganisation] = {}
    for number, row_cells in table.records.items():
        values = _organisation_values(Row(number, row_cells, table.headings, plan.errors), parse)
        if values is None:
            continue
        planned = by_number.get(values.org_number)
        if planned is None:
            by_number[values.org_number] = PlannedOrganisation(rows=[number], values=values)
            continue
        assert planned.values is not None
        planned.rows.append(number)
        planned.notes += _organisation_fold(planned.values, values, number)
    found = Organisation.objects.filter(org_number__in=list(by_number)).select_related(
        "municipality"
    )
    if lock:
        found = found.select_for_update(of=("self",))
    existing = {organisation.org_number: organisation for organisation in found}
    for org_number, planned in by_number.items():
        assert planned.values is not None
        values = planned.values
        row = Row(planned.rows[0], table.records[planned.rows[0]], table.headings, plan.errors)
        errors_before = len(plan.errors)
        organisation = existing.get(org_number)
        if organisation is None:
            values.kind = values.kind or Organisation.Kind.EMPLOYER
            try:
                Organisation(
                    name=values.name,
                    org_number=values.org_number,
                    kind=values.kind,
                    municipality=values.municipality,
                ).full_clean(
                    exclude=["municipality"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                _model_errors(row, error, {})
        elif organisation.municipality_id not in reference.allowed:
            row.error(
                "org_number",
                _(
                    "This organisation is registered outside your municipalities: "
                    "a region coordinator can import this row."
                ),
            )
        else:
            # Every field of a registered organisation is filled: nothing to add.
            planned.existing = organisation
            planned.action = Action.UNCHANGED
            planned.notes += _organisation_registered_notes(organisation, values)
            values.kind = organisation.kind
        if len(plan.errors) == errors_before:
            plan.organisations.append(planned)


def _organisations_write(planned: Sequence[PlannedOrganisation]) -> None:
    Organisation.objects.bulk_create(
        Organisation(
            name=item.values.name,
            org_number=item.values.org_number,
            kind=item.values.kind,
            municipality=item.values.municipality,
        )
        for item in planned
        if item.action == Action.CREATE and item.values is not None
    )
