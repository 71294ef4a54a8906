"""The Django admin, where a coordinator sees and changes only their municipalities' people."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassadors.exports import (
    ambassadors_csv,
    buddy_requests_csv,
    csv_download,
    organisations_csv,
)
from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    AuditEvent,
    BuddyRequest,
    Consent,
    Coordinator,
    InboundSms,
    Interest,
    Language,
    Municipality,
    Need,
    OptOut,
    Organisation,
    OutboundSms,
    Road,
    ScopedQuerySet,
)
from ambassadors.privacy import erase_rows
from ambassadors.selectors import is_coordinator, is_region_admin, municipalities_choosable_by
from ambassadors.services import consent_withdraw, coordinator_appoint

_M = TypeVar("_M", bound=Model)


class CoordinatorAccess:
    """Coordinators may work here; the region admin decides who is one."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)


class RegionAdminEdits(CoordinatorAccess):
    """Reference data: every coordinator reads it, the region admin changes it."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_region_admin(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_region_admin(user=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire an entry instead: people refer to it


class ReadOnly(CoordinatorAccess):
    """Coordinators look; nobody changes it here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MunicipalityScoped(CoordinatorAccess, admin.ModelAdmin[_M]):
    """People of the user's municipalities only: in lists, forms, actions and exports.

    `get_queryset` is what Django's admin uses for the change list, the change
    form, bulk actions and deletes, so narrowing it narrows all of them.
    """

    municipality_field = "municipality"

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        queryset = super().get_queryset(request)
        assert isinstance(queryset, ScopedQuerySet), "scoped models have a ScopedQuerySet manager"
        return queryset.visible_to(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_coordinator(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a person is erasure, which has its own, logged, path.
        return False

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == self.municipality_field:
            kwargs["queryset"] = municipalities_choosable_by(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def erase_selected(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    """Erase the selected people, after a confirmation page (the queryset is already scoped)."""
    if request.POST.get("confirm") != "yes":
        return TemplateResponse(
            request,
            "admin/ambassadors/erase_selected.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": _("Erase these people?"),
                "people": list(queryset),
                "opts": model_admin.model._meta,
                "action": request.POST.get("action", ""),
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            },
        )
    people = list(queryset.filter(erased_at__isnull=True))
    is_ambassador = model_admin.model is Ambassador
    erase_rows(
        ambassadors=people if is_ambassador else [],
        buddy_requests=[] if is_ambassador else people,
        user=request.user,
        via="admin:erase_selected",
        action=AuditEvent.Action.ERASE,
    )
    model_admin.message_user(
        request, _("People erased: %(count)d.") % {"count": len(people)}, messages.SUCCESS
    )
    return None


class ConsentInline(admin.TabularInline[Consent, BuddyRequest | Ambassador]):
    model = Consent
    extra = 0
    can_delete = False
    fields = ("purpose", "text_version", "language", "channel", "given_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)


class AmbassadorLanguageInline(admin.TabularInline[AmbassadorLanguage, Ambassador]):
    model = AmbassadorLanguage
    extra = 1

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)

    has_view_permission = has_add_permission = _allowed
    has_change_permission = has_delete_permission = _allowed


@admin.register(BuddyRequest)
class BuddyRequestAdmin(MunicipalityScoped[BuddyRequest]):
    list_display = [
        "__str__",
        "municipality",
        "preferred_language",
        "household_size",
        "status",
        "created_at",
    ]
    list_filter = ["status", "municipality", "preferred_language", "source"]
    search_fields = ["first_name", "last_name", "phone"]
    date_hierarchy = "created_at"
    filter_horizontal = ["other_languages", "interests", "needs"]
    readonly_fields = ["source", "created_at", "updated_at", "status_changed_at"]
    inlines = [ConsentInline]
    actions = ["export_csv", "erase"]

    @admin.action(description=_("Erase selected people"))
    def erase(self, request: HttpRequest, queryset: QuerySet[BuddyRequest]) -> HttpResponse | None:
        return erase_selected(self, request, queryset)

    @admin.action(description=_("Export selected requests as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[BuddyRequest]) -> HttpResponse:
        return csv_download(buddy_requests_csv(queryset), name="buddy-requests")

    @admin.display(description=_("household"))
    def household_size(self, obj: BuddyRequest) -> int:
        return obj.household_size


@admin.register(Ambassador)
class AmbassadorAdmin(MunicipalityScoped[Ambassador]):
    municipality_field = "home_municipality"
    list_display = ["__str__", "home_municipality", "capacity", "active", "paused_until"]
    list_filter = ["active", "home_municipality", "meets_digitally", "languages"]
    search_fields = ["first_name", "last_name", "phone", "email"]
    filter_horizontal = ["meeting_municipalities", "interests", "helps_with"]
    readonly_fields = ["source", "created_at", "updated_at"]
    inlines = [AmbassadorLanguageInline, ConsentInline]
    actions = ["export_csv", "activate", "erase"]

    @admin.action(description=_("Erase selected people"))
    def erase(self, request: HttpRequest, queryset: QuerySet[Ambassador]) -> HttpResponse | None:
        return erase_selected(self, request, queryset)

    @admin.action(description=_("Export selected ambassadors as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Ambassador]) -> HttpResponse:
        return csv_download(ambassadors_csv(queryset), name="ambassadors")

    @admin.action(description=_("Activate selected ambassadors"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Ambassador]) -> None:
        # Never someone erased or who withdrew their consent.
        count = (
            Ambassador.objects.in_service().filter(id__in=queryset.values("id")).update(active=True)
        )
        self.message_user(request, _("Ambassadors activated: %(count)d.") % {"count": count})


@admin.register(Organisation)
class OrganisationAdmin(MunicipalityScoped[Organisation]):
    list_display = ["name", "org_number", "kind", "municipality"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "org_number"]
    actions = ["export_csv"]

    @admin.action(description=_("Export selected organisations as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> HttpResponse:
        return csv_download(organisations_csv(queryset), name="organisations")


@admin.register(Consent)
class ConsentAdmin(CoordinatorAccess, admin.ModelAdmin[Consent]):
    list_display = ["__str__", "subject", "channel", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "channel", "language", "text_version"]
    readonly_fields = [field.name for field in Consent._meta.fields]
    actions = ["withdraw"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consent]:
        user = request.user
        queryset = super().get_queryset(request).select_related("buddy_request", "ambassador")
        return queryset.filter(
            buddy_request__in=BuddyRequest.objects.visible_to(user)
        ) | queryset.filter(ambassador__in=Ambassador.objects.visible_to(user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)  # for the withdraw action only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("person"))
    def subject(self, obj: Consent) -> str:
        return str(obj.buddy_request or obj.ambassador)

    @admin.action(description=_("Record withdrawal of the selected consents"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Consent]) -> None:
        for consent in queryset.filter(withdrawn_at__isnull=True):
            consent_withdraw(consent=consent, channel=Consent.Channel.PAPER, user=request.user)
        self.message_user(request, _("Withdrawal recorded."), messages.SUCCESS)


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin[Coordinator]):
    list_display = ["__str__", "is_region_admin"]
    filter_horizontal = ["municipalities"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_region_admin(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_region_admin(user=request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def save_model(self, request: HttpRequest, obj: Coordinator, form: Any, change: bool) -> None:
        coordinator_appoint(coordinator=obj)


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnly, admin.ModelAdmin[Municipality]):
    list_display = ["name", "code", "seat", "latitude", "longitude"]


@admin.register(Road)
class RoadAdmin(ReadOnly, admin.ModelAdmin[Road]):
    list_display = ["start", "end", "minutes", "via"]


@admin.register(Language)
class LanguageAdmin(RegionAdminEdits, admin.ModelAdmin[Language]):
    list_display = ["name_en", "code", "name_native", "name_sv", "right_to_left"]
    search_fields = ["name_en", "name_sv", "name_native", "code"]


@admin.register(Interest, Need)
class CatalogueAdmin(RegionAdminEdits, admin.ModelAdmin[Interest | Need]):
    list_display = ["name_en", "name_sv", "name_ar", "name_uk", "slug", "active"]
    list_filter = ["active"]
    prepopulated_fields = {"slug": ["name_en"]}


def _about_visible_people(request: HttpRequest) -> Q:
    """Texts to or from people of the user's municipalities.

    Texts from numbers we do not know belong to no municipality: only the
    region admin sees those.
    """
    return Q(ambassador__in=Ambassador.objects.visible_to(request.user)) | Q(
        buddy_request__in=BuddyRequest.objects.visible_to(request.user)
    )


@admin.register(OutboundSms)
class OutboundSmsAdmin(ReadOnly, admin.ModelAdmin[OutboundSms]):
    list_display = ["created_at", "to", "purpose", "language", "segments", "status", "attempts",
                    "last_error_code"]  # fmt: skip
    list_filter = ["status", "purpose", "language"]
    date_hierarchy = "created_at"
    readonly_fields = ["text"]

    def get_fields(
        self, request: HttpRequest, obj: OutboundSms | None = None
    ) -> list[str | list[str] | tuple[str, ...] | tuple[()]]:
        # The body is shown through `text`, which hides sign-in codes.
        fields = [name for name in super().get_fields(request, obj) if name != "text"]
        return ["text" if name == "body" else name for name in fields]

    @admin.display(description=_("text"))
    def text(self, obj: OutboundSms) -> str:
        # A code not sent yet would sign whoever reads it in as the ambassador
        # (the outbox blanks it once sent).
        if obj.purpose == OutboundSms.Purpose.OTP:
            return str(_("(sign-in code, not shown)"))
        return obj.body

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboundSms]:
        queryset = super().get_queryset(request).select_related("ambassador", "buddy_request")
        if is_region_admin(user=request.user):
            return queryset
        return queryset.filter(_about_visible_people(request))


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnly, admin.ModelAdmin[InboundSms]):
    list_display = ["received_at", "from_number", "body", "intent", "outcome", "needs_attention"]
    list_filter = ["needs_attention", "intent"]
    date_hierarchy = "received_at"
    actions = ["mark_dealt_with"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundSms]:
        queryset = super().get_queryset(request).select_related("ambassador", "buddy_request")
        if is_region_admin(user=request.user):
            return queryset
        return queryset.filter(_about_visible_people(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only through the action below: the text itself is never edited.
        return is_coordinator(user=request.user) and obj is None

    @admin.action(description=_("Mark the selected texts as dealt with"))
    def mark_dealt_with(self, request: HttpRequest, queryset: QuerySet[InboundSms]) -> None:
        done = queryset.filter(needs_attention=True).update(
            needs_attention=False, dealt_with_by=request.user, dealt_with_at=timezone.now()
        )
        self.message_user(request, _("Texts marked as dealt with: %(count)d.") % {"count": done})


@admin.register(OptOut)
class OptOutAdmin(ReadOnly, admin.ModelAdmin[OptOut]):
    list_display = ["phone", "source", "created_at"]
    search_fields = ["phone"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_region_admin(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_region_admin(user=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin[AuditEvent]):
    """The audit trail: kinds, ids and field names only, for the region admin to read."""

    list_display = ["at", "actor_kind", "actor_user_id", "action", "subject_type", "subject_id",
                    "count", "via"]  # fmt: skip
    list_filter = ["action", "actor_kind", "subject_type"]
    search_fields = ["via", "subject_type"]
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_region_admin(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_region_admin(user=request.user)
