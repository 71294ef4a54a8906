"""The data protection rights: what we hold about a person, their erasure, and retention.

A person is found by their phone number (any spelling): the ambassador and
every buddy request with that number. Erasing them anonymises the rows the
funder's report counts (the household's size, municipality and language; the
ambassador's language; matches, invitations and calls stay as counts) and
deletes the rest: the message log, offers' free texts, hotline volunteering,
buddy meetings, opt-outs, django-q2's records of their tasks, and their
messages at Twilio (a task, after commit, holding SIDs only).

This app knows only its own tables. Every other app that holds rows about
people (matching, events) registers a `PersonPart` from its `ready()`, and
export, erasure, consent withdrawal and retention ask each part in turn: so
the dependencies still point one way (events → matching → ambassadors) while
an erasure stays one transaction over everything held about a person.
"""

from __future__ import annotations

import ast
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

import phonenumbers
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import OrmQ, Schedule, Task

from ambassadors.audit import audit_record, subject_type
from ambassadors.models import (
    ERASED_NAME,
    Ambassador,
    AmbassadorLanguage,
    AuditEvent,
    BuddyRequest,
    Consent,
    InboundSms,
    OptOut,
    OutboundSms,
    TwilioDeletion,
    erased_phone,
)
from ambassadors.outbox import twilio_deletions_queue
from ambassadors.services import ApplicationError
from ambassadors.validators import phone_read

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser

# django-q2 tasks whose arguments are ids of OutboundSms rows (one, or a list).
MESSAGE_TASKS = frozenset(
    {"ambassadors.tasks.sms_send_task", "ambassadors.tasks.sms_send_many_task"}
)
# What a redacted text of someone else reads instead of its words about the person.
REDACTED = "(erased)"


class PersonNotFound(ApplicationError):
    """No ambassador or request (that the user may see) has this number."""


def phone_parse(text: str) -> str:
    """The number in E.164 (+46701740605) from any spelling; ApplicationError if it is none.

    "070-174 06 05", "0046 70 …", "+46 70 …" and "4670…" (a spreadsheet's lost +) all work.
    """
    e164 = phone_read(text or "")
    if e164 is not None:
        return e164
    raise ApplicationError(_("This is not a phone number we can read."), field="phone")


def phone_spellings(e164: str) -> list[str]:
    """The ways a number is written in our rows and texts: +46701740605, 0701740605, …"""
    number = phonenumbers.parse(e164, None)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return list(dict.fromkeys([e164, re.sub(r"\D", "", national), national, international]))


@dataclass(frozen=True)
class Person:
    """Everything that carries one phone number: an ambassador, households, or both."""

    phone: str
    ambassadors: list[Ambassador]
    buddy_requests: list[BuddyRequest]

    @property
    def rows(self) -> list[Ambassador | BuddyRequest]:
        return [*self.ambassadors, *self.buddy_requests]


def person_find(*, phone: str, user: User | None = None) -> Person:
    """The person with this number; with `user`, only the rows that user may see.

    Raises ApplicationError for a malformed number and PersonNotFound for
    a number nobody (visible) has. Erased rows no longer have a number.
    """
    e164 = phone_parse(phone)
    ambassadors = Ambassador.objects.filter(phone=e164, erased_at__isnull=True)
    requests = BuddyRequest.objects.filter(phone=e164, erased_at__isnull=True)
    if user is not None:
        ambassadors = ambassadors.visible_to(user)
        requests = requests.visible_to(user)
    person = Person(
        phone=e164,
        ambassadors=list(ambassadors.order_by("id")),
        buddy_requests=list(requests.order_by("created_at", "id")),
    )
    if not person.rows:
        raise PersonNotFound(_("Nobody you can see has this number."), field="phone")
    return person


