"""Erasing a person leaves nothing of their name, email or number anywhere in the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule, Task
from django_q.tasks import async_task

from ambassadors import sms
from ambassadors.models import (
    Ambassador,
    AuditEvent,
    BuddyRequest,
    Consent,
    InboundSms,
    Language,
    OptOut,
    OutboundSms,
    TwilioDeletion,
)
from ambassadors.privacy import person_erase
from ambassadors.services import consent_record
from events.models import (
    Absence,
    Availability,
    Call,
    Event,
    Hotline,
    HotlineLanguage,
    HotlineVolunteer,
    Invitation,
    Rota,
    Shift,
    ShiftAssignment,
)
from matching.models import Candidate, Exclusion, Match, MatchRun, Offer, Proposal
from workspace.reports.figures import Quarter, funder_report

pytestmark = pytest.mark.django_db

PHONE = "+46701740690"
# Every way the number and the person's words can be written down.
NEEDLES = [
    "Zlatana",
    "Quixby",
    "zq@example.org",
    PHONE,
    "0701740690",
    "070-174 06 90",
    "70 174 06 90",
    "Hiking with my dog Bamse",
]


@dataclass
class World:
    person: Ambassador
    closed_request: BuddyRequest
    open_request: BuddyRequest
    buddy: Ambassador
    other_household: BuddyRequest
    their_text_to_buddy: OutboundSms
    unrelated_text: OutboundSms
    region: User


def _text(to: object, body: str, **fields: Any) -> OutboundSms:
    fields.setdefault("status", OutboundSms.Status.DELIVERED)
    return OutboundSms.objects.create(
        to=str(to), purpose=OutboundSms.Purpose.INTRODUCTION, body=body, language="sv",
        encoding="GSM-7", segments=1, **fields,
    )  # fmt: skip


def _report(user: User) -> list[list[list[int | None]]]:
    report = funder_report(user=user, quarter=Quarter.containing(timezone.localdate()))
    return [[[f.value for f in line.figures] for line in table.lines] for table in report.tables()]


@pytest.fixture
def world(
    make_ambassador: Callable[..., Ambassador],
    make_request: Callable[..., BuddyRequest],
    make_coordinator: Callable[..., User],
) -> World:
    now = timezone.now()
    sv, ar = Language.objects.get(code="sv"), Language.objects.get(code="ar")
    person = make_ambassador(
        first_name="Zlatana", last_name="Quixby", phone=PHONE, email="zq@example.org",
        about="Hiking with my dog Bamse", active=True, languages="sv ar",
    )  # fmt: skip
    buddy = make_ambassador(first_name="Erikssonia", active=True, capacity=9)
    closed_request = make_request(
        first_name="Zlatana", last_name="Quixby", phone=PHONE, has_partner=True,
        children_ages=[4, 7], message="We are Zlatana's family", status=BuddyRequest.Status.CLOSED,
    )  # fmt: skip
    open_request = make_request(
        first_name="Zlatana", last_name="Quixby", phone=PHONE, status=BuddyRequest.Status.OFFERED
    )
    other_household = make_request(first_name="Aminata", status=BuddyRequest.Status.MATCHED)
    for row in (closed_request, open_request):
        consent_record(purpose=Consent.Purpose.BUDDY_REQUEST, language="sv",
                       channel=Consent.Channel.WEB, buddy_request=row)  # fmt: skip
    consent_record(purpose=Consent.Purpose.AMBASSADOR, language="sv",
                   channel=Consent.Channel.WEB, ambassador=person)  # fmt: skip

    # Matching: the closed request was matched with the buddy, the open one has an
    # offer out to the buddy, and the person as ambassador is matched with Aminata.
    run = MatchRun.objects.create(trigger=MatchRun.Trigger.COMMAND)
    proposals = {}
    for request, ambassador, status in (
        (closed_request, buddy, Proposal.Status.ENDED),
        (open_request, buddy, Proposal.Status.APPROVED),
        (other_household, person, Proposal.Status.APPROVED),
    ):
        proposals[request.id] = Proposal.objects.create(
            run=run, buddy_request=request, ambassador=ambassador, score=3, reasons={},
            explanation="Zlatana speaks Arabic.", explanation_language="en", status=status,
        )  # fmt: skip
    Candidate.objects.create(proposal=proposals[other_household.id], ambassador=buddy, rank=1,
                             score=2, reasons={})  # fmt: skip
    Candidate.objects.create(proposal=proposals[open_request.id], ambassador=person, rank=1,
                             score=2, reasons={})  # fmt: skip
    old_offer = Offer.objects.create(
        proposal=proposals[closed_request.id], buddy_request=closed_request, ambassador=buddy,
        code="1111", score=3, reasons={}, expires_at=now, status=Offer.Status.ACCEPTED,
    )  # fmt: skip
    Offer.objects.create(
        proposal=proposals[closed_request.id], buddy_request=closed_request, ambassador=person,
        code="2222", score=3, reasons={}, expires_at=now, status=Offer.Status.DECLINED,
        decline_reason="Zlatana cannot, too far",
    )  # fmt: skip
    Offer.objects.create(
        proposal=proposals[open_request.id], buddy_request=open_request, ambassador=buddy,
        code="3333", score=3, reasons={}, expires_at=now + timedelta(days=1),
    )  # fmt: skip
    Exclusion.objects.create(buddy_request=closed_request, ambassador=person,
                             reason=Exclusion.Reason.DECLINED)  # fmt: skip
    Match.objects.create(buddy_request=closed_request, ambassador=buddy, offer=old_offer,
                         status=Match.Status.ENDED, ended_at=now)  # fmt: skip
    their_match = Match.objects.create(buddy_request=other_household, ambassador=person)
    # Five more households matched this quarter, so the report shows its figures.
    for _ in range(5):
        household = make_request(first_name="Aminata", has_partner=True)
        Match.objects.create(buddy_request=household, ambassador=buddy)

    # Texts both ways, to them and about them, with Twilio SIDs.
    _text(PHONE, "Hej Zlatana! Ring Erikssonia.", twilio_sid="SM" + "a" * 32, ambassador=person)
    _text(PHONE, "Hej Zlatana! Ring Erikssonia.", twilio_sid="SM" + "b" * 32,
          buddy_request=closed_request)  # fmt: skip
    _text(PHONE, "Thanks Zlatana", twilio_sid=None, status=OutboundSms.Status.QUEUED)
    their_text_to_buddy = _text(
        buddy.phone, f"Meet Zlatana Quixby, call {PHONE}.", ambassador=buddy,
        twilio_sid="SM" + "c" * 32,
    )  # fmt: skip
    unrelated_text = _text(buddy.phone, "Meet Aminata, the new family.", ambassador=buddy,
                           twilio_sid="SM" + "d" * 32)  # fmt: skip
    InboundSms.objects.create(message_sid="SM" + "e" * 32, from_number=PHONE,
                              body="JA from Zlatana", ambassador=person)  # fmt: skip
    InboundSms.objects.create(message_sid="SM" + "f" * 32, from_number=str(buddy.phone),
                              body="NEJ 2222 Zlatana lives too far", ambassador=buddy)  # fmt: skip
    OptOut.objects.create(phone=PHONE, source=OptOut.Source.KEYWORD)

    # Meetups: a past event they came to (and five others did), one to come,
    # and a buddy meeting whose title names them.
    past = Event.objects.create(
        title_sv="Nätverksträff", kind=Event.Kind.NETWORK_MEETUP, status=Event.Status.PUBLISHED,
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1),
        municipality=person.home_municipality,
    )  # fmt: skip
    coming = Event.objects.create(
        title_sv="Nästa träff", kind=Event.Kind.NETWORK_MEETUP, status=Event.Status.PUBLISHED,
        # In a later quarter: a guest erased before an event has not taken part in it.
        starts_at=now + timedelta(days=100), ends_at=now + timedelta(days=100, hours=2),
        municipality=person.home_municipality,
    )  # fmt: skip
    Invitation.objects.create(event=past, ambassador=person, status=Invitation.Status.GOING,
                              attended=True)  # fmt: skip
    for household in BuddyRequest.objects.filter(first_name="Aminata"):
        Invitation.objects.create(event=past, buddy_request=household, attended=True,
                                  status=Invitation.Status.GOING)  # fmt: skip
    Invitation.objects.create(event=coming, buddy_request=open_request,
                              status=Invitation.Status.GOING)  # fmt: skip
    Event.objects.create(
        title_sv="Buddy meeting: Zlatana and Aminata", title_en="Zlatana and Aminata",
        kind=Event.Kind.BUDDY_MEETING, status=Event.Status.PUBLISHED, match=their_match,
        starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2) + timedelta(hours=1),
    )  # fmt: skip

    # The hotline: they volunteer, have shifts behind and ahead, and answered calls.
    hotline = Hotline.objects.create(
        name="Hotline", phone="+46631234500", fallback_name="Karin", fallback_phone="+46701110000"
    )
    HotlineLanguage.objects.create(hotline=hotline, language=sv, digit=1)
    HotlineLanguage.objects.create(hotline=hotline, language=ar, digit=2)
    volunteer = HotlineVolunteer.objects.create(hotline=hotline, ambassador=person)
    Availability.objects.create(volunteer=volunteer, weekday=0, starts="17:00", ends="20:00")
    Absence.objects.create(volunteer=volunteer, first_day=now.date(), last_day=now.date(),
                           note="Zlatana visits her mother")  # fmt: skip
    rota = Rota.objects.create(hotline=hotline, first_day=now.date() - timedelta(days=7),
                               last_day=now.date() + timedelta(days=7),
                               status=Rota.Status.PUBLISHED)  # fmt: skip
    for number, offset in ((1, -2), (2, 2)):
        shift = Shift.objects.create(hotline=hotline, rota=rota, number=number,
                                     starts_at=now + timedelta(days=offset),
                                     ends_at=now + timedelta(days=offset, hours=3))  # fmt: skip
        ShiftAssignment.objects.create(shift=shift, volunteer=volunteer, language=sv)
    for n in range(5):
        Call.objects.create(hotline=hotline, call_sid=f"CA{n:032d}", caller_last_digits="123",
                            started_at=now - timedelta(days=2), language=sv,
                            outcome=Call.Outcome.ANSWERED, answered_by=volunteer)  # fmt: skip

    # The audit trail, the admin's history and django-q2's records.
    region = make_coordinator(region_admin=True)
    AuditEvent.objects.create(
        actor_kind=AuditEvent.Actor.STAFF, actor_user_id=region.pk, subject_id=person.id,
        action=AuditEvent.Action.CHANGE, subject_type="ambassadors.ambassador",
        fields=["about", "email"],
    )  # fmt: skip
    LogEntry.objects.create(
        user=region, content_type=ContentType.objects.get_for_model(Ambassador),
        object_id=str(person.id), object_repr="Zlatana Quixby", action_flag=CHANGE,
    )  # fmt: skip
    message_ids = list(OutboundSms.objects.filter(to=PHONE).values_list("id", flat=True))
    Task.objects.create(id="t1", name="t1", func="ambassadors.tasks.sms_send_task",
                        args=(message_ids[0],), started=now, stopped=now, success=True,
                        result="sent")  # fmt: skip
    Task.objects.create(id="t2", name="t2", func="ambassadors.tasks.sms_send_many_task",
                        args=([message_ids[-1], 999999],), started=now, stopped=now,
                        success=False,
                        result=f"Twilio answered 400: {PHONE} is not valid")  # fmt: skip
    Task.objects.create(id="t3", name="t3", func="matching.tasks.match_run_scheduled",
                        args=(), started=now, stopped=now, success=True, result=7)  # fmt: skip
    # Queued in django-q2's ORM broker (with Redis, the queue holds no rows to search).
    orm = ORM(list_key=Conf.CLUSTER_NAME)
    async_task("ambassadors.tasks.sms_send_task", message_ids[0], broker=orm)
    # Someone else's text, queued: it stays queued.
    async_task("ambassadors.tasks.sms_send_task", unrelated_text.id, broker=orm)
    Schedule.objects.create(name="resend", func="ambassadors.tasks.sms_send_task",
                            args=repr((message_ids[0],)))  # fmt: skip
    return World(person, closed_request, open_request, buddy, other_household,
                 their_text_to_buddy, unrelated_text, region)  # fmt: skip


def _text_of(instance: models.Model) -> Iterator[str]:
    """Every stored value of a row as text: columns of every kind, pickles, signed payloads."""
    for field in instance._meta.concrete_fields:
        yield str(getattr(instance, field.attname))
    if isinstance(instance, OrmQ):
        yield str(instance.task)


def _found(needles: list[str]) -> list[str]:
    found = []
    for model in apps.get_models():
        for instance in model._default_manager.all():
            for text in _text_of(instance):
                for needle in needles:
                    if needle.lower() in text.lower():
                        found.append(f"{model._meta.label}#{instance.pk}: {needle}")
    return found


def test_an_erased_person_is_found_nowhere_in_the_database_or_the_task_tables(
    world: World, sms_outbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert len(_found(NEEDLES)) > 20  # the scan sees what is there

    with django_capture_on_commit_callbacks(execute=False):
        erasure = person_erase(phone="070-174 06 90", user=world.region, via="test")

    assert _found(NEEDLES) == []
    assert erasure.anonymised == {"ambassadors.ambassador": 1, "ambassadors.buddyrequest": 2}


def test_an_erasure_leaves_other_people_as_they_were(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        person_erase(phone=PHONE, user=None, via="test")

    # The buddy keeps his row; only the texts to the erased person named him.
    assert _found(["Erikssonia"]) == [f"ambassadors.Ambassador#{world.buddy.id}: Erikssonia"]
    world.unrelated_text.refresh_from_db()
    assert world.unrelated_text.body == "Meet Aminata, the new family."
    world.their_text_to_buddy.refresh_from_db()
    assert world.their_text_to_buddy.body == "(erased)"
    world.buddy.refresh_from_db()
    assert (world.buddy.first_name, str(world.buddy.phone)) != ("(erased)", "")
    assert BuddyRequest.objects.filter(first_name="Aminata").count() == 6
    assert Task.objects.filter(id="t3").exists()
    [queued] = OrmQ.objects.all()
    assert queued.task["args"] == (world.unrelated_text.id,)


def test_the_funders_figures_of_what_has_happened_are_the_same_after_an_erasure(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    before = _report(world.region)
    assert any(value for table in before for line in table for value in line if value)

    with django_capture_on_commit_callbacks(execute=False):
        person_erase(phone=PHONE, user=None, via="test")

    assert _report(world.region) == before


def test_the_persons_messages_are_deleted_at_twilio_after_the_commit(
    world: World, sms_outbox: Any, tasks_run_at_once: None, committing: Any
) -> None:
    sms.deleted.clear()

    with committing():
        erasure = person_erase(phone=PHONE, user=None, via="test")

    deleted = {sid for _kind, sid in sms.deleted}
    assert deleted == {"SM" + letter * 32 for letter in "abcef"}
    assert erasure.twilio == 5
    assert not TwilioDeletion.objects.exists()


def test_the_erasure_is_recorded_in_the_audit_trail_without_the_fields_changed_before(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        person_erase(phone=PHONE, user=world.region, via="test")

    events = AuditEvent.objects.filter(subject_type="ambassadors.ambassador",
                                       subject_id=world.person.id)  # fmt: skip
    assert [(e.action, e.fields) for e in events.order_by("at", "id")] == [
        (AuditEvent.Action.CHANGE, []),
        (AuditEvent.Action.ERASE, []),
    ]
    assert events.get(action=AuditEvent.Action.ERASE).actor_user_id == world.region.pk
