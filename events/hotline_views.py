"""The coordinators' hotline pages: rotas to plan, fill and publish, and call statistics.

Coordinators log in (as in the admin) and see the region's hotlines and those
of their municipalities; any other hotline is a 404, as if it did not exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from ambassadors.models import Language
from ambassadors.selectors import is_coordinator
from ambassadors.services import ApplicationError
from events.hotline import (
    DEFAULT_WEEKS,
    MOST_WEEKS,
    STOCKHOLM,
    rota_generate,
    rota_publish,
    shift_assign,
    shift_unassign,
)
from events.hotline_selectors import (
    call_statistics,
    hotlines_for,
    place_holder,
    rota_grid,
    rota_places,
    rota_suggested_start,
)
from events.models import Hotline, HotlineVolunteer, Rota, Shift

# The calls page looks back half a year: long enough to see a season change.
STATISTICS_WEEKS = 26


def _hotline(request: HttpRequest, hotline_id: int) -> Hotline:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    return get_object_or_404(Hotline.objects.visible_to(request.user), id=hotline_id)


def _rota_url(rota: Rota) -> str:
    return reverse("events:hotline_rota", args=[rota.hotline_id, rota.id])


@login_required
@require_safe
def hotline_list(request: HttpRequest) -> HttpResponse:
    if not is_coordinator(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "events/hotline/hotline_list.html",
        {"hotlines": hotlines_for(user=request.user), "language_links": []},
    )


class RotaNewForm(forms.Form):
    first_day = forms.DateField(
        label=gettext_lazy("First day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks"),
        min_value=1,
        max_value=MOST_WEEKS,
        initial=DEFAULT_WEEKS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rota_new(request: HttpRequest, hotline_id: int) -> HttpResponse:
    """Plan a draft rota: the solver fills the places, the coordinator checks it."""
    hotline = _hotline(request, hotline_id)
    form = RotaNewForm(
        request.POST or None,
        initial={
            "first_day": rota_suggested_start(hotline=hotline, today=timezone.localdate()),
            "weeks": DEFAULT_WEEKS,
        },
        label_suffix="",
    )
    if request.method == "POST" and form.is_valid():
        try:
            rota = rota_generate(
                hotline=hotline,
                first_day=form.cleaned_data["first_day"],
                weeks=form.cleaned_data["weeks"],
                created_by=request.user,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The draft rota is ready. Check the gaps, then publish."))
            return redirect(_rota_url(rota))
    return render(
        request,
        "events/hotline/rota_new.html",
        {"hotline": hotline, "form": form, "language_links": []},
    )


class PlaceForm(forms.Form):
    """Who holds one place on one shift; no volunteer leaves the place open."""

    shift = forms.ModelChoiceField(queryset=Shift.objects.none())
    place = forms.CharField(max_length=8)
    volunteer = forms.ModelChoiceField(queryset=HotlineVolunteer.objects.none(), required=False)

    def __init__(self, *args: Any, rota: Rota, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shift = self.fields["shift"]
        volunteer = self.fields["volunteer"]
        assert isinstance(shift, forms.ModelChoiceField)
        assert isinstance(volunteer, forms.ModelChoiceField)
        shift.queryset = rota.shifts.filter(ends_at__gt=now)
        shift.error_messages["invalid_choice"] = _("This shift is over or not in this rota.")
        volunteer.queryset = rota.hotline.volunteers.select_related("ambassador")
        self.places = {place.key: place for place in rota_places(hotline=rota.hotline)}

    def clean_place(self) -> Language | None:
        place = self.places.get(self.cleaned_data["place"])
        if place is None:
            raise forms.ValidationError(_("The hotline does not offer this language."))
        return place.language

    def where(self) -> str:
        """ "Shift 12, Arabic": which place an error is about."""
        place = self.places.get(self.data.get("place", ""))
        shift = self.cleaned_data.get("shift")
        if place is None or shift is None:
            return ""
        # The same words as the place's label on the page.
        return _("Shift %(number)s, %(place)s") % {"number": shift.number, "place": place.label}


def _place_save(request: HttpRequest, form: PlaceForm) -> None:
    shift: Shift = form.cleaned_data["shift"]
    language: Language | None = form.cleaned_data["place"]
    volunteer: HotlineVolunteer | None = form.cleaned_data["volunteer"]
    holder = place_holder(shift=shift, language=language)
    if volunteer is None:
        if holder is not None:
            shift_unassign(assignment=holder)
            messages.success(
                request,
                _("%(name)s is off shift %(number)d.")
                % {"name": holder.volunteer.ambassador, "number": shift.number},
            )
        return
    # Choosing the holder again changes nothing: their reminders stay as they are.
    if holder is not None and holder.volunteer_id == volunteer.id:
        return
    shift_assign(shift=shift, volunteer=volunteer, language=language)
    messages.success(
        request,
        _("%(name)s is on shift %(number)d.")
        % {"name": volunteer.ambassador, "number": shift.number},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rota_page(request: HttpRequest, hotline_id: int, rota_id: int) -> HttpResponse:
    """The rota as a grid: a row per shift, a column per language and the backup."""
    hotline = _hotline(request, hotline_id)
    rota = get_object_or_404(Rota.objects.select_related("hotline"), id=rota_id, hotline=hotline)
    now = timezone.now()
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "publish":
            try:
                texts = rota_publish(rota=rota, by=request.user)
            except ApplicationError as error:
                errors.append(error.message)
            else:
                messages.success(
                    request,
                    _("The rota is published. Texts to volunteers: %(count)d.") % {"count": texts},
                )
                return redirect(_rota_url(rota))
        elif action == "place":
            form = PlaceForm(request.POST, rota=rota, now=now)
            if form.is_valid():
                try:
                    _place_save(request, form)
                except ApplicationError as error:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                else:
                    return redirect(_rota_url(rota))
            where = form.where()
            errors += [
                f"{where}: {message}" if where else str(message)
                for field_errors in form.errors.values()
                for message in field_errors
            ]
        else:
            return HttpResponseBadRequest()
    grid = rota_grid(rota=rota, now=now)
    return render(
        request,
        "events/hotline/rota.html",
        {
            "hotline": hotline,
            "rota": rota,
            "grid": grid,
            "is_draft": rota.status == Rota.Status.DRAFT,
            "errors": errors,
            "language_links": [],
        },
    )


def _duration(seconds: float | None) -> str:
    """Talk time as h:mm:ss, which reads the same in every language."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


@login_required
@require_safe
def call_stats(request: HttpRequest, hotline_id: int) -> HttpResponse:
    """Calls per ISO week and language, for the last STATISTICS_WEEKS weeks."""
    hotline = _hotline(request, hotline_id)
    today = timezone.localdate()
    first_monday = today - timedelta(days=today.weekday(), weeks=STATISTICS_WEEKS - 1)
    since = datetime.combine(first_monday, datetime.min.time(), tzinfo=STOCKHOLM)
    weeks = call_statistics(hotline=hotline, since=since)
    return render(
        request,
        "events/hotline/calls.html",
        {
            "hotline": hotline,
            "since": first_monday,
            "weeks": [
                {
                    "row": week,
                    "language": (
                        week.language.display_name() if week.language else _("No language chosen")
                    ),
                    "median": _duration(week.median_s),
                    "total": _duration(week.total_s),
                }
                for week in weeks
            ],
            "language_links": [],
        },
    )