def erasable_by(*, user: User, person: Person) -> bool:
    """A region admin, or a coordinator of the municipality of every row of the person."""
    from ambassadors.selectors import coordinator_municipalities, is_coordinator

    if not is_coordinator(user=user):
        return False
    municipalities = coordinator_municipalities(user=user)
    if municipalities is None:
        return True
    allowed = set(municipalities.values_list("id", flat=True))
    places = [a.home_municipality_id for a in person.ambassadors] + [
        r.municipality_id for r in person.buddy_requests
    ]
    return all(place in allowed for place in places)


# Export.


def _value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    return str(value)


def _row(instance: models.Model, *, many: Iterable[str] = ()) -> dict[str, object]:
    """A row's own fields (foreign keys as ids), plus the named many-to-many fields as names."""
    row: dict[str, object] = {}
    for model_field in instance._meta.concrete_fields:
        row[model_field.attname] = _value(getattr(instance, model_field.attname))
    for name in many:
        row[name] = sorted(str(item) for item in getattr(instance, name).all())
    return row


def rows_export(queryset: models.QuerySet[Any], **kwargs: Any) -> list[dict[str, object]]:
    """The rows of `queryset` as JSON-able dicts, in id order (see `_row` for `many`)."""
    return [_row(instance, **kwargs) for instance in queryset.order_by("pk")]


@dataclass(frozen=True)
class Subjects:
    """The rows an export, erasure or release is about, by id: one person's, or one request."""

    ambassador_ids: list[int]
    request_ids: list[int]

    @property
    def theirs(self) -> Q:
        """Rows of a table with both `ambassador` and `buddy_request` that point at them."""
        return Q(ambassador_id__in=self.ambassador_ids) | Q(buddy_request_id__in=self.request_ids)


class PersonPart(Protocol):
    """What one app holds about people, and how it lets go of it: registered from `ready()`.

    This app cannot import the apps that depend on it, so each of them brings
    its own part (matching/privacy.py, events/privacy.py). Parts run in the
    order of `stage`, lowest first, and this app's own rows come after every
    part. A part's rows point at the rows of the apps it depends on (a buddy
    meeting at its match, an offer at its ambassador), so an app goes before
    the apps it depends on: events, then matching, then ambassadors. Each then
    still finds the rows it reaches through the others (the matches whose
    buddy meetings go), and the person's own rows are anonymised last, when
    nothing else needs to find them.
    """

    #: The app label, which names the part (registering a label again replaces its part).
    label: str
    #: Lower runs first: an app below the apps it depends on.
    stage: int

    def export(self, subjects: Subjects) -> dict[str, list[dict[str, object]]]:
        """The app's rows about them, by table label ("matching.offer"), see `rows_export`."""
        ...

    def contacts(self, subjects: Subjects) -> tuple[set[int], set[int]]:
        """(ambassador ids, request ids) of the people they dealt with here.

        Their texts may name them (an offer, a swap of shifts): an erasure
        redacts those texts as well. Asked before anything is changed.
        """
        ...

    def release(self, subjects: Subjects, *, now: datetime) -> None:
        """Stop everything under way here for them, without a text to them.

        Called on consent withdrawal and on erasure, with them already out of
        `in_service()`, so nothing passed on (an offer, a place) comes back to them.
        """
        ...

    def erase(self, subjects: Subjects, erasure: Erasure, *, now: datetime) -> None:
        """Delete or redact what the app holds about them, after `release`; count it in `erasure`.

        Keep what the funder's report counts (matches, past invitations), with nothing
        of the person in it.
        """
        ...

    def requests_served(self) -> models.QuerySet[Any] | None:
        """Ids of buddy requests the app has served (a match), as a `values()` query; or None.

        Retention keeps a request that was never served only RETENTION_UNMATCHED_MONTHS.
        """
        ...


_parts: dict[str, PersonPart] = {}


def privacy_part_register(part: PersonPart) -> None:
    """Add an app's part to export, erasure, consent withdrawal and retention."""
    _parts[part.label] = part


