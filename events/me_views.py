"""/<lang>/me/: an ambassador's own pages, after signing in with a code sent by SMS.

The session holds the ambassador's id, not a Django user: an ambassador is
no staff member and gets no rights in the workspace, the admin or the API.
Every page reads only the signed-in ambassador's own rows.

These pages show the ambassador's matches, invitations and hotline shifts,
so they live in `events`, which may read `matching` and `ambassadors`; the
sign-in itself (codes, profile changes, withdrawal) is
`ambassadors.self_service`, which needs neither. The URLs stay
/<lang>/me/… (events/me_urls.py, included from config/urls.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ambassadors.audit import audit_record
from ambassadors.forms import AmbassadorProfileForm, PauseForm, SignInCodeForm, SignInForm
from ambassadors.models import Ambassador, AuditEvent
from ambassadors.ratelimits import over_limit, rate_limited_response
from ambassadors.self_service import (
    LONGEST_PAUSE,
    PROFILE_FIELDS,
    ambassador_profile_update,
    consents_withdraw,
    otp_request,
    otp_verify,
    sign_in_ticket,
)
from ambassadors.services import ApplicationError, ambassador_pause, ambassador_resume
from events.models import Event, Invitation, Rota, ShiftAssignment
from events.services import invitation_token
from matching.models import Match, Offer

_AMBASSADOR = "self_service_ambassador"
_SEEN = "self_service_seen"
_TICKET = "self_service_ticket"

Action = AuditEvent.Action


def _signed_in(request: HttpRequest) -> Ambassador | None:
    """The signed-in ambassador, or None; idle too long signs them out."""
    ambassador_id = request.session.get(_AMBASSADOR)
    if ambassador_id is None:
        return None
    now = time.time()
    seen = request.session.get(_SEEN, 0)
    if now - seen > settings.SELF_SERVICE_IDLE_TIMEOUT.total_seconds():
        _sign_out(request)
        return None
    request.session[_SEEN] = now
    ambassador = (
        Ambassador.objects.select_related("preferred_language", "home_municipality")
        .filter(id=ambassador_id, erased_at=None)
        .first()
    )
    if ambassador is None:
        _sign_out(request)
    return ambassador


def _sign_in(request: HttpRequest, ambassador: Ambassador) -> None:
    # A new session key: an id planted before the sign-in (session fixation)
    # is worth nothing after it.
    request.session.cycle_key()
    request.session.pop(_TICKET, None)
    request.session[_AMBASSADOR] = ambassador.id
    request.session[_SEEN] = time.time()


def _sign_out(request: HttpRequest) -> None:
    for key in (_AMBASSADOR, _SEEN, _TICKET):
        request.session.pop(key, None)
    request.session.cycle_key()


def ambassador_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Signed-in ambassadors only; the view gets the ambassador. Never cached anywhere."""

    @never_cache
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ambassador = _signed_in(request)
        if ambassador is None:
            return redirect("me_sign_in")
        return view(request, ambassador, *args, **kwargs)

    return checked


@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if _signed_in(request) is not None:
        return redirect("me_home")
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, group="otp-request-ip", rate=settings.OTP_RATE_PER_IP):
            return rate_limited_response(request)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            ticket = sign_in_ticket(phone)
            # Counted for every number, ambassador's or not, so that the limit
            # gives away nothing either.
            if over_limit(
                request, group="otp-request-number", rate=settings.OTP_RATE_PER_NUMBER, key=ticket
            ):
                return rate_limited_response(request)
            request.session[_TICKET] = otp_request(phone=phone)
            return redirect("me_code")
    return render(request, "events/me/sign_in.html", {"form": form})


@never_cache
def code(request: HttpRequest) -> HttpResponse:
    ticket = request.session.get(_TICKET)
    if not ticket:
        return redirect("me_sign_in")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, group="otp-verify-ip", rate=settings.OTP_VERIFY_RATE_PER_IP):
            return rate_limited_response(request)
        if form.is_valid():
            try:
                ambassador = otp_verify(ticket=ticket, code=form.cleaned_data["code"])
            except ApplicationError as error:
                form.add_error("code", error.message)
            else:
                _sign_in(request, ambassador)
                audit_record(
                    action=Action.SIGN_IN,
                    subject=ambassador,
                    ambassador_id=ambassador.id,
                    via="me_code",
                )
                return redirect("me_home")
    return render(request, "events/me/code.html", {"form": form})


