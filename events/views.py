"""Meetups on the web: calendar files, the personal pages behind signed links,
the public listing and the organiser's check-in list.

The personal pages need no login: the signed token in the link is the key. They
are shown in the guest's language, which they can switch with ?lang=.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ambassadors.exports import _csv, csv_download
from ambassadors.models import Ambassador
from ambassadors.selectors import is_coordinator
from ambassadors.services import ApplicationError
from events.calendar import STOCKHOLM, event_ical
from events.hotline import volunteer_shifts
from events.models import EVENT_LANGUAGES, Accessibility, Event, Invitation
from events.services import (
    ambassador_from_calendar_token,
    ambassador_from_page_token,
    attendance_record,
    buddy_meeting_create,
    calendar_link,
    invitation_from_token,
    invitation_link,
    invitation_token,
    page_link,
    places_taken,
    rsvp,
)
from matching.models import Match

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# The public feed and files are in Swedish unless ?lang= asks for another language.
PUBLIC_FEED_LANGUAGE = "sv"
# A personal feed keeps a month of past events, so last week's meetup stays in the calendar.
FEED_HISTORY = timedelta(days=30)
# Calendar apps poll a feed often; a personal one may be cached by the client only.
FEED_MAX_AGE = 900
TAKING_PLACES = [Invitation.Status.GOING, Invitation.Status.PLACE_OFFERED]


# Helpers for the pages.


def _language(request: HttpRequest, preferred: str | None) -> str:
    """?lang= if it names a page language, else `preferred` if it is one, else English."""
    for code in (request.GET.get("lang", ""), preferred or ""):
        if code in EVENT_LANGUAGES:
            return code
    return "en"


def _public_language(request: HttpRequest) -> str:
    language = request.GET.get("lang", "")
    return language if language in EVENT_LANGUAGES else PUBLIC_FEED_LANGUAGE


def _language_links(request: HttpRequest) -> list[dict[str, str]]:
    """The switcher for pages outside the /<lang>/ paths: the same page with ?lang=."""
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": f"{request.path}?lang={code}",
        }
        for code in EVENT_LANGUAGES
    ]


def _when(event: Event) -> str:
    """ "tisdag 3 mars 2026, 18:00–20:00" in the active language, Stockholm time."""
    start = timezone.localtime(event.starts_at, STOCKHOLM)
    end = timezone.localtime(event.ends_at, STOCKHOLM)
    day = f"{formats.date_format(start, 'l')} {formats.date_format(start, 'DATE_FORMAT')}"
    if start.date() == end.date():
        # Translators: a day and its start and end times: "Thursday 15 July, 18:00–20:00".
        return _("%(date)s, %(start)s–%(end)s") % {
            "date": day,
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
        }
    # Translators: an event over several days: "Friday 2 July, 18:00 – 4 July, 14:00".
    return _("%(date)s, %(start)s – %(end_date)s, %(end)s") % {
        "date": day,
        "start": f"{start:%H:%M}",
        "end_date": formats.date_format(end, "DATE_FORMAT"),
        "end": f"{end:%H:%M}",
    }


def _place(event: Event) -> str:
    municipality = event.municipality.name if event.municipality else ""
    if event.address:
        if municipality and municipality not in event.address:
            return f"{event.address}, {municipality}"
        return event.address
    if event.video_url:
        return _("Online")
    return municipality


def _details(event: Event, *, places_left: int | None) -> dict[str, Any]:
    """What every page shows of an event. Call it in the reader's language."""
    return {
        "event": event,
        "title": event.title(),
        "description": event.description(),
        "kind": event.get_kind_display(),
        "when": _when(event),
        "place": _place(event),
        "video_url": event.video_url,
        "accessibility": [
            Accessibility(key).label for key in event.accessibility if key in Accessibility.values
        ],
        "places_left": places_left,
        "cancelled": event.status == Event.Status.CANCELLED,
    }