def privacy_parts() -> list[PersonPart]:
    """The registered parts in the order they run (see `PersonPart`)."""
    return sorted(_parts.values(), key=lambda part: (part.stage, part.label))


def _messages(person: Person) -> tuple[Q, Q]:
    ambassador_ids = [a.id for a in person.ambassadors]
    request_ids = [r.id for r in person.buddy_requests]
    outbound = Q(ambassador_id__in=ambassador_ids) | Q(buddy_request_id__in=request_ids)
    inbound = Q(ambassador_id__in=ambassador_ids) | Q(buddy_request_id__in=request_ids)
    return outbound | Q(to=person.phone), inbound | Q(from_number=person.phone)


def person_export(*, phone: str, user: User | None = None) -> dict[str, Any]:
    """Everything held about the person with this number, grouped by table, JSON-able.

    Other people appear by id only (the ambassador of a match, the event of an
    invitation), never by their data.
    """
    person = person_find(phone=phone, user=user)
    subjects = Subjects(
        ambassador_ids=[a.id for a in person.ambassadors],
        request_ids=[r.id for r in person.buddy_requests],
    )
    ambassador_ids = subjects.ambassador_ids
    request_ids = subjects.request_ids
    outbound, inbound = _messages(person)
    audit = Q(subject_type=subject_type(Ambassador), subject_id__in=ambassador_ids) | Q(
        subject_type=subject_type(BuddyRequest), subject_id__in=request_ids
    )
    tables: dict[str, list[dict[str, object]]] = {
        "ambassadors.ambassador": rows_export(
            Ambassador.objects.filter(id__in=ambassador_ids),
            many=("meeting_municipalities", "interests", "helps_with"),
        ),
        "ambassadors.ambassadorlanguage": rows_export(
            AmbassadorLanguage.objects.filter(ambassador_id__in=ambassador_ids)
        ),
        "ambassadors.buddyrequest": rows_export(
            BuddyRequest.objects.filter(id__in=request_ids),
            many=("other_languages", "interests", "needs"),
        ),
        "ambassadors.consent": rows_export(Consent.objects.filter(subjects.theirs)),
        "ambassadors.outboundsms": rows_export(OutboundSms.objects.filter(outbound)),
        "ambassadors.inboundsms": rows_export(InboundSms.objects.filter(inbound)),
        "ambassadors.optout": rows_export(OptOut.objects.filter(phone=person.phone)),
    }
    # The apps that depend on this one, in the order of their dependencies.
    for part in reversed(privacy_parts()):
        tables.update(part.export(subjects))
    tables["ambassadors.auditevent"] = rows_export(AuditEvent.objects.filter(audit))
    return {
        "phone": person.phone,
        "exported_at": timezone.now().isoformat(),
        "tables": {label: rows for label, rows in tables.items() if rows},
    }


# Erasure.


@dataclass
class Erasure:
    """What an erasure did, per table: how many rows were deleted, anonymised or redacted."""

    deleted: Counter[str] = field(default_factory=Counter)
    anonymised: Counter[str] = field(default_factory=Counter)
    redacted: Counter[str] = field(default_factory=Counter)
    twilio: int = 0

    def delete(self, queryset: models.QuerySet[Any]) -> None:
        """Delete and count, per table, cascades included."""
        _total, per_model = queryset.delete()
        for label, number in per_model.items():
            if number:
                self.deleted[label.lower()] += number

    def redact(self, model: type[models.Model], number: int) -> None:
        """Count `number` rows of `model` whose texts were blanked."""
        _count(self.redacted, model, number)

    def lines(self) -> list[str]:
        labels = sorted({*self.deleted, *self.anonymised, *self.redacted})
        lines = []
        for label in labels:
            parts = [
                f"{what} {counter[label]}"
                for what, counter in (
                    ("deleted", self.deleted),
                    ("anonymised", self.anonymised),
                    ("redacted", self.redacted),
                )
                if counter[label]
            ]
            lines.append(f"{label}: {', '.join(parts)}")
        lines.append(f"Twilio records to delete: {self.twilio}")
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "deleted": dict(self.deleted),
            "anonymised": dict(self.anonymised),
            "redacted": dict(self.redacted),
            "twilio_deletions": self.twilio,
        }