def _matches(ambassador: Ambassador) -> QuerySet[Match]:
    return (
        Match.objects.filter(ambassador=ambassador, status=Match.Status.ACTIVE)
        .select_related("buddy_request__municipality")
        .order_by("created_at")
    )


def _open_offers(ambassador: Ambassador) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(
            ambassador=ambassador, status=Offer.Status.OPEN, expires_at__gt=timezone.now()
        )
        .select_related("buddy_request__municipality")
        .order_by("expires_at")
    )


def _invitations(ambassador: Ambassador) -> list[dict[str, Any]]:
    invitations = (
        Invitation.objects.filter(
            ambassador=ambassador,
            event__status=Event.Status.PUBLISHED,
            event__ends_at__gt=timezone.now(),
        )
        .exclude(status=Invitation.Status.DECLINED)
        .select_related("event__municipality")
        .order_by("event__starts_at")
    )
    return [
        {
            "title": invitation.event.title(),
            "starts_at": invitation.event.starts_at,
            "place": invitation.event.municipality,
            "answer": invitation.get_status_display(),
            "url": reverse("events:invitation", args=[invitation_token(invitation)]),
        }
        for invitation in invitations
    ]


def _shifts(ambassador: Ambassador) -> QuerySet[ShiftAssignment]:
    return (
        ShiftAssignment.objects.filter(
            volunteer__ambassador=ambassador,
            shift__rota__status=Rota.Status.PUBLISHED,
            shift__ends_at__gt=timezone.now(),
        )
        .select_related("shift__hotline", "language")
        .order_by("shift__starts_at")
    )


@ambassador_required
def home(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    audit_record(action=Action.VIEW, subject=ambassador, ambassador_id=ambassador.id, via="me_home")
    return render(
        request,
        "events/me/home.html",
        {
            "ambassador": ambassador,
            "paused": ambassador.is_paused(),
            "matches": _matches(ambassador),
            "offers": _open_offers(ambassador),
            "invitations": _invitations(ambassador),
            "shifts": _shifts(ambassador),
            "pause_form": PauseForm(),
        },
    )


@require_POST
@ambassador_required
def pause(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    if request.POST.get("resume"):
        ambassador_resume(ambassador=ambassador)
        messages.success(request, _("Welcome back! You can get new buddies and shifts again."))
    else:
        form = PauseForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Choose the last day of your pause."))
            ambassador_pause(
                ambassador=ambassador, until=form.cleaned_data["until"], longest=LONGEST_PAUSE
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("me_home")
        messages.success(request, _("You are paused. Your buddies stay yours."))
    audit_record(
        action=Action.CHANGE,
        subject=ambassador,
        ambassador_id=ambassador.id,
        via="me_pause",
        fields=["paused_until"],
    )
    return redirect("me_home")


@ambassador_required
def profile(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    form = AmbassadorProfileForm(
        request.POST or None, initial=AmbassadorProfileForm.initial_for(ambassador)
    )
    if request.method == "POST" and form.is_valid():
        changed = form.changed_fields()
        try:
            ambassador_profile_update(
                ambassador=ambassador,
                changes={
                    name: form.cleaned_data[name] for name in PROFILE_FIELDS if name in changed
                },
                languages=form.cleaned_data["languages"] if "languages" in changed else None,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if changed:
                audit_record(
                    action=Action.CHANGE,
                    subject=ambassador,
                    ambassador_id=ambassador.id,
                    via="me_profile",
                    fields=changed,
                )
            messages.success(request, _("Your details are saved."))
            return redirect("me_home")
    elif request.method != "POST":
        audit_record(
            action=Action.VIEW, subject=ambassador, ambassador_id=ambassador.id, via="me_profile"
        )
    return render(request, "events/me/profile.html", {"form": form})


@ambassador_required
def withdraw(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    if request.method == "POST":
        # consent_withdraw records a WITHDRAW row for each consent, as this ambassador.
        consents_withdraw(
            consents=ambassador.consents.all(), ambassador_id=ambassador.id, via="me_withdraw"
        )
        _sign_out(request)
        return render(request, "events/me/withdrawn.html")
    return render(request, "events/me/withdraw.html", {"ambassador": ambassador})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    _sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("me_sign_in")
