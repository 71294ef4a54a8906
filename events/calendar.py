"""Meetups and hotline shifts as iCalendar (RFC 5545) files for Google Calendar, Outlook
and Apple Calendar."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# icalendar ships no type information (no py.typed) up to at least 6.3.
import icalendar  # type: ignore[import-untyped, unused-ignore]
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import Accessibility, Event, ShiftAssignment

TZID = "Europe/Stockholm"
STOCKHOLM = ZoneInfo(TZID)
PRODID = "-//Region Jamtland Harjedalen//Ambassador Network//EN"
UID_DOMAIN = "ambassadors.regionjh.se"
# How often subscribing clients should fetch a feed again (Outlook and Apple
# read REFRESH-INTERVAL or X-PUBLISHED-TTL; Google sets its own pace).
REFRESH = timedelta(hours=1)
# A volunteer is reminded of a shift by text as well; the calendar's alarm is
# the nudge to be by the phone.
SHIFT_ALARM = timedelta(hours=1)
STATUS = {
    Event.Status.PUBLISHED: "CONFIRMED",
    Event.Status.CANCELLED: "CANCELLED",
    Event.Status.DRAFT: "TENTATIVE",
}


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{UID_DOMAIN}"


def shift_uid(assignment: ShiftAssignment) -> str:
    # By the shift, not the assignment: a volunteer moved to another language
    # on the same shift keeps one calendar entry.
    return f"shift-{assignment.shift_id}@{UID_DOMAIN}"


def stockholm_vtimezone() -> Any:
    """Europe/Stockholm as yearly rules, the way Google Calendar writes it.

    icalendar's Timezone.from_tzid lists each change as an RDATE, which
    Outlook ignores: it then shows summer events an hour off. Sweden follows
    the EU rule (since 1996), and a test holds this definition to tzdata.
    """
    vtimezone = icalendar.Timezone()
    vtimezone.add("tzid", TZID)
    vtimezone.add("x-lic-location", TZID)
    summer = icalendar.TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = icalendar.TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    vtimezone.add_component(summer)
    vtimezone.add_component(winter)
    return vtimezone


def _location(event: Event) -> str:
    if event.address:
        municipality = event.municipality.name if event.municipality else ""
        if municipality and municipality not in event.address:
            return f"{event.address}, {municipality}"
        return event.address
    if event.video_url:
        return event.video_url
    return event.municipality.name if event.municipality else ""


def _description(event: Event, language: str, link: str | None) -> str:
    """The event's description with what a calendar has no field for. Call it translated."""
    parts = [event.description(language)]
    if event.video_url and event.address:
        parts.append(_("Video link: %(link)s") % {"link": event.video_url})
    labels = [
        str(Accessibility(key).label) for key in event.accessibility if key in Accessibility.values
    ]
    if labels:
        parts.append(_("Accessibility: %(features)s") % {"features": ", ".join(labels)})
    if link:
        parts.append(link)
    return "\n\n".join(part for part in parts if part)


def _vevent(
    event: Event, *, language: str, alarms: list[int] | None, link: str | None, stamp: datetime
) -> Any:
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("created", event.created_at)
    vevent.add("dtstart", timezone.localtime(event.starts_at, STOCKHOLM))
    vevent.add("dtend", timezone.localtime(event.ends_at, STOCKHOLM))
    vevent.add("summary", event.title(language))
    description = _description(event, language, link)
    if description:
        vevent.add("description", description)
    location = _location(event)
    if location:
        vevent.add("location", location)
    if link:
        vevent.add("url", link)
    vevent.add("sequence", event.sequence)
    vevent.add("status", STATUS[Event.Status(event.status)])
    if event.status != Event.Status.CANCELLED:
        offsets = event.reminder_offsets if alarms is None else alarms
        for minutes in sorted({int(offset) for offset in offsets}, reverse=True):
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", event.title(language))
            alarm.add("trigger", timedelta(minutes=-minutes))
            vevent.add_component(alarm)
    return vevent


def _shift_vevent(assignment: ShiftAssignment, *, language: str, stamp: datetime) -> Any:
    """A volunteer's published shift. Call it translated."""
    shift = assignment.shift
    hotline = shift.hotline
    place = (
        assignment.language.display_name(language)
        if assignment.language is not None
        else _("backup")
    )
    # Translators: a calendar entry: "Hotline shift 12 · Arabic" or "… · backup".
    summary = _("Hotline shift %(number)d · %(place)s") % {"number": shift.number, "place": place}
    vevent = icalendar.Event()
    vevent.add("uid", shift_uid(assignment))
    vevent.add("dtstamp", stamp)
    vevent.add("created", assignment.created_at)
    vevent.add("dtstart", timezone.localtime(shift.starts_at, STOCKHOLM))
    vevent.add("dtend", timezone.localtime(shift.ends_at, STOCKHOLM))
    vevent.add("summary", summary)
    vevent.add(
        "description",
        _(
            "%(hotline)s. Calls are put through to your phone and show the hotline's "
            "number, %(phone)s."
        )
        % {"hotline": hotline.name, "phone": hotline.phone.as_international},
    )
    vevent.add("status", "CONFIRMED")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -SHIFT_ALARM)
    vevent.add_component(alarm)
    return vevent


def event_ical(
    events: Iterable[Event],
    *,
    name: str,
    language: str,
    alarms: list[int] | None = None,
    links: Mapping[int, str] | None = None,
    shifts: Iterable[ShiftAssignment] = (),
) -> bytes:
    """A VCALENDAR of `events` with texts in `language`.

    `alarms` (minutes before the start) replaces each event's own
    reminder_offsets; [] gives no alarms. `links` maps an event's id to the
    page it should point to (URL and the end of DESCRIPTION). `shifts` are a
    volunteer's hotline shifts (with shift__hotline and language selected),
    each with an alarm an hour before.
    """
    stamp = timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    # icalendar knows neither property's type: give it, or a timedelta is written as "1:00:00".
    calendar.add("refresh-interval", icalendar.vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    calendar.add_component(stockholm_vtimezone())
    with translation.override(language):
        for event in events:
            link = (links or {}).get(event.id)
            calendar.add_component(
                _vevent(event, language=language, alarms=alarms, link=link, stamp=stamp)
            )
        for assignment in shifts:
            calendar.add_component(_shift_vevent(assignment, language=language, stamp=stamp))
    content: bytes = calendar.to_ical()
    return content