def _places_left(event: Event, taken: int) -> int | None:
    return None if event.capacity is None else max(event.capacity - taken, 0)


def _ics(content: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=CALENDAR_CONTENT_TYPE)
    if filename:
        # An attachment makes browsers hand the file to the calendar app.
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _public_link(event: Event) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('event_list')}#event-{event.id}"


def _webcal(url: str) -> str:
    """The same feed for the apps that subscribe when a webcal:// link is opened."""
    return "webcal://" + url.split("://", 1)[-1]


# Calendar files.


@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    """Upcoming public events. Subscribers have not said they are coming: no alarms."""
    language = _public_language(request)
    with translation.override(language):
        events = list(Event.objects.upcoming_public().select_related("municipality"))
        name = _("Meetups in Jämtland Härjedalen")
        links = {event.id: _public_link(event) for event in events}
    content = event_ical(events, name=name, language=language, alarms=[], links=links)
    return _ics(content)


@require_safe
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    """One published public event, with its reminders as alarms."""
    event = get_object_or_404(
        Event.objects.select_related("municipality"),
        id=event_id,
        status=Event.Status.PUBLISHED,
        is_public=True,
    )
    language = _public_language(request)
    with translation.override(language):
        link = _public_link(event)
    content = event_ical(
        [event], name=event.title(language), language=language, links={event.id: link}
    )
    return _ics(content, filename=f"event-{event.id}.ics")


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The events an ambassador has said yes to, and their published hotline shifts.

    Cancelled events stay, marked cancelled; a shift they are taken off just goes.
    """
    ambassador = ambassador_from_calendar_token(token)
    if ambassador is None:
        raise Http404
    language = _language(request, ambassador.preferred_language.code)
    invitations = list(
        Invitation.objects.filter(
            ambassador=ambassador,
            status=Invitation.Status.GOING,
            event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
            event__ends_at__gte=timezone.now() - FEED_HISTORY,
        )
        .select_related("event__municipality")
        .order_by("event__starts_at")
    )
    shifts = list(
        volunteer_shifts(
            ambassador.hotline_volunteering.values_list("id", flat=True),
            since=timezone.now() - FEED_HISTORY,
        )
    )
    with translation.override(language):
        name = _("My meetups · Ambassador Network")
    content = event_ical(
        [invitation.event for invitation in invitations],
        name=name,
        language=language,
        links={invitation.event_id: invitation_link(invitation) for invitation in invitations},
        shifts=shifts,
    )
    response = _ics(content)
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    return response


@require_safe
def invitation_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The invited event as a file; the token proves the invitation, so non-public ones too."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise Http404
    event = invitation.event
    language = _language(request, invitation.guest.preferred_language.code)
    content = event_ical(
        [event],
        name=event.title(language),
        language=language,
        links={event.id: invitation_link(invitation)},
    )
    response = _ics(content, filename=f"event-{event.id}.ics")
    patch_cache_control(response, private=True)
    return response


# The personal invitation page.


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_from_token(token)
    if invitation is None:
        raise Http404
    language = _language(request, invitation.guest.preferred_language.code)
    with translation.override(language):
        error = None
        if request.method == "POST":
            answer = request.POST.get("answer")
            if answer not in ("yes", "no"):
                return HttpResponseBadRequest()
            try:
                rsvp(invitation=invitation, going=answer == "yes", channel=Invitation.Channel.LINK)
            except ApplicationError as failure:
                error = failure.message
            else:
                messages.success(request, _("Thank you! Your answer is saved."))
                return redirect(request.get_full_path())
            invitation.refresh_from_db()
        event = invitation.event
        details = _details(event, places_left=_places_left(event, places_taken(event)))
        response = render(
            request,
            "events/invitation.html",
            {
                "details": details,
                "invitation": invitation,
                "answer": invitation.get_status_display(),
                "can_answer": (
                    event.status == Event.Status.PUBLISHED and event.starts_at > timezone.now()
                ),
                "place_offered": invitation.status == Invitation.Status.PLACE_OFFERED,
                "ics_url": reverse("events:invitation_ics", args=[token]) + f"?lang={language}",
                # An ambassador reaches their own page (events, feed, buddy
                # meetings) from any of their invitations.
                "own_page": (
                    page_link(invitation.ambassador) if invitation.ambassador is not None else ""
                ),
                "error": error,
                "language_links": _language_links(request),
            },
        )
    response["Content-Language"] = language
    patch_cache_control(response, private=True, no_store=True)
    return response


# An ambassador's own page: their events, their feed and buddy meetings.


class MatchChoiceField(forms.ModelChoiceField[Match]):
    def label_from_instance(self, obj: Match) -> str:
        return obj.buddy_request.first_name


class BuddyMeetingForm(forms.Form):
    match = MatchChoiceField(
        queryset=Match.objects.none(), empty_label=None, label=gettext_lazy("Who you meet")
    )
    title = forms.CharField(
        label=gettext_lazy("What you will do"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("For example: coffee, a visit to the library. You may leave it."),
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    starts_at = forms.TimeField(
        label=gettext_lazy("Starts"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Swedish time."),
    )
    ends_at = forms.TimeField(
        label=gettext_lazy("Ends"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    address = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("An address or a place you both know, e.g. the town library."),
    )
    video_url = forms.URLField(
        label=gettext_lazy("Or a video link"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("If you meet online."),
    )

    def __init__(self, *args: Any, ambassador: Ambassador, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.matches = (
            Match.objects.filter(ambassador=ambassador, status=Match.Status.ACTIVE)
            .select_related("buddy_request")
            .order_by("buddy_request__first_name", "id")
        )
        field = self.fields["match"]
        assert isinstance(field, MatchChoiceField)
        field.queryset = self.matches

    def meeting(self) -> dict[str, Any]:
        """The cleaned data as buddy_meeting_create's arguments, times in Stockholm."""
        data = self.cleaned_data
        return {
            "match": data["match"],
            "title": data["title"],
            "starts_at": datetime.combine(data["date"], data["starts_at"], tzinfo=STOCKHOLM),
            "ends_at": datetime.combine(data["date"], data["ends_at"], tzinfo=STOCKHOLM),
            "address": data["address"],
            "video_url": data["video_url"],
        }


