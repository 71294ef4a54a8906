"""Coordinators plan meetups here; they see their municipalities' events and those they organise."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, ForeignKey, ManyToManyField, Q, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ambassadors.admin import CoordinatorAccess, ReadOnly
from ambassadors.models import Organisation
from ambassadors.selectors import is_coordinator, is_region_admin, municipalities_choosable_by
from ambassadors.services import ApplicationError
from events.models import Accessibility, Event, Invitation, Reminder, Series
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