@dataclass(frozen=True)
class _Marks:
    """How to recognise the person in someone else's text or in a task record."""

    words: list[str]
    phones: list[str]

    @classmethod
    def of(cls, rows: Iterable[Ambassador | BuddyRequest], phones: Iterable[str]) -> _Marks:
        words: set[str] = set()
        for row in rows:
            words.update(word for word in (row.first_name, row.last_name) if len(word.strip()) >= 2)
            email = getattr(row, "email", "")
            if email:
                words.add(email)
        spellings: set[str] = set()
        for phone in phones:
            spellings.update(phone_spellings(phone))
        return cls(words=sorted(words), phones=sorted(spellings))

    def found_in(self, text: str) -> bool:
        if not text:
            return False
        digits = re.sub(r"\D", "", text)
        for phone in self.phones:
            if phone in text or (
                len(re.sub(r"\D", "", phone)) >= 8 and re.sub(r"\D", "", phone) in digits
            ):
                return True
        return any(
            re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
            for word in self.words
        )


def _count(erasure: Counter[str], model: type[models.Model], number: int) -> None:
    if number:
        erasure[model._meta.label_lower] += number


def person_erase(*, phone: str, user: User | None, via: str) -> Erasure:
    """Erase the person with this number: every ambassador and request of theirs `user` may see.

    `user` None is the command line or the system (every row). The caller
    checks that the user may erase (see `erasable_by`).
    """
    person = person_find(phone=phone, user=user)
    return erase_rows(
        ambassadors=person.ambassadors,
        buddy_requests=person.buddy_requests,
        user=user,
        via=via,
        action=AuditEvent.Action.ERASE,
    )


