"""Coordinators plan meetups here; they see their municipalities' events and those they organise.

They also set up the buddy hotline: its languages, hours, volunteers and their availability.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, ForeignKey, ManyToManyField, Prefetch, Q, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ambassadors.admin import CoordinatorAccess, ReadOnly
from ambassadors.models import Ambassador, Organisation
from ambassadors.selectors import (
    coordinator_municipalities,
    is_coordinator,
    is_region_admin,
    municipalities_choosable_by,
)
from ambassadors.services import ApplicationError
from events.models import (
    Absence,
    Accessibility,
    Availability,
    Call,
    Event,
    Hotline,
    HotlineClosure,
    HotlineLanguage,
    HotlineVolunteer,
    Invitation,
    OpeningHours,
    Reminder,
    Rota,
    Series,
    ShiftAssignment,
)
from events.services import event_cancel, event_publish, event_update

AUDIENCE_FIELDS = ("audience_municipalities", "audience_languages", "audience_interests")
TITLES = ("title_sv", "title_en", "title_ar", "title_uk")
DESCRIPTIONS = ("description_sv", "description_en", "description_ar", "description_uk")
TIME_AND_PLACE = ("kind", "starts_at", "ends_at", "municipality", "address", "accessibility",
                  "video_url", "capacity")  # fmt: skip
WHO = ("audience", *AUDIENCE_FIELDS, "is_public", "organisation", "reminder_offsets")
# Moved by the actions and the services only.
STATUS = ("status", "code", "organiser", "series", "recurrence_start", "match", "sequence",
          "created_at", "published_at", "cancelled_at")  # fmt: skip


def events_visible_to(request: HttpRequest) -> QuerySet[Event]:
    return Event.objects.visible_to(request.user)


class EventForm(forms.ModelForm[Event]):
    accessibility = forms.MultipleChoiceField(
        label=_("accessibility"),
        choices=Accessibility.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    video_url = forms.URLField(label=_("video link"), required=False, assume_scheme="https")

    # The user filling it in, set per request by EventAdmin.get_form.
    user: AbstractBaseUser | AnonymousUser | None = None

    class Meta:
        model = Event
        fields = [*TITLES, *DESCRIPTIONS, *TIME_AND_PLACE, *WHO]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        everywhere = not cleaned.get("audience_municipalities", True)
        if everywhere and self.user is not None and not is_region_admin(user=self.user):
            # Empty means everyone in the region, which only a region admin may invite.
            self.add_error(
                "audience_municipalities", _("Choose the municipalities whose people are invited.")
            )
        return cleaned


class InvitationInline(admin.TabularInline[Invitation, Event]):
    model = Invitation
    extra = 0
    can_delete = False
    fields = ("guest", "status", "channel", "answered_at", "waitlisted_at", "attended")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        return super().get_queryset(request).select_related("ambassador", "buddy_request")


@admin.register(Event)
class EventAdmin(CoordinatorAccess, admin.ModelAdmin[Event]):
    """Drafts are planned and changed here; publishing and cancelling go through the actions,
    so guests are invited, told of a new time or place, and told of a cancellation."""

    form = EventForm
    list_display = ["title_sv", "kind", "starts_at", "municipality", "status", "capacity",
                    "going"]  # fmt: skip
    list_filter = ["status", "kind", "municipality"]
    search_fields = ["title_sv", "title_en", "title_ar", "title_uk"]
    date_hierarchy = "starts_at"
    filter_horizontal = AUDIENCE_FIELDS
    readonly_fields = STATUS
    fieldsets = [
        (_("Title"), {"fields": TITLES}),
        (_("Description"), {"fields": DESCRIPTIONS}),
        (_("Time and place"), {"fields": TIME_AND_PLACE}),
        (_("Who is invited"), {"fields": WHO}),
        (_("Status"), {"fields": STATUS}),
    ]
    inlines = [InvitationInline]
    actions = ["publish", "cancel"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return (
            events_visible_to(request)
            .select_related("municipality")
            .annotate(
                going_count=Count(
                    "invitations", filter=Q(invitations__status=Invitation.Status.GOING)
                )
            )
        )

    def get_form(
        self, request: HttpRequest, obj: Event | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Event]]:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        if obj is not None and obj.status == Event.Status.CANCELLED:
            return False
        return is_coordinator(user=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Cancel instead: guests must hear of it, and invitations are the record.
        return False

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "municipality":
            kwargs["queryset"] = municipalities_choosable_by(user=request.user)
        elif db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "audience_municipalities":
            kwargs["queryset"] = municipalities_choosable_by(user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        if not change:
            obj.organiser_id = request.user.pk
            obj.save()
            return
        # Through the service, so everyone coming hears of a new time or place.
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in AUDIENCE_FIELDS
        }
        try:
            event_update(event=obj, **changes)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.display(description=_("coming"), ordering="going_count")
    def going(self, obj: Event) -> int:
        return int(getattr(obj, "going_count", 0))

    @admin.action(description=_("Publish the selected drafts and invite their audience"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        published = invited = 0
        for event in queryset:
            try:
                invited += event_publish(event=event)
                published += 1
            except ApplicationError as error:
                self.message_user(request, f"{event}: {error.message}", messages.WARNING)
        if published:
            self.message_user(
                request,
                _("Events published: %(count)d. People invited: %(invited)d.")
                % {"count": published, "invited": invited},
                messages.SUCCESS,
            )

    @admin.action(description=_("Cancel the selected events and tell their guests"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        cancelled = notified = 0
        for event in queryset:
            try:
                notified += event_cancel(event=event)
                cancelled += 1
            except ApplicationError as error:
                self.message_user(request, f"{event}: {error.message}", messages.WARNING)
        if cancelled:
            self.message_user(
                request,
                _("Events cancelled: %(count)d. People told: %(notified)d.")
                % {"count": cancelled, "notified": notified},
                messages.SUCCESS,
            )


@admin.register(Invitation)
class InvitationAdmin(ReadOnly, admin.ModelAdmin[Invitation]):
    list_display = ["event", "guest", "status", "channel", "answered_at", "attended"]
    list_filter = ["status", "channel", "attended"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        return Invitation.objects.filter(event__in=events_visible_to(request)).select_related(
            "event", "ambassador", "buddy_request"
        )


@admin.register(Reminder)
class ReminderAdmin(ReadOnly, admin.ModelAdmin[Reminder]):
    list_display = ["invitation", "offset", "due_at", "status", "handled_at"]
    list_filter = ["status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return Reminder.objects.filter(
            invitation__event__in=events_visible_to(request)
        ).select_related("invitation__event", "invitation__ambassador", "invitation__buddy_request")


@admin.register(Series)
class SeriesAdmin(ReadOnly, admin.ModelAdmin[Series]):
    list_display = ["rule", "first_start", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Series]:
        return Series.objects.filter(
            id__in=events_visible_to(request).exclude(series=None).values("series_id")
        )


# The buddy hotline. Every coordinator sees the region's hotlines and their
# municipalities' ones; a municipality's coordinators change its hotline, and
# only the region admin changes a regional one. Rotas are planned and edited
# on the rota page, which texts the volunteers; calls are a record.


def hotlines_editable_by(request: HttpRequest) -> QuerySet[Hotline]:
    municipalities = coordinator_municipalities(user=request.user)
    if municipalities is None:
        return Hotline.objects.all()
    return Hotline.objects.filter(municipality__in=municipalities)


def _may_edit_hotline(request: HttpRequest, hotline: Hotline | None) -> bool:
    if not is_coordinator(user=request.user):
        return False
    return hotline is None or hotlines_editable_by(request).filter(id=hotline.id).exists()


def _rota_link(rota: Rota) -> str:
    url = reverse("events:hotline_rota", args=[rota.hotline_id, rota.id])
    return format_html('<a href="{}">{}</a>', url, _("Open the rota page"))


class HotlineChild:
    """An inline of a hotline or a volunteer: changed by whoever may change the hotline."""

    def _hotline(self, obj: Any) -> Hotline | None:
        if isinstance(obj, HotlineVolunteer):
            return obj.hotline
        return obj if isinstance(obj, Hotline) else None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_hotline(request, self._hotline(obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_hotline(request, self._hotline(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit_hotline(request, self._hotline(obj))


class HotlineLanguageInline(HotlineChild, admin.TabularInline[HotlineLanguage, Hotline]):
    model = HotlineLanguage
    extra = 0
    fields = ("digit", "language", "prompt")
    autocomplete_fields = ("language",)


class OpeningHoursInline(HotlineChild, admin.TabularInline[OpeningHours, Hotline]):
    model = OpeningHours
    extra = 0
    fields = ("weekday", "opens", "closes")


class HotlineClosureInline(HotlineChild, admin.TabularInline[HotlineClosure, Hotline]):
    model = HotlineClosure
    extra = 0
    fields = ("first_day", "last_day", "reason")


class HotlineForm(forms.ModelForm[Hotline]):
    # The user filling it in, set per request by HotlineAdmin.get_form.
    user: AbstractBaseUser | AnonymousUser | None = None

    class Meta:
        model = Hotline
        fields = ["name", "phone", "municipality", "fallback_name", "fallback_phone",
                  "closed_on_holidays", "min_rest_hours", "active"]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        regional = not cleaned.get("municipality", True)
        if regional and self.user is not None and not is_region_admin(user=self.user):
            # Empty means the whole region, which only a region admin runs.
            self.add_error("municipality", _("Choose the municipality the hotline serves."))
        return cleaned


@admin.register(Hotline)
class HotlineAdmin(CoordinatorAccess, admin.ModelAdmin[Hotline]):
    form = HotlineForm
    list_display = ["name", "phone", "municipality", "active", "pages"]
    list_filter = ["active", "municipality"]
    search_fields = ["name", "phone"]
    inlines = [HotlineLanguageInline, OpeningHoursInline, HotlineClosureInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Hotline]:
        return Hotline.objects.visible_to(request.user).select_related("municipality")

    def get_form(
        self, request: HttpRequest, obj: Hotline | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Hotline]]:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Hotline | None = None) -> bool:
        return _may_edit_hotline(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Make it inactive instead: its calls and rotas are the record.
        return False

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "municipality":
            kwargs["queryset"] = municipalities_choosable_by(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("pages"))
    def pages(self, obj: Hotline) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:hotline_list") + f"#hotline-{obj.id}",
            _("rotas"),
            reverse("events:hotline_calls", args=[obj.id]),
            _("calls"),
        )


class AvailabilityInline(HotlineChild, admin.TabularInline[Availability, HotlineVolunteer]):
    model = Availability
    extra = 0
    fields = ("weekday", "starts", "ends")


class AbsenceInline(HotlineChild, admin.TabularInline[Absence, HotlineVolunteer]):
    model = Absence
    extra = 0
    fields = ("first_day", "last_day", "note")


@admin.register(HotlineVolunteer)
class HotlineVolunteerAdmin(CoordinatorAccess, admin.ModelAdmin[HotlineVolunteer]):
    list_display = ["ambassador", "hotline", "max_shifts_per_week", "active", "joined_at"]
    list_filter = ["hotline", "active"]
    search_fields = ["ambassador__first_name", "ambassador__last_name"]
    autocomplete_fields = ["ambassador"]
    fields = ["hotline", "ambassador", "max_shifts_per_week", "active", "joined_at"]
    inlines = [AvailabilityInline, AbsenceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HotlineVolunteer]:
        return HotlineVolunteer.objects.filter(
            hotline__in=Hotline.objects.visible_to(request.user)
        ).select_related("hotline", "ambassador")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(user=request.user)

    def has_change_permission(
        self, request: HttpRequest, obj: HotlineVolunteer | None = None
    ) -> bool:
        return _may_edit_hotline(request, obj.hotline if obj is not None else None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Untick "takes shifts" instead: their shifts and calls are the record.
        return False

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "hotline":
            kwargs["queryset"] = hotlines_editable_by(request)
        elif db_field.name == "ambassador":
            kwargs["queryset"] = Ambassador.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Rota)
class RotaAdmin(ReadOnly, admin.ModelAdmin[Rota]):
    """A look at the rotas; planning, filling and publishing happen on the rota page."""

    list_display = ["__str__", "status", "shift_count", "gap_count", "page"]
    list_filter = ["status", "hotline"]
    date_hierarchy = "first_day"
    fields = ["hotline", "first_day", "last_day", "status", "created_at", "created_by",
              "published_at", "published_by", "page", "shifts"]  # fmt: skip
    readonly_fields = ["page", "shifts"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rota]:
        return (
            Rota.objects.filter(hotline__in=Hotline.objects.visible_to(request.user))
            .select_related("hotline", "created_by", "published_by")
            .annotate(
                shifts_count=Count("shifts", distinct=True),
                gaps_count=Count("shifts__gaps", distinct=True),
            )
        )

    @admin.display(description=_("shifts"), ordering="shifts_count")
    def shift_count(self, obj: Rota) -> int:
        return int(getattr(obj, "shifts_count", 0))

    @admin.display(description=_("gaps"), ordering="gaps_count")
    def gap_count(self, obj: Rota) -> int:
        return int(getattr(obj, "gaps_count", 0))

    @admin.display(description=_("rota page"))
    def page(self, obj: Rota) -> str:
        return _rota_link(obj)

    @admin.display(description=_("shifts"))
    def shifts(self, obj: Rota) -> str:
        """One line a shift: its number and time, who holds each place, and the gaps."""
        places: list[tuple[int | None, str]] = [
            (item.language_id, item.language.display_name())
            for item in obj.hotline.menu.select_related("language").order_by("digit")
        ]
        places.append((None, str(_("backup"))))
        shifts = obj.shifts.order_by("starts_at").prefetch_related(
            Prefetch(
                "assignments",
                queryset=ShiftAssignment.objects.select_related("volunteer__ambassador"),
            )
        )
        gap = str(_("gap"))
        lines = []
        for shift in shifts:
            holders = {a.language_id: str(a.volunteer) for a in shift.assignments.all()}
            starts = timezone.localtime(shift.starts_at)
            ends = timezone.localtime(shift.ends_at)
            who = ", ".join(
                f"{label}: {holders.get(language_id, gap)}" for language_id, label in places
            )
            lines.append((shift.number, f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}", who))
        if not lines:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {}</li>", lines))


@admin.register(Call)
class CallAdmin(ReadOnly, admin.ModelAdmin[Call]):
    """Calls as recorded: the caller's last digits only, never their number."""

    list_display = ["started_at", "hotline", "language", "outcome", "answerer", "answered_by",
                    "duration_s", "caller_last_digits"]  # fmt: skip
    list_filter = ["outcome", "answerer", "hotline", "language"]
    date_hierarchy = "started_at"
    fields = ["hotline", "started_at", "ended_at", "caller_last_digits", "language", "shift",
              "outcome", "answerer", "answered_by", "duration_s",
              "recording_duration_s"]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Call]:
        return Call.objects.filter(
            hotline__in=Hotline.objects.visible_to(request.user)
        ).select_related("hotline", "language", "answered_by__ambassador", "shift")
