"""Meetups: publish, invite, answer, waiting list, reminders, changes and cancellations.

Capacity decisions lock the event row, so two answers at once cannot both take
the last place. Texts go through the outbox (opt-outs and quiet hours apply).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ambassadors.models import Ambassador, BuddyRequest, OutboundSms
from ambassadors.outbox import sms_send_batch, sms_to
from ambassadors.services import ApplicationError
from events import texts
from events.models import Event, Invitation, Reminder, Series
from matching.models import Match

Purpose = OutboundSms.Purpose
Status = Invitation.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Codes people answer with ("JA 57"): up to three digits, so they never clash
# with the four-digit codes of buddy offers.
LARGEST_CODE = 999
# A series without COUNT or UNTIL gets this many occurrences.
SERIES_LIMIT = 12
SERIES_MOST = 100
# Sent this long before a reminder is due at the most: the dispatcher runs
# every minute and django-q2's scheduler may start it up to 30 s late.
REMINDER_LOOKAHEAD = timedelta(seconds=90)
# A reminder missed by more than this (the service was down) is dropped.
REMINDER_LATE_LIMIT = timedelta(minutes=5)
DISPATCH_BUDGET_S = 40
# What changes for guests: a new time or place is worth a text.
NOTICE_FIELDS = ("starts_at", "ends_at", "address", "municipality_id", "video_url")


# Tokens: signed links that need no login.


def _token(kind: str, key: int) -> str:
    digest = salted_hmac(f"events.{kind}", str(key), algorithm="sha256").hexdigest()
    return f"{key}-{digest[:24]}"


def _unsign(kind: str, token: str) -> int | None:
    key, _dash, _digest = token.partition("-")
    if not key.isdigit() or not constant_time_compare(token, _token(kind, int(key))):
        return None
    return int(key)


def invitation_token(invitation: Invitation) -> str:
    return _token("invitation", invitation.id)


def invitation_from_token(token: str) -> Invitation | None:
    key = _unsign("invitation", token)
    if key is None:
        return None
    return (
        Invitation.objects.select_related("event", "ambassador", "buddy_request")
        .filter(id=key)
        .first()
    )


def invitation_link(invitation: Invitation) -> str:
    return f"{settings.PUBLIC_BASE_URL}/events/i/{invitation_token(invitation)}/"


def calendar_token(ambassador: Ambassador) -> str:
    return _token("calendar", ambassador.id)


def ambassador_from_calendar_token(token: str) -> Ambassador | None:
    key = _unsign("calendar", token)
    return None if key is None else Ambassador.objects.filter(id=key).first()


def calendar_link(ambassador: Ambassador) -> str:
    return f"{settings.PUBLIC_BASE_URL}/events/calendar/{calendar_token(ambassador)}.ics"


# The personal page can plan meetings: its own token, so a feed address that
# ends up in a shared calendar does not open it.
def page_token(ambassador: Ambassador) -> str:
    return _token("page", ambassador.id)


def ambassador_from_page_token(token: str) -> Ambassador | None:
    key = _unsign("page", token)
    return None if key is None else Ambassador.objects.filter(id=key).first()


def page_link(ambassador: Ambassador) -> str:
    return f"{settings.PUBLIC_BASE_URL}/events/me/{page_token(ambassador)}/"


# Reads.


def audience(event: Event) -> tuple[QuerySet[Ambassador], QuerySet[BuddyRequest]]:
    """The people an event is for: its audience, narrowed by municipality, language, interest."""
    ambassadors = Ambassador.objects.none()
    households = BuddyRequest.objects.none()
    municipalities = list(event.audience_municipalities.all())
    languages = list(event.audience_languages.all())
    interests = list(event.audience_interests.all())
    if event.audience in (Event.Audience.AMBASSADORS, Event.Audience.BOTH):
        # Erased people and those who withdrew their consent are never invited.
        ambassadors = Ambassador.objects.in_service().filter(active=True)
        if municipalities:
            ambassadors = ambassadors.filter(home_municipality__in=municipalities)
        if languages:
            ambassadors = ambassadors.filter(languages__in=languages)
        if interests:
            ambassadors = ambassadors.filter(interests__in=interests)
        ambassadors = ambassadors.distinct()
    if event.audience in (Event.Audience.NEWCOMERS, Event.Audience.BOTH):
        households = BuddyRequest.objects.in_service().filter(status__in=BuddyRequest.OPEN_STATUSES)
        if municipalities:
            households = households.filter(municipality__in=municipalities)
        if languages:
            households = households.filter(
                Q(preferred_language__in=languages) | Q(other_languages__in=languages)
            )
        if interests:
            households = households.filter(interests__in=interests)
        households = households.distinct()
    return ambassadors, households


def places_taken(event: Event) -> int:
    return event.invitations.filter(status__in=[Status.GOING, Status.PLACE_OFFERED]).count()


def _guest_language(invitation: Invitation) -> str:
    return texts.sms_language(invitation.guest.preferred_language.code)


# Writes.


def _free_code() -> int:
    in_use = set(
        Event.objects.filter(
            status=Event.Status.PUBLISHED, ends_at__gt=timezone.now() - timedelta(days=7)
        )
        .exclude(code=None)
        .values_list("code", flat=True)
    )
    for code in range(1, LARGEST_CODE + 1):
        if code not in in_use:
            return code
    raise ApplicationError(_("Every answer code is in use; cancel or finish some events first."))


def _check_publishable(event: Event) -> None:
    if event.status != Event.Status.DRAFT:
        raise ApplicationError(_("Only a draft can be published."))
    if event.starts_at <= timezone.now():
        raise ApplicationError(_("The event has already started."), field="starts_at")
    if not (event.address or event.video_url):
        raise ApplicationError(_("Give an address or a video link."), field="address")


@transaction.atomic
def event_publish(*, event: Event) -> int:
    """Publish a draft and text an invitation to its audience. Returns how many were invited."""
    event = Event.objects.select_for_update().get(id=event.id)
    _check_publishable(event)
    event.status = Event.Status.PUBLISHED
    event.code = _free_code()
    event.published_at = timezone.now()
    event.save(update_fields=["status", "code", "published_at"])
    ambassadors, households = audience(event)
    invited = 0
    guests: list[Ambassador | BuddyRequest] = [*ambassadors, *households]
    for guest in guests:
        if invitation_send(event=event, guest=guest) is not None:
            invited += 1
    return invited


def invitation_send(*, event: Event, guest: Ambassador | BuddyRequest) -> Invitation | None:
    """Invite one person to a published event by SMS; None if they already were."""
    if event.status != Event.Status.PUBLISHED:
        raise ApplicationError(_("Publish the event before inviting people to it."))
    if event.starts_at <= timezone.now():
        raise ApplicationError(_("The event has already started."))
    field = "ambassador" if isinstance(guest, Ambassador) else "buddy_request"
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(event=event, **{field: guest})
    except IntegrityError:
        return None
    language = texts.sms_language(guest.preferred_language.code)
    sms_to(
        guest,
        purpose=Purpose.INVITATION,
        body=texts.invitation_text(
            event=event, link=invitation_link(invitation), language=language
        ),
        language=language,
        urgent=False,
    )
    return invitation


def _reminders_plan(invitation: Invitation) -> None:
    now = timezone.now()
    event = invitation.event
    # After a change of time, a reminder already sent is not sent again: the
    # change notice told them.
    sent = set(
        invitation.reminders.filter(status=Reminder.Status.SENT).values_list("offset", flat=True)
    )
    for offset in event.reminder_offsets:
        due = event.starts_at - timedelta(minutes=int(offset))
        if due > now and int(offset) not in sent:
            Reminder.objects.get_or_create(invitation=invitation, offset=int(offset), due_at=due)


def _reminders_cancel(invitation: Invitation) -> None:
    invitation.reminders.filter(status=Reminder.Status.PENDING).delete()


@transaction.atomic
def rsvp(*, invitation: Invitation, going: bool, channel: Invitation.Channel) -> str:
    """Record an answer. Returns the invitation's status after it.

    Yes takes a place while there is one and joins the waiting list after;
    no frees a place, which goes to the first on the waiting list.
    """
    event = Event.objects.select_for_update().get(id=invitation.event_id)
    invitation = Invitation.objects.select_for_update().get(id=invitation.id)
    invitation.event = event
    if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        raise ApplicationError(_("This event can no longer be answered."))
    now = timezone.now()
    before = invitation.status
    if going:
        if before in (Status.GOING, Status.WAITLISTED):
            return before
        if (
            before == Status.PLACE_OFFERED
            or event.capacity is None
            or (places_taken(event) < event.capacity)
        ):
            invitation.status = Status.GOING
        else:
            invitation.status = Status.WAITLISTED
            invitation.waitlisted_at = now
    else:
        if before == Status.DECLINED:
            return before
        invitation.status = Status.DECLINED
    invitation.answered_at = now
    invitation.channel = channel
    invitation.place_expires_at = None
    invitation.save()
    if invitation.status == Status.GOING:
        _reminders_plan(invitation)
    else:
        _reminders_cancel(invitation)
    if before in (Status.GOING, Status.PLACE_OFFERED) and invitation.status == Status.DECLINED:
        waitlist_promote(event=event)
    return invitation.status


def waitlist_promote(*, event: Event) -> int:
    """Offer freed places to the waiting list, first come first served.

    Call it with the event row locked.
    """
    if event.capacity is None:
        free = event.invitations.filter(status=Status.WAITLISTED).count()
    else:
        free = event.capacity - places_taken(event)
    offered = 0
    waiting = event.invitations.filter(status=Status.WAITLISTED).order_by("waitlisted_at", "id")
    for invitation in waiting[: max(free, 0)]:
        until = min(timezone.now() + settings.WAITLIST_OFFER_TIMEOUT, event.starts_at)
        Invitation.objects.filter(id=invitation.id).update(
            status=Status.PLACE_OFFERED, place_expires_at=until
        )
        language = _guest_language(invitation)
        sms_to(
            invitation.guest,
            purpose=Purpose.INVITATION,
            body=texts.place_offer_text(
                event=event, link=invitation_link(invitation), until=until, language=language
            ),
            language=language,
        )
        offered += 1
    return offered


def waitlist_offers_expire_due() -> int:
    """A freed place nobody confirmed in time moves on to the next on the list."""
    moved = 0
    due = Invitation.objects.filter(
        status=Status.PLACE_OFFERED, place_expires_at__lte=timezone.now()
    ).values_list("event_id", flat=True)
    for event_id in set(due):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(id=event_id)
            moved += Invitation.objects.filter(
                event=event, status=Status.PLACE_OFFERED, place_expires_at__lte=timezone.now()
            ).update(status=Status.DECLINED, place_expires_at=None)
            if event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now():
                waitlist_promote(event=event)
    return moved


def reminders_dispatch_due(*, batch: int = 500) -> tuple[int, int]:
    """Send the reminders whose time has come, once each. Returns (sent, dropped).

    Rows are claimed under a lock that skips rows another dispatcher holds
    (PostgreSQL; SQLite runs one writer at a time), so two dispatchers never
    take the same reminder.
    """
    sent = dropped = 0
    started = time.monotonic()
    # Well inside django-q2's 60 s task timeout; the next minute's run goes on.
    while time.monotonic() - started < DISPATCH_BUDGET_S:
        now = timezone.now()
        with transaction.atomic():
            due = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=Reminder.Status.PENDING, due_at__lte=now + REMINDER_LOOKAHEAD)
                .select_related(
                    "invitation__event",
                    "invitation__ambassador__preferred_language",
                    "invitation__buddy_request__preferred_language",
                )
                .order_by("due_at")[:batch]
            )
            if not due:
                return sent, dropped
            for reminder in due:
                invitation = reminder.invitation
                event = invitation.event
                late = now - reminder.due_at > REMINDER_LATE_LIMIT
                if (
                    late
                    or event.starts_at <= now
                    or event.status != Event.Status.PUBLISHED
                    or invitation.status != Status.GOING
                ):
                    reminder.status = Reminder.Status.DROPPED
                    dropped += 1
                else:
                    language = _guest_language(invitation)
                    reminder.message = sms_to(
                        invitation.guest,
                        purpose=Purpose.REMINDER,
                        body=texts.reminder_text(
                            event=event, link=invitation_link(invitation), language=language
                        ),
                        language=language,
                        send_now=False,
                    )
                    reminder.status = Reminder.Status.SENT
                    sent += 1
                reminder.handled_at = now
            Reminder.objects.bulk_update(due, ["status", "message", "handled_at"])
            sms_send_batch(
                [r.message.id for r in due if r.message is not None and r.status == "sent"]
            )
    return sent, dropped


def _notify_guests(event: Event, statuses: list[str], render: str) -> int:
    notified = 0
    for invitation in event.invitations.filter(status__in=statuses).select_related(
        "ambassador__preferred_language", "buddy_request__preferred_language"
    ):
        language = _guest_language(invitation)
        if render == "cancelled":
            body = texts.cancelled_text(event=event, language=language)
        else:
            body = texts.changed_text(
                event=event, link=invitation_link(invitation), language=language
            )
        sms_to(invitation.guest, purpose=Purpose.EVENT_NOTICE, body=body, language=language)
        notified += 1
    return notified


AUDIENCE_FIELDS = ("audience_municipalities", "audience_languages", "audience_interests")


@transaction.atomic
def event_create(*, organiser: Any, **fields: Any) -> Event:
    """A draft event: the row and its audience (municipalities, languages, interests)."""
    audience = {name: fields.pop(name) for name in AUDIENCE_FIELDS if name in fields}
    event = Event(organiser=organiser, **fields)
    if event.ends_at <= event.starts_at:
        raise ApplicationError(_("The event must end after it starts."), field="ends_at")
    event.save()
    for name, values in audience.items():
        getattr(event, name).set(values)
    return event


def _column(field: str) -> str:
    # "municipality" and "municipality_id" are the same change.
    model_field = Event._meta.get_field(field)
    return str(getattr(model_field, "attname", field))


@transaction.atomic
def event_update(*, event: Event, **changes: Any) -> Event:
    """Change an event. A new time or place texts everyone coming and moves their reminders.

    The audience fields take lists; they apply to later invitations only.
    """
    locked = Event.objects.select_for_update().get(id=event.id)
    if locked.status == Event.Status.CANCELLED:
        raise ApplicationError(_("A cancelled event cannot be changed."))
    audience = {name: changes.pop(name) for name in AUDIENCE_FIELDS if name in changes}
    before = {_column(field): getattr(locked, _column(field)) for field in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    moved = any(
        column in NOTICE_FIELDS and getattr(locked, column) != value
        for column, value in before.items()
    )
    for name, values in audience.items():
        getattr(locked, name).set(values)
    if locked.ends_at <= locked.starts_at:
        raise ApplicationError(_("The event must end after it starts."), field="ends_at")
    if moved:
        locked.sequence += 1
    locked.save()
    if moved and locked.status == Event.Status.PUBLISHED:
        going = locked.invitations.filter(status=Status.GOING)
        Reminder.objects.filter(invitation__in=going, status=Reminder.Status.PENDING).delete()
        for invitation in going:
            invitation.event = locked
            _reminders_plan(invitation)
        _notify_guests(locked, [Status.GOING], "changed")
    return locked


@transaction.atomic
def event_cancel(*, event: Event) -> int:
    """Cancel an event and tell everyone who is coming or waiting. Returns how many were told."""
    claimed = Event.objects.filter(
        id=event.id, status__in=[Event.Status.DRAFT, Event.Status.PUBLISHED]
    ).update(
        status=Event.Status.CANCELLED,
        cancelled_at=timezone.now(),
        sequence=F("sequence") + 1,
    )
    if claimed != 1:
        raise ApplicationError(_("This event is already cancelled."))
    event.refresh_from_db()
    Reminder.objects.filter(invitation__event=event, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.DROPPED, handled_at=timezone.now()
    )
    if event.published_at is None:
        return 0
    return _notify_guests(
        event, [Status.GOING, Status.WAITLISTED, Status.PLACE_OFFERED], "cancelled"
    )


def attendance_record(*, invitation: Invitation, attended: bool) -> None:
    Invitation.objects.filter(id=invitation.id).update(attended=attended)


# Recurring series.


def _local_until(rule: str) -> str:
    """RFC 5545 gives UNTIL in UTC (...Z); the rule runs in Stockholm wall time."""

    def local(match: re.Match[str]) -> str:
        moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return f"UNTIL={moment.astimezone(STOCKHOLM):%Y%m%dT%H%M%S}"

    return re.sub(r"UNTIL=(\d{8}T\d{6})Z", local, rule, flags=re.IGNORECASE)


def occurrence_starts(*, rule: str, first_start: datetime) -> list[datetime]:
    """The starts an RRULE gives, in Stockholm wall time: 18:00 stays 18:00 across summer time.

    A rule without COUNT or UNTIL gives SERIES_LIMIT dates; more than
    SERIES_MOST is refused.
    """
    local = timezone.localtime(first_start, STOCKHOLM).replace(tzinfo=None)
    try:
        recurrence = rrulestr(_local_until(rule), dtstart=local)
    except (ValueError, TypeError) as error:
        raise ApplicationError(
            _("Not a recurrence rule: %(error)s") % {"error": error}, field="rule"
        ) from None
    bounded = "COUNT=" in rule.upper() or "UNTIL=" in rule.upper()
    starts: list[datetime] = []
    for start in recurrence:
        if not bounded and len(starts) == SERIES_LIMIT:
            break
        if len(starts) == SERIES_MOST:
            raise ApplicationError(
                _("A series can have at most %(most)d dates.") % {"most": SERIES_MOST},
                field="rule",
            )
        starts.append(start.replace(tzinfo=STOCKHOLM))
    return starts


@transaction.atomic
def series_create(*, template: Event, rule: str) -> Series:
    """Make a series of drafts from one draft event and an RRULE (e.g. FREQ=MONTHLY;BYDAY=1TU).

    The template becomes the first occurrence; each occurrence can then be
    changed, published or cancelled on its own.
    """
    if template.series_id is not None:
        raise ApplicationError(_("This event already belongs to a series."))
    if template.status != Event.Status.DRAFT:
        raise ApplicationError(_("Make a series from a draft, before it is published."))
    starts = occurrence_starts(rule=rule, first_start=template.starts_at)
    if not starts:
        raise ApplicationError(_("The rule gives no dates."), field="rule")
    length = template.ends_at - template.starts_at
    series = Series.objects.create(rule=rule, first_start=template.starts_at)
    municipalities = list(template.audience_municipalities.all())
    languages = list(template.audience_languages.all())
    interests = list(template.audience_interests.all())
    for index, start in enumerate(starts):
        if index == 0:
            occurrence = template
        else:
            occurrence = Event.objects.get(id=template.id)
            occurrence.pk = None
            occurrence.id = None
            occurrence.code = None
        occurrence.series = series
        occurrence.recurrence_start = start
        occurrence.starts_at = start
        occurrence.ends_at = start + length
        occurrence.save()
        if index:
            occurrence.audience_municipalities.set(municipalities)
            occurrence.audience_languages.set(languages)
            occurrence.audience_interests.set(interests)
    return series


# Buddy meetings.


@transaction.atomic
def buddy_meeting_create(
    *,
    match: Match,
    starts_at: datetime,
    ends_at: datetime,
    address: str = "",
    video_url: str = "",
    title: str = "",
    organiser: User | None = None,
) -> Event:
    """Put a matched pair's own meeting in the calendar: both are coming and reminded.

    Planned by the ambassador (through their personal link) or a coordinator.
    Once it has taken place it counts as "have met" for the follow-up.
    """
    if match.status != Match.Status.ACTIVE:
        raise ApplicationError(_("This match has ended."))
    if starts_at <= timezone.now():
        raise ApplicationError(_("Choose a time in the future."), field="starts_at")
    if ends_at <= starts_at:
        raise ApplicationError(_("The meeting must end after it starts."), field="ends_at")
    if not (address or video_url):
        raise ApplicationError(_("Give a place or a video link."), field="address")
    buddy_request = match.buddy_request
    names = {"ambassador": match.ambassador.first_name, "newcomer": buddy_request.first_name}
    titles = {}
    for code in texts.SMS_LANGUAGES:
        with translation.override(code):
            titles[f"title_{code}"] = (
                title or _("Buddy meeting: %(ambassador)s and %(newcomer)s") % names
            )
    meeting = Event.objects.create(
        kind=Event.Kind.BUDDY_MEETING,
        **titles,
        starts_at=starts_at,
        ends_at=ends_at,
        address=address,
        video_url=video_url,
        municipality=buddy_request.municipality,
        audience=Event.Audience.BOTH,
        is_public=False,
        organiser=organiser,
        match=match,
        status=Event.Status.PUBLISHED,
        code=_free_code(),
        published_at=timezone.now(),
    )
    for guest in (match.ambassador, buddy_request):
        field = "ambassador" if isinstance(guest, Ambassador) else "buddy_request"
        invitation = Invitation.objects.create(
            event=meeting,
            status=Status.GOING,
            channel=Invitation.Channel.LINK
            if organiser is None
            else Invitation.Channel.COORDINATOR,
            answered_at=timezone.now(),
            **{field: guest},
        )
        _reminders_plan(invitation)
        language = _guest_language(invitation)
        sms_to(
            guest,
            purpose=Purpose.EVENT_NOTICE,
            body=texts.meeting_text(
                event=meeting, link=invitation_link(invitation), language=language
            ),
            language=language,
        )
    return meeting