@transaction.atomic
def erase_rows(
    *,
    ambassadors: Iterable[Ambassador],
    buddy_requests: Iterable[BuddyRequest],
    user: User | None,
    via: str,
    action: AuditEvent.Action,
) -> Erasure:
    """Erase these rows and what hangs on them; see the module's docstring for what stays."""
    now = timezone.now()
    erasure = Erasure()
    ambassadors = list(
        Ambassador.objects.select_for_update().filter(
            id__in=[a.id for a in ambassadors], erased_at__isnull=True
        )
    )
    requests = list(
        BuddyRequest.objects.select_for_update().filter(
            id__in=[r.id for r in buddy_requests], erased_at__isnull=True
        )
    )
    subjects = Subjects(
        ambassador_ids=[a.id for a in ambassadors], request_ids=[r.id for r in requests]
    )
    ambassador_ids = subjects.ambassador_ids
    request_ids = subjects.request_ids
    people: list[Ambassador | BuddyRequest] = [*ambassadors, *requests]
    phones = {str(row.phone) for row in people}
    marks = _Marks.of(people, phones)
    # A number stays ours while a row we keep still has it (retention erases one
    # request of several): then its opt-out and unlinked texts stay too.
    whole = [
        phone
        for phone in phones
        if not Ambassador.objects.filter(phone=phone).exclude(id__in=ambassador_ids).exists()
        and not BuddyRequest.objects.filter(phone=phone).exclude(id__in=request_ids).exists()
    ]
    mine = subjects.theirs
    # The people whose texts may name them (buddies, offered or proposed, fellow
    # volunteers), found before the parts change anything.
    others_ambassadors: set[int] = set()
    others_requests: set[int] = set()
    parts = privacy_parts()
    for part in parts:
        contact_ambassadors, contact_requests = part.contacts(subjects)
        others_ambassadors |= contact_ambassadors
        others_requests |= contact_requests
    others_ambassadors -= set(ambassador_ids)
    others_requests -= set(request_ids)

    # First out of every selector, so passing an offer on never picks them again.
    Ambassador.objects.filter(id__in=ambassador_ids).update(erased_at=now, active=False)
    BuddyRequest.objects.filter(id__in=request_ids).update(erased_at=now)

    _release(subjects, now=now)
    for part in parts:
        part.erase(subjects, erasure, now=now)

    # The message log: their own texts go, here and at Twilio.
    outbound, inbound = Q(mine), Q(mine)
    for phone in whole:
        outbound |= Q(to=phone)
        inbound |= Q(from_number=phone)
    message_ids = set(OutboundSms.objects.filter(outbound).values_list("id", flat=True))
    sids = [
        *OutboundSms.objects.filter(outbound, twilio_sid__isnull=False).values_list(
            "twilio_sid", flat=True
        ),
        *InboundSms.objects.filter(inbound).values_list("message_sid", flat=True),
    ]
    erasure.delete(OutboundSms.objects.filter(outbound))
    erasure.delete(InboundSms.objects.filter(inbound))
    # Texts to and from others that name them (an offer, an introduction, a
    # decline with a reason) keep their row for the other person, not the words.
    sids += _redact_messages(
        erasure, marks, ambassador_ids=others_ambassadors, request_ids=others_requests
    )
    erasure.delete(OptOut.objects.filter(phone__in=whole))

    _tasks_forget(erasure, message_ids=message_ids, marks=marks)
    _admin_log_redact(erasure, ambassador_ids=ambassador_ids, request_ids=request_ids, marks=marks)

    # The rows themselves, kept for the report's counts with nothing of the person.
    for ambassador in ambassadors:
        Ambassador.objects.filter(id=ambassador.id).update(
            first_name=ERASED_NAME,
            last_name="",
            email="",
            phone=erased_phone("a", ambassador.id),
            about="",
            paused_until=None,
            active=False,
            updated_at=now,
        )
        ambassador.meeting_municipalities.clear()
        ambassador.interests.clear()
        ambassador.helps_with.clear()
    erasure.delete(AmbassadorLanguage.objects.filter(ambassador_id__in=ambassador_ids))
    for buddy_request in requests:
        closing = buddy_request.status in BuddyRequest.OPEN_STATUSES
        BuddyRequest.objects.filter(id=buddy_request.id).update(
            first_name=ERASED_NAME,
            last_name="",
            phone=erased_phone("r", buddy_request.id),
            message="",
            arrival_date=None,
            status=BuddyRequest.Status.WITHDRAWN if closing else buddy_request.status,
            status_changed_at=now if closing else buddy_request.status_changed_at,
            updated_at=now,
        )
        buddy_request.other_languages.clear()
        buddy_request.interests.clear()
        buddy_request.needs.clear()
    _count(erasure.anonymised, Ambassador, len(ambassadors))
    _count(erasure.anonymised, BuddyRequest, len(requests))
    Consent.objects.filter(mine, withdrawn_at__isnull=True).update(withdrawn_at=now)

    # The audit trail keeps who looked at whom, by id; the field names go too.
    audit = Q(subject_type=subject_type(Ambassador), subject_id__in=ambassador_ids) | Q(
        subject_type=subject_type(BuddyRequest), subject_id__in=request_ids
    )
    erasure.redact(
        AuditEvent, AuditEvent.objects.filter(audit).exclude(fields=[]).update(fields=[])
    )
    for row in people:
        audit_record(action=action, subject=row, user=user, via=via)

    queued = twilio_deletions_queue(
        records=[(TwilioDeletion.Kind.MESSAGE, sid) for sid in dict.fromkeys(sids) if sid]
    )
    erasure.twilio = len(queued)
    logger.info(
        "erased %s ambassador(s) and %s request(s) via %s",
        len(ambassadors),
        len(requests),
        via,
    )
    return erasure