@require_http_methods(["GET", "POST"])
def ambassador_page(request: HttpRequest, token: str) -> HttpResponse:
    ambassador = ambassador_from_page_token(token)
    if ambassador is None:
        raise Http404
    language = _language(request, ambassador.preferred_language.code)
    with translation.override(language):
        form = BuddyMeetingForm(request.POST or None, ambassador=ambassador)
        if request.method == "POST" and form.is_valid():
            meeting = form.meeting()
            try:
                buddy_meeting_create(**meeting)
            except ApplicationError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(
                    request,
                    _("The meeting with %(name)s is in your calendar.")
                    % {"name": meeting["match"].buddy_request.first_name},
                )
                return redirect(request.get_full_path())
        invitations = (
            Invitation.objects.filter(
                ambassador=ambassador,
                event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
                event__ends_at__gt=timezone.now(),
            )
            .select_related("event__municipality")
            .order_by("event__starts_at")
        )
        feed = calendar_link(ambassador)
        response = render(
            request,
            "events/ambassador_page.html",
            {
                "ambassador": ambassador,
                "form": form,
                "has_matches": form.matches.exists(),
                "upcoming": [
                    {
                        **_details(invitation.event, places_left=None),
                        "answer": invitation.get_status_display(),
                        "url": reverse("events:invitation", args=[invitation_token(invitation)])
                        + f"?lang={language}",
                    }
                    for invitation in invitations
                ],
                "feed_url": feed,
                "webcal_url": _webcal(feed),
                "language_links": _language_links(request),
            },
        )
    response["Content-Language"] = language
    patch_cache_control(response, private=True, no_store=True)
    return response


