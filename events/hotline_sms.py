"""The hotline rota by SMS: a summary on publishing, reminders, and swaps.

A volunteer who cannot take a shift texts "BYT 12"; every volunteer who could
take shift 12 in their place is asked, and the first to answer "TA 12" gets it.
The offerer stays on the shift until then. Every text is a row in the outbox
first, so opt-outs and quiet hours apply as they do to every other text, and
each is rendered in its reader's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ambassadors.models import Ambassador, AmbassadorLanguage, Language, OutboundSms
from ambassadors.outbox import is_opted_out, release_time, sms_queue, sms_send_batch, sms_to
from events.hotline import CALL_LEVEL, STOCKHOLM, _is_available
from events.models import HotlineVolunteer, Rota, Shift, ShiftAssignment, ShiftSwap
from events.services import REMINDER_LATE_LIMIT, REMINDER_LOOKAHEAD
from events.texts import sms_language

Purpose = OutboundSms.Purpose

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)
# The claim column of each reminder and how long before the start it is due.
REMINDERS = (("reminded_day_before_at", DAY_BEFORE), ("reminded_hour_before_at", HOUR_BEFORE))
# Reminders written by one run at the most; a hotline has a handful a minute.
DISPATCH_MOST = 500
# A summary lists this many shifts at the most: a long rota would otherwise
# run past the 1600 characters Twilio takes in one message.
SUMMARY_MOST = 10
# A swap text may wait for the end of the quiet hours unless the shift would
# then be this close: nobody is woken for a shift days away, but a shift early
# tomorrow is still offered tonight.
SWAP_URGENT_WITHIN = timedelta(hours=4)
# Coordinators are the region's staff and read Swedish (as the voicemail notice).
COORDINATOR_LANGUAGE = "sv"
# The words a text tells its reader to answer with (offer, take). They are not
# in the translated strings so that they always are words the parser
# (ambassadors.sms_replies) reads, whatever a translator writes.
KEYWORDS = {
    "sv": ("BYT", "TA"),
    "en": ("SWAP", "TAKE"),
    "ar": ("تبديل", "أخذ"),
    "uk": ("ОБМІН", "БЕРУ"),
}


class Refusal(StrEnum):
    """Why a volunteer may not take a shift offered for swapping."""

    INACTIVE = "inactive"
    OPTED_OUT = "opted_out"
    ON_SHIFT = "on_shift"
    LANGUAGE = "language"
    UNAVAILABLE = "unavailable"
    SAME_DAY = "same_day"
    REST = "rest"
    WEEK_FULL = "week_full"


# Texts. The helpers below render in the active language: call them inside
# translation.override(the reader's language), as the *_text functions do.


def _reader(ambassador: Ambassador) -> str:
    return sms_language(ambassador.preferred_language.code)


def keywords(language: str) -> tuple[str, str]:
    """The words to offer and to take a shift with, for a reader of `language`."""
    return KEYWORDS.get(language, KEYWORDS["en"])


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, STOCKHOLM)


def _when(shift: Shift) -> str:
    """ "tis 3 mars 17:00-20:00"; a plain hyphen, as an en dash is not GSM-7."""
    starts, ends = _local(shift.starts_at), _local(shift.ends_at)
    return f"{formats.date_format(starts, 'D j M')} {starts:%H:%M}-{ends:%H:%M}"


def _language_name(item: Language, reader: str) -> str:
    # As the offers name languages: the reader's own word when we have it (Swedish,
    # English, their own language), else the language's own name.
    if reader in ("sv", "en") or item.code == reader:
        return item.display_name(reader)
    return item.name_native


def _place(assignment: ShiftAssignment, reader: str) -> str:
    if assignment.language is None:
        return _("backup")
    return _language_name(assignment.language, reader)


def _values(assignment: ShiftAssignment, reader: str) -> dict[str, object]:
    shift = assignment.shift
    swap, take = keywords(reader)
    return {
        "hotline": shift.hotline.name,
        "number": shift.number,
        "when": _when(shift),
        "time": f"{_local(shift.starts_at):%H:%M}",
        "place": _place(assignment, reader),
        "phone": shift.hotline.phone,
        "swap": swap,
        "take": take,
    }


def rota_summary_text(*, rota: Rota, assignments: list[ShiftAssignment], reader: str) -> str:
    with translation.override(reader):
        lines = [
            _("%(hotline)s rota %(first)s-%(last)s. Your shifts:")
            % {
                "hotline": rota.hotline.name,
                "first": formats.date_format(rota.first_day, "j M"),
                "last": formats.date_format(rota.last_day, "j M"),
            }
        ]
        for assignment in assignments[:SUMMARY_MOST]:
            lines.append(_("%(number)s: %(when)s, %(place)s") % _values(assignment, reader))
        more = len(assignments) - SUMMARY_MOST
        if more > 0:
            lines.append(
                ngettext("and %(count)d more shift", "and %(count)d more shifts", more)
                % {"count": more}
            )
        lines.append(
            _("Can't take one? Reply %(swap)s and its number, e.g. %(swap)s %(number)s.")
            % _values(assignments[0], reader)
        )
        return "\n".join(lines)


def day_before_text(*, assignment: ShiftAssignment, reader: str) -> str:
    with translation.override(reader):
        return _(
            "Reminder: %(hotline)s shift %(number)s, %(when)s, %(place)s. "
            "Can't make it? Reply %(swap)s %(number)s."
        ) % _values(assignment, reader)


def hour_before_text(*, assignment: ShiftAssignment, reader: str) -> str:
    with translation.override(reader):
        return _(
            "Your %(hotline)s shift %(number)s starts at %(time)s (%(place)s). "
            "Calls come from %(phone)s. Thank you!"
        ) % _values(assignment, reader)


def swap_offer_text(*, assignment: ShiftAssignment, reader: str) -> str:
    with translation.override(reader):
        return _(
            "%(name)s offers %(hotline)s shift %(number)s, %(when)s, %(place)s. "
            "Reply %(take)s %(number)s to take it."
        ) % {**_values(assignment, reader), "name": assignment.volunteer.ambassador.first_name}


def swap_which(*, take: bool, language: str) -> str:
    """The answer to a swap word without a shift number."""
    swap, take_word = keywords(language)
    with translation.override(language):
        return _("Which shift? Reply %(word)s and the shift's number, e.g. %(word)s 12.") % {
            "word": take_word if take else swap
        }


def _refusal_text(
    refusal: Refusal, *, assignment: ShiftAssignment, taker: HotlineVolunteer, reader: str
) -> str:
    values = _values(assignment, reader)
    hotline = assignment.shift.hotline
    if refusal == Refusal.INACTIVE:
        return _("You are not taking hotline shifts now, so you cannot take shift %(number)s.") % (
            values
        )
    if refusal == Refusal.OPTED_OUT:
        return _("Reply START first: we cannot text you about shift %(number)s now.") % values
    if refusal == Refusal.ON_SHIFT:
        return _("You are already on shift %(number)s.") % values
    if refusal == Refusal.LANGUAGE:
        return _("Shift %(number)s needs someone who takes calls in %(place)s.") % values
    if refusal == Refusal.UNAVAILABLE:
        return (
            _("Shift %(number)s is outside the times you take shifts, or you are away then.")
            % values
        )
    if refusal == Refusal.SAME_DAY:
        return _("You already have a shift that day, so you cannot take shift %(number)s.") % (
            values
        )
    if refusal == Refusal.REST:
        return _(
            "Shift %(number)s is less than %(hours)d h from another of your shifts, "
            "so you cannot take it."
        ) % {**values, "hours": hotline.min_rest_hours}
    most = taker.max_shifts_per_week
    return ngettext(
        "You already have %(count)d shift that week, your most, so you cannot take shift "
        "%(number)s.",
        "You already have %(count)d shifts that week, your most, so you cannot take shift "
        "%(number)s.",
        most,
    ) % {**values, "count": most}


# The summary on publishing.


def rota_summaries_send(*, rota: Rota) -> int:
    """Text each volunteer on the rota their shifts and how to swap one. Returns texts written.

    Called by `rota_publish` inside its transaction; the texts go after it commits,
    outside the quiet hours.
    """
    by_volunteer: dict[int, list[ShiftAssignment]] = defaultdict(list)
    for assignment in (
        ShiftAssignment.objects.filter(shift__rota=rota)
        .select_related("shift__hotline", "language", "volunteer__ambassador__preferred_language")
        .order_by("shift__starts_at", "id")
    ):
        by_volunteer[assignment.volunteer_id].append(assignment)
    queued = []
    for assignments in by_volunteer.values():
        ambassador = assignments[0].volunteer.ambassador
        reader = _reader(ambassador)
        message = sms_to(
            ambassador,
            purpose=Purpose.ROTA,
            body=rota_summary_text(rota=rota, assignments=assignments, reader=reader),
            language=reader,
            urgent=False,
            send_now=False,
        )
        queued.append(message)
    sms_send_batch(_sendable(queued))
    return len(queued)


def _sendable(messages: Iterable[OutboundSms]) -> list[int]:
    """The texts that may go now; those held by the quiet hours go with the periodic sweep."""
    now = timezone.now()
    return [
        message.id
        for message in messages
        if message.status == OutboundSms.Status.QUEUED and message.send_after <= now
    ]


# Reminders.


def swaps_expire(*, now: datetime | None = None) -> int:
    """Close the swaps of shifts that have started: nobody took them in time."""
    now = now or timezone.now()
    return ShiftSwap.objects.filter(
        status=ShiftSwap.Status.OPEN, assignment__shift__starts_at__lte=now
    ).update(status=ShiftSwap.Status.EXPIRED, closed_at=now)


def shift_reminders_dispatch_due(*, now: datetime | None = None) -> int:
    """Write the reminders due the day and the hour before each published shift, once each.

    Each is claimed by setting its column where it is empty, in the transaction
    that writes the text, so two dispatchers never send one twice. A reminder
    missed by more than REMINDER_LATE_LIMIT (the service was down, or the rota
    was published or the place swapped after its time) is marked without a
    text; none goes once the shift has started. Also closes the swaps of
    started shifts. Returns the texts written.
    """
    now = now or timezone.now()
    swaps_expire(now=now)
    written = 0
    for column, before in REMINDERS:
        unsent = ShiftAssignment.objects.filter(
            shift__rota__status=Rota.Status.PUBLISHED, **{f"{column}__isnull": True}
        )
        unsent.filter(shift__starts_at__lt=now + before - REMINDER_LATE_LIMIT).update(
            **{column: now}
        )
        with transaction.atomic():
            due = list(
                unsent.filter(
                    shift__starts_at__lte=now + before + REMINDER_LOOKAHEAD,
                    shift__starts_at__gt=now,
                )
                .select_related(
                    "shift__hotline", "language", "volunteer__ambassador__preferred_language"
                )
                .order_by("shift__starts_at", "id")[:DISPATCH_MOST]
            )
            messages = []
            for assignment in due:
                claimed = ShiftAssignment.objects.filter(
                    id=assignment.id, **{f"{column}__isnull": True}
                ).update(**{column: now})
                if claimed != 1:
                    continue
                messages.append(_reminder_write(assignment, hour_before=before == HOUR_BEFORE))
            sms_send_batch(_sendable(messages))
            written += len(messages)
    return written


def _reminder_write(assignment: ShiftAssignment, *, hour_before: bool) -> OutboundSms:
    ambassador = assignment.volunteer.ambassador
    reader = _reader(ambassador)
    if hour_before:
        body = hour_before_text(assignment=assignment, reader=reader)
    else:
        body = day_before_text(assignment=assignment, reader=reader)
    return sms_to(
        ambassador,
        purpose=Purpose.SHIFT_REMINDER,
        body=body,
        language=reader,
        # The day before may wait for the morning; the hour before may not.
        urgent=hour_before,
        send_now=False,
    )


# Swaps.


def _week_bounds(day: date) -> tuple[datetime, datetime]:
    """The ISO week of `day`, from Monday 00:00 to the next Monday 00:00 in Stockholm."""
    monday = day - timedelta(days=day.weekday())
    return (
        datetime.combine(monday, time(), tzinfo=STOCKHOLM),
        datetime.combine(monday + timedelta(days=7), time(), tzinfo=STOCKHOLM),
    )


def _refusals(
    assignment: ShiftAssignment, volunteers: list[HotlineVolunteer]
) -> dict[int, Refusal | None]:
    """Whether each volunteer may take the place (None) or why not, by volunteer id.

    The volunteers come with their ambassador, availability and absences.
    """
    shift = assignment.shift
    rest = timedelta(hours=shift.hotline.min_rest_hours)
    day = _local(shift.starts_at).date()
    week_starts, week_ends = _week_bounds(day)
    # Their published shifts that could clash: the same ISO week, and any
    # within the rest time on either side.
    others: dict[int, list[Shift]] = defaultdict(list)
    for other in ShiftAssignment.objects.filter(
        volunteer__in=volunteers,
        shift__rota__status=Rota.Status.PUBLISHED,
        shift__ends_at__gt=min(week_starts, shift.starts_at - rest),
        shift__starts_at__lt=max(week_ends, shift.ends_at + rest),
    ).select_related("shift"):
        others[other.volunteer_id].append(other.shift)
    speakers: set[int] = set()
    if assignment.language_id is not None:
        speakers = set(
            AmbassadorLanguage.objects.filter(
                ambassador_id__in=[volunteer.ambassador_id for volunteer in volunteers],
                language_id=assignment.language_id,
                level__gte=CALL_LEVEL,
            ).values_list("ambassador_id", flat=True)
        )
    return {
        volunteer.id: _refusal(
            volunteer,
            shift,
            speaks=assignment.language_id is None or volunteer.ambassador_id in speakers,
            others=others[volunteer.id],
        )
        for volunteer in volunteers
    }


def _refusal(
    volunteer: HotlineVolunteer, shift: Shift, *, speaks: bool, others: list[Shift]
) -> Refusal | None:
    ambassador = volunteer.ambassador
    day = _local(shift.starts_at).date()
    if not (volunteer.active and ambassador.active) or ambassador.is_paused(day):
        return Refusal.INACTIVE
    if any(other.id == shift.id for other in others):
        return Refusal.ON_SHIFT
    if not speaks:
        return Refusal.LANGUAGE
    if not _is_available(volunteer, shift.starts_at, shift.ends_at):
        return Refusal.UNAVAILABLE
    if any(_local(other.starts_at).date() == day for other in others):
        return Refusal.SAME_DAY
    rest = timedelta(hours=shift.hotline.min_rest_hours)
    if any(
        other.ends_at > shift.starts_at - rest and other.starts_at < shift.ends_at + rest
        for other in others
    ):
        return Refusal.REST
    week = day.isocalendar()[:2]
    in_week = sum(_local(other.starts_at).date().isocalendar()[:2] == week for other in others)
    if in_week >= volunteer.max_shifts_per_week:
        return Refusal.WEEK_FULL
    # Last: it asks the database, and a text they will not get is no offer.
    if is_opted_out(ambassador.phone):
        return Refusal.OPTED_OUT
    return None


def _with_windows(volunteers: QuerySet[HotlineVolunteer]) -> QuerySet[HotlineVolunteer]:
    return volunteers.select_related("ambassador__preferred_language").prefetch_related(
        "availability", "absences"
    )


def swap_candidates(*, assignment: ShiftAssignment) -> list[HotlineVolunteer]:
    """The volunteers who may take this place: the ones a swap offer goes to."""
    volunteers = list(
        _with_windows(
            HotlineVolunteer.objects.filter(
                hotline_id=assignment.shift.hotline_id, active=True, ambassador__active=True
            ).exclude(id=assignment.volunteer_id)
        ).order_by("id")
    )
    refusals = _refusals(assignment, volunteers)
    return [volunteer for volunteer in volunteers if refusals[volunteer.id] is None]


def _urgent(shift: Shift) -> bool:
    return shift.starts_at - release_time(timezone.now(), urgent=False) < SWAP_URGENT_WITHIN


@transaction.atomic
def swap_offer(*, ambassador: Ambassador, number: int, language: str) -> str:
    """ "BYT 12": offer one's own coming shift 12 to every volunteer who may take it.

    The offerer keeps the shift until someone takes it. Returns the answer to
    the offerer, in `language`.
    """
    assignment = (
        ShiftAssignment.objects.filter(
            volunteer__ambassador=ambassador,
            shift__number=number,
            shift__rota__status=Rota.Status.PUBLISHED,
            shift__starts_at__gt=timezone.now(),
        )
        .select_related("shift__hotline", "language", "volunteer__ambassador")
        .order_by("shift__starts_at")
        .first()
    )
    with translation.override(language):
        values: dict[str, object] = {"number": number}
        if assignment is None:
            return _("You have no coming shift %(number)s.") % values
        already = _("Shift %(number)s is already offered; we will text you when it is taken.") % (
            values
        )
        if assignment.swaps.filter(status=ShiftSwap.Status.OPEN).exists():
            return already
        candidates = swap_candidates(assignment=assignment)
        if not candidates:
            hotline = assignment.shift.hotline
            return _("Nobody else can take shift %(number)s. Please call %(name)s, %(phone)s.") % {
                **values,
                "name": hotline.fallback_name,
                "phone": hotline.fallback_phone,
            }
    try:
        with transaction.atomic():
            ShiftSwap.objects.create(assignment=assignment, offered_by=assignment.volunteer)
    except IntegrityError:
        # The same text twice at once (a resend with a new MessageSid).
        return already
    urgent = _urgent(assignment.shift)
    messages = []
    for volunteer in candidates:
        reader = _reader(volunteer.ambassador)
        messages.append(
            sms_to(
                volunteer.ambassador,
                purpose=Purpose.SWAP,
                body=swap_offer_text(assignment=assignment, reader=reader),
                language=reader,
                urgent=urgent,
                send_now=False,
            )
        )
    sms_send_batch(_sendable(messages))
    with translation.override(language):
        return ngettext(
            "Shift %(number)s is offered to %(count)d volunteer. It is yours until someone "
            "takes it; we will text you then.",
            "Shift %(number)s is offered to %(count)d volunteers. It is yours until someone "
            "takes it; we will text you then.",
            len(messages),
        ) % {"number": number, "count": len(messages)}


class _Changed(Exception):
    """The swap or its place changed between the checks and the claim."""


def _shift_for_take(volunteers: dict[int, HotlineVolunteer], number: int) -> Shift | None:
    """Shift `number` of one of their hotlines; one with an open swap first."""
    shifts = list(
        Shift.objects.filter(
            hotline_id__in=list(volunteers), number=number, rota__status=Rota.Status.PUBLISHED
        ).select_related("hotline")
    )
    for shift in shifts:
        if ShiftSwap.objects.filter(assignment__shift=shift, status=ShiftSwap.Status.OPEN).exists():
            return shift
    return shifts[0] if shifts else None


@transaction.atomic
def swap_take(*, ambassador: Ambassador, number: int, language: str) -> str:
    """ "TA 12": take shift 12 offered by another volunteer; the first who may take it gets it.

    The open swaps of the shift are locked, so of two takers at once the second
    finds the swap taken. The taker gets the place (the same assignment row, so
    a reminder already sent is not sent again); the offerer and the hotline's
    coordinator are told. The offerer's own "TA 12" withdraws the offer.
    Returns the answer to the taker, in `language`.
    """
    now = timezone.now()
    volunteers = {
        volunteer.hotline_id: volunteer
        for volunteer in _with_windows(HotlineVolunteer.objects.filter(ambassador=ambassador))
    }
    shift = _shift_for_take(volunteers, number)
    with translation.override(language):
        values: dict[str, object] = {"number": number}
        if shift is None:
            return _("Shift %(number)s is not offered to anyone now.") % values
        if shift.starts_at <= now:
            swaps_expire(now=now)
            return _("Shift %(number)s has already started.") % values
    taker = volunteers[shift.hotline_id]
    swaps = list(
        ShiftSwap.objects.select_for_update(of=("self",))
        .filter(assignment__shift=shift, status=ShiftSwap.Status.OPEN)
        .order_by("created_at", "id")
    )
    if not swaps:
        return _not_open(shift, taker, language)
    own = [swap for swap in swaps if swap.offered_by_id == taker.id]
    if own:
        ShiftSwap.objects.filter(id=own[0].id, status=ShiftSwap.Status.OPEN).update(
            status=ShiftSwap.Status.WITHDRAWN, closed_at=now
        )
        with translation.override(language):
            return _("You keep shift %(number)s; your offer is withdrawn.") % values
    assignments = {
        assignment.id: assignment
        for assignment in ShiftAssignment.objects.filter(
            id__in=[swap.assignment_id for swap in swaps]
        ).select_related("shift__hotline", "language", "volunteer__ambassador__preferred_language")
    }
    refusals = {
        swap.id: _refusals(assignments[swap.assignment_id], [taker])[taker.id] for swap in swaps
    }
    chosen = next((swap for swap in swaps if refusals[swap.id] is None), None)
    if chosen is None:
        first = swaps[0]
        refusal = refusals[first.id]
        assert refusal is not None
        with translation.override(language):
            return _refusal_text(
                refusal, assignment=assignments[first.assignment_id], taker=taker, reader=language
            )
    assignment = assignments[chosen.assignment_id]
    offerer = assignment.volunteer
    try:
        with transaction.atomic():
            claimed = ShiftSwap.objects.filter(id=chosen.id, status=ShiftSwap.Status.OPEN).update(
                status=ShiftSwap.Status.TAKEN, taken_by=taker, closed_at=now
            )
            moved = ShiftAssignment.objects.filter(
                id=assignment.id, volunteer_id=chosen.offered_by_id
            ).update(volunteer=taker)
            if claimed != 1 or moved != 1:
                raise _Changed
    except (_Changed, IntegrityError):
        # Taken by someone else meanwhile, or the taker was put on the shift by a
        # coordinator: neither the swap nor the place moves.
        return _not_open(shift, taker, language)
    assignment.volunteer = taker
    _taken_tell(assignment, offerer=offerer, taker=taker)
    with translation.override(language):
        return _("Shift %(number)s, %(when)s, %(place)s, is yours now. Thank you!") % _values(
            assignment, language
        )


def _not_open(shift: Shift, taker: HotlineVolunteer, language: str) -> str:
    last = (
        ShiftSwap.objects.filter(assignment__shift=shift, status=ShiftSwap.Status.TAKEN)
        .order_by("-closed_at", "-id")
        .first()
    )
    with translation.override(language):
        values = {"number": shift.number}
        if last is None:
            return _("Shift %(number)s is not offered to anyone now.") % values
        if last.taken_by_id == taker.id:
            return _("You are already on shift %(number)s.") % values
        return _("Sorry, shift %(number)s has already been taken. Thank you for answering!") % (
            values
        )


def _taken_tell(
    assignment: ShiftAssignment, *, offerer: HotlineVolunteer, taker: HotlineVolunteer
) -> None:
    """Tell the offerer and the coordinator who has the shift now."""
    shift = assignment.shift
    urgent = _urgent(shift)
    reader = _reader(offerer.ambassador)
    with translation.override(reader):
        body = _("%(name)s took your shift %(number)s, %(when)s. You are free then. Thank you!") % {
            **_values(assignment, reader),
            "name": taker.ambassador.first_name,
        }
    sms_to(offerer.ambassador, purpose=Purpose.SWAP, body=body, language=reader, urgent=urgent)
    with translation.override(COORDINATOR_LANGUAGE):
        body = _(
            "%(hotline)s: %(taker)s took shift %(number)s (%(when)s, %(place)s) from %(offerer)s."
        ) % {
            **_values(assignment, COORDINATOR_LANGUAGE),
            "taker": taker.ambassador,
            "offerer": offerer.ambassador,
        }
    sms_queue(
        to=shift.hotline.fallback_phone,
        purpose=Purpose.SWAP,
        body=body,
        language=COORDINATOR_LANGUAGE,
        urgent=urgent,
    )


# A coordinator's change to a published rota.


def placed_text(*, assignment: ShiftAssignment, reader: str) -> str:
    with translation.override(reader):
        return _(
            "%(hotline)s: a coordinator put you on shift %(number)s, %(when)s, %(place)s. "
            "Can't make it? Reply %(swap)s %(number)s."
        ) % _values(assignment, reader)


def removed_text(*, assignment: ShiftAssignment, reader: str) -> str:
    with translation.override(reader):
        return _(
            "%(hotline)s: a coordinator took you off shift %(number)s, %(when)s. Thank you!"
        ) % _values(assignment, reader)


def rota_change_tell(*, placed: ShiftAssignment | None, removed: Iterable[ShiftAssignment]) -> int:
    """Tell the volunteers a coordinator put on or took off a published, future shift.

    `removed` may be rows already deleted: their fields are still in memory.
    Returns the texts written.
    """
    shifts = [placed.shift] if placed is not None else [a.shift for a in removed]
    if not shifts or shifts[0].rota.status != Rota.Status.PUBLISHED:
        return 0
    if shifts[0].starts_at <= timezone.now():
        return 0
    messages = []
    for assignment in removed:
        ambassador = assignment.volunteer.ambassador
        reader = _reader(ambassador)
        body = removed_text(assignment=assignment, reader=reader)
        messages.append(
            sms_to(
                ambassador,
                purpose=Purpose.ROTA,
                body=body,
                language=reader,
                urgent=_urgent(shifts[0]),
            )
        )
    if placed is not None:
        ambassador = placed.volunteer.ambassador
        reader = _reader(ambassador)
        body = placed_text(assignment=placed, reader=reader)
        messages.append(
            sms_to(
                ambassador,
                purpose=Purpose.ROTA,
                body=body,
                language=reader,
                urgent=_urgent(placed.shift),
            )
        )
    return len(messages)
