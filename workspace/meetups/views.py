"""Planning meetups from the workspace: the list, a new draft, publishing and cancelling.

An event the coordinator may not see is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ambassadors.services import ApplicationError
from events.models import Event
from events.services import event_cancel, event_create, event_publish
from workspace.access import coordinator_required
from workspace.meetups.forms import MeetupForm
from workspace.meetups.selectors import (
    meetup_answers,
    meetup_audience_size,
    meetup_to_notify,
    meetups_for,
    meetups_past,
    meetups_upcoming,
)

PAGE_SIZE = 50


def _event(request: HttpRequest, event_id: int) -> Event:
    return get_object_or_404(meetups_for(user=request.user), id=event_id)


@coordinator_required
@require_safe
def meetups(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    past = Paginator(meetups_past(user=request.user, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workspace/meetups/meetups.html",
        {
            "nav": "meetups",
            "upcoming": meetups_upcoming(user=request.user, now=now),
            "past": past,
        },
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def meetup_new(request: HttpRequest) -> HttpResponse:
    form = MeetupForm(request.POST or None, user=request.user, label_suffix="")
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(organiser=request.user, **form.event_fields())
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The draft is saved. Check it, then publish it to send the invitations."),
            )
            return redirect("workspace:meetup", event.id)
    return render(request, "workspace/meetups/meetup_new.html", {"nav": "meetups", "form": form})


@coordinator_required
@require_safe
def meetup(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    is_draft = event.status == Event.Status.DRAFT
    return render(
        request,
        "workspace/meetups/meetup.html",
        {
            "nav": "meetups",
            "event": event,
            "answers": meetup_answers(event=event),
            "audience_size": meetup_audience_size(event=event) if is_draft else None,
            "is_draft": is_draft,
            "is_published": event.status == Event.Status.PUBLISHED,
            "is_cancelled": event.status == Event.Status.CANCELLED,
            "is_over": event.ends_at <= timezone.now(),
        },
    )


@coordinator_required
@require_POST
def meetup_publish(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event(request, event_id)
    try:
        invited = event_publish(event=event)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The event is published. Invitations sent: %(count)d.") % {"count": invited},
        )
    return redirect("workspace:meetup", event.id)


@coordinator_required
@require_http_methods(["GET", "POST"])
def meetup_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    """GET asks to confirm, saying how many guests will be texted; POST cancels."""
    event = _event(request, event_id)
    if request.method == "POST":
        try:
            notified = event_cancel(event=event)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The event is cancelled. Guests texted: %(count)d.") % {"count": notified},
            )
        return redirect("workspace:meetup", event.id)
    if event.status == Event.Status.CANCELLED:
        messages.error(request, _("This event is already cancelled."))
        return redirect("workspace:meetup", event.id)
    return render(
        request,
        "workspace/meetups/meetup_cancel.html",
        {"nav": "meetups", "event": event, "to_notify": meetup_to_notify(event=event)},
    )