def _release(subjects: Subjects, *, now: datetime) -> None:
    """Stop everything under way for these people, without a text to them.

    Their waiting texts are not sent; each part ends what is under way in its
    app (offers, matches, proposals, shifts and events to come: see the parts'
    `release`). Call it with the people already out of `in_service()`, so
    nothing passed on comes back to them.
    """
    OutboundSms.objects.filter(subjects.theirs, status=OutboundSms.Status.QUEUED).update(
        status=OutboundSms.Status.SUPPRESSED, status_changed_at=now
    )
    for part in privacy_parts():
        part.release(subjects, now=now)


def processing_stop(*, consent: Consent) -> None:
    """A withdrawn consent stops everything done with the person's data under it, at once.

    A household's request is withdrawn. An ambassador stops being one (inactive)
    once no consent to be one is left; one entered on paper has none to withdraw.
    """
    if consent.buddy_request_id is not None:
        BuddyRequest.objects.filter(
            id=consent.buddy_request_id, status__in=BuddyRequest.OPEN_STATUSES
        ).update(status=BuddyRequest.Status.WITHDRAWN, status_changed_at=timezone.now())
        _release(
            Subjects(ambassador_ids=[], request_ids=[consent.buddy_request_id]), now=timezone.now()
        )
    elif consent.ambassador_id is not None:
        if Ambassador.objects.in_service().filter(id=consent.ambassador_id).exists():
            return  # another consent of theirs still stands
        Ambassador.objects.filter(id=consent.ambassador_id).update(
            active=False, updated_at=timezone.now()
        )
        _release(
            Subjects(ambassador_ids=[consent.ambassador_id], request_ids=[]), now=timezone.now()
        )


def _redact_messages(
    erasure: Erasure, marks: _Marks, *, ambassador_ids: set[int], request_ids: set[int]
) -> list[str]:
    """Blank other people's texts that name the person; returns their SIDs for Twilio.

    A number names one person anywhere; a first name only in the texts of the
    people they dealt with (`ambassador_ids`, `request_ids`), so another Amina's
    texts stay as they are.
    """
    numbered = Q()
    for phone in marks.phones:
        numbered |= Q(body__icontains=phone)
    named = Q()
    for word in marks.words:
        named |= Q(body__icontains=word)
    theirs = Q(ambassador_id__in=ambassador_ids) | Q(buddy_request_id__in=request_ids)
    near = (numbered | (theirs & named)) if named else numbered
    if not near:
        return []
    sids: list[str] = []
    for message in OutboundSms.objects.filter(near).only("id", "body", "twilio_sid"):
        if marks.found_in(message.body):
            OutboundSms.objects.filter(id=message.id).update(body=REDACTED)
            erasure.redact(OutboundSms, 1)
            if message.twilio_sid:
                sids.append(message.twilio_sid)
    for inbound in InboundSms.objects.filter(near).only("id", "body", "message_sid"):
        if marks.found_in(inbound.body):
            InboundSms.objects.filter(id=inbound.id).update(body=REDACTED, outcome="")
            erasure.redact(InboundSms, 1)
            sids.append(inbound.message_sid)
    return sids


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text) if text else None
    except (ValueError, SyntaxError):
        return text


def _ids_in(args: object) -> set[int]:
    """Every int in a task's arguments, however nested (sms_send_many_task takes a list)."""
    if isinstance(args, bool):
        return set()
    if isinstance(args, int):
        return {args}
    if isinstance(args, list | tuple | set):
        found: set[int] = set()
        for item in args:
            found |= _ids_in(item)
        return found
    return set()