# The public listing, in the page's language (under /<lang>/).


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    language = get_language() or PUBLIC_FEED_LANGUAGE
    events = list(Event.objects.upcoming_public().select_related("municipality"))
    taken = dict(
        Invitation.objects.filter(event__in=events, status__in=TAKING_PLACES)
        .order_by()
        .values("event_id")
        .annotate(n=Count("id"))
        .values_list("event_id", "n")
    )
    feed = f"{settings.PUBLIC_BASE_URL}{reverse('events:feed')}?lang={language}"
    return render(
        request,
        "events/event_list.html",
        {
            "events": [
                {
                    **_details(event, places_left=_places_left(event, taken.get(event.id, 0))),
                    "ics_url": reverse("events:event_ics", args=[event.id]) + f"?lang={language}",
                }
                for event in events
            ],
            "feed_url": feed,
            "webcal_url": _webcal(feed),
        },
    )


# The organiser's check-in list.


def _guest_row(invitation: Invitation) -> dict[str, Any]:
    guest = invitation.guest
    is_ambassador = isinstance(guest, Ambassador)
    return {
        "invitation": invitation,
        "first_name": guest.first_name,
        "last_name": guest.last_name,
        "kind": "ambassador" if is_ambassador else "newcomer",
        "kind_label": _("ambassador") if is_ambassador else _("newcomer"),
        "language": guest.preferred_language.code,
    }


def _no_shows(invitations: list[Invitation]) -> dict[tuple[str, int], int]:
    """Each guest's events that have ended without them (attended=False), all events counted."""
    past = Invitation.objects.filter(attended=False, event__ends_at__lte=timezone.now()).order_by()
    counts: dict[tuple[str, int], int] = {}
    for field in ("ambassador_id", "buddy_request_id"):
        ids = [getattr(i, field) for i in invitations if getattr(i, field) is not None]
        rows = (
            past.filter(**{f"{field}__in": ids})
            .values(field)
            .annotate(n=Count("id"))
            .values_list(field, "n")
        )
        counts.update({(field, key): n for key, n in rows})
    return counts


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, event_id: int) -> HttpResponse:
    """Who is coming, ticked off at the door; ?format=csv for a spreadsheet."""
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    event = get_object_or_404(
        Event.objects.visible_to(request.user).select_related("municipality"), id=event_id
    )
    coming = list(
        event.invitations.filter(status=Invitation.Status.GOING).select_related(
            "ambassador__preferred_language", "buddy_request__preferred_language"
        )
    )
    if request.method == "POST":
        # Only the rows the form showed: someone who said yes since is left unrecorded.
        listed = set(request.POST.getlist("listed"))
        present = set(request.POST.getlist("attended"))
        for invitation in coming:
            if str(invitation.id) in listed:
                attendance_record(invitation=invitation, attended=str(invitation.id) in present)
        messages.success(request, _("Attendance is saved."))
        return redirect(request.get_full_path())
    no_shows = _no_shows(coming)
    rows = []
    for invitation in coming:
        row = _guest_row(invitation)
        field = "ambassador_id" if invitation.ambassador_id else "buddy_request_id"
        row["no_shows"] = no_shows.get((field, getattr(invitation, field)), 0)
        rows.append(row)
    rows.sort(key=lambda row: (row["first_name"].casefold(), row["last_name"].casefold()))
    if request.GET.get("format") == "csv":
        content = _csv(
            ["invitation", "first_name", "last_name", "guest", "language", "attended", "no_shows"],
            (
                [
                    row["invitation"].id,
                    row["first_name"],
                    row["last_name"],
                    row["kind"],
                    row["language"],
                    row["invitation"].attended,
                    row["no_shows"],
                ]
                for row in rows
            ),
        )
        return csv_download(content, name=f"checkin-event-{event.id}")
    return render(
        request,
        "events/checkin.html",
        {"details": _details(event, places_left=None), "rows": rows, "language_links": []},
    )