def _tasks_forget(erasure: Erasure, *, message_ids: set[int], marks: _Marks) -> None:
    """Delete django-q2's queued, finished and scheduled tasks that concern the person.

    Tasks carry ids, so a send task of one of their texts is found by its
    message id; any record whose arguments or result still spell their name
    or number (an error message, say) goes as well.
    """
    for queued in OrmQ.objects.all():
        # django-q2 reads the signed payload; one it cannot read comes back as {"id": "*Error"}.
        package = queued.task
        func, args = package.get("func"), package.get("args")
        if func in MESSAGE_TASKS and _ids_in(args) & message_ids:
            queued.delete()
            erasure.deleted["django_q.ormq"] += 1
    for task in Task.objects.all().only("id", "func", "args", "kwargs", "result"):
        about = task.func in MESSAGE_TASKS and bool(_ids_in(task.args) & message_ids)
        if about or marks.found_in(json.dumps([task.args, task.kwargs, task.result], default=str)):
            Task.objects.filter(id=task.id).delete()
            erasure.deleted["django_q.task"] += 1
    for schedule in Schedule.objects.all():
        args = _literal(schedule.args or "")
        about = schedule.func in MESSAGE_TASKS and bool(_ids_in(args) & message_ids)
        if about or marks.found_in(f"{schedule.args} {schedule.kwargs} {schedule.name}"):
            schedule.delete()
            erasure.deleted["django_q.schedule"] += 1


def _admin_log_redact(
    erasure: Erasure, *, ambassador_ids: list[int], request_ids: list[int], marks: _Marks
) -> None:
    """The admin's history names the objects it changed: "Amina Haddad", "4821: Amina → Erik"."""
    types = ContentType.objects.get_for_models(Ambassador, BuddyRequest)
    theirs = Q(content_type=types[Ambassador], object_id__in=[str(i) for i in ambassador_ids]) | Q(
        content_type=types[BuddyRequest], object_id__in=[str(i) for i in request_ids]
    )
    near = Q()
    for word in [*marks.words, *marks.phones]:
        near |= Q(object_repr__icontains=word) | Q(change_message__icontains=word)
    their_entries = set(LogEntry.objects.filter(theirs).values_list("id", flat=True))
    for entry in LogEntry.objects.filter(theirs | near if near else theirs):
        if entry.id in their_entries or marks.found_in(
            f"{entry.object_repr} {entry.change_message}"
        ):
            LogEntry.objects.filter(id=entry.id).update(object_repr=REDACTED, change_message="")
            erasure.redacted["admin.logentry"] += 1


# Retention.


def retention_due(*, now: datetime | None = None) -> models.QuerySet[BuddyRequest]:
    """Requests kept longer than the rules allow.

    Closed or withdrawn RETENTION_CLOSED_MONTHS ago; or never matched and
    asked for RETENTION_UNMATCHED_MONTHS ago, whatever their status.
    """
    now = now or timezone.now()
    closed_before = now - relativedelta(months=settings.RETENTION_CLOSED_MONTHS)
    unmatched_before = now - relativedelta(months=settings.RETENTION_UNMATCHED_MONTHS)
    never_matched = Q()
    for part in privacy_parts():
        served = part.requests_served()
        if served is not None:
            never_matched &= ~Q(id__in=served)
    return BuddyRequest.objects.filter(erased_at__isnull=True).filter(
        Q(
            status__in=[BuddyRequest.Status.CLOSED, BuddyRequest.Status.WITHDRAWN],
            status_changed_at__lte=closed_before,
        )
        | (never_matched & Q(created_at__lte=unmatched_before))
    )


def retention_run(*, now: datetime | None = None) -> int:
    """Anonymise every request past its retention, one transaction each. Returns how many."""
    done = 0
    for buddy_request in retention_due(now=now).order_by("id"):
        erase_rows(
            ambassadors=[],
            buddy_requests=[buddy_request],
            user=None,
            via="retention",
            action=AuditEvent.Action.ANONYMISE,
        )
        done += 1
    logger.info("retention: %s request(s) anonymised", done)
    return done
