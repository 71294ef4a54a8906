"""Coordinators start runs and decide on proposals here; they see their municipalities only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ambassadors.admin import ReadOnly
from ambassadors.models import Ambassador, BuddyRequest
from ambassadors.selectors import is_coordinator
from ambassadors.services import ApplicationError
from matching.models import Candidate, Exclusion, Match, MatchRun, Offer, Proposal
from matching.services import match_run, proposal_approve, proposal_pick, proposal_reject


def proposals_visible_to(request: HttpRequest) -> QuerySet[Proposal]:
    return Proposal.objects.filter(buddy_request__in=BuddyRequest.objects.visible_to(request.user))


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnly, admin.ModelAdmin[MatchRun]):
    list_display = ["started_at", "trigger", "started_by", "requests", "ambassadors", "matched",
                    "objective", "seconds"]  # fmt: skip
    change_list_template = "admin/matching/matchrun/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="matching_matchrun_run"),
            *super().get_urls(),
        ]

    def run_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not is_coordinator(user=request.user):
            return HttpResponseRedirect(reverse("admin:matching_matchrun_changelist"))
        run, _result = match_run(trigger=MatchRun.Trigger.COORDINATOR, user=request.user)
        self.message_user(
            request,
            _("Proposals made: %(matched)d, for %(requests)d waiting requests.")
            % {"matched": run.matched, "requests": run.requests},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:matching_proposal_changelist"))


class CandidateInline(admin.TabularInline[Candidate, Proposal]):
    model = Candidate
    extra = 0
    can_delete = False
    fields = ("rank", "ambassador", "score", "reasons")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_coordinator(user=request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnly, admin.ModelAdmin[Proposal]):
    list_display = ["buddy_request", "ambassador", "score", "status", "explanation", "run"]
    list_filter = ["status", "buddy_request__municipality"]
    readonly_fields = ["run", "buddy_request", "ambassador", "score", "reasons", "explanation",
                       "explanation_language", "status", "decided_by", "decided_at"]  # fmt: skip
    inlines = [CandidateInline]
    actions = ["approve", "reject"]
    change_form_template = "admin/matching/proposal/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Proposal]:
        return proposals_visible_to(request).select_related("buddy_request", "ambassador", "run")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:proposal_id>/decide/",
                self.admin_site.admin_view(require_POST(self.decide_view)),
                name="matching_proposal_decide",
            ),
            *super().get_urls(),
        ]

    def _each(self, request: HttpRequest, queryset: QuerySet[Proposal], decide: Any) -> None:
        done = 0
        for proposal in queryset:
            try:
                decide(proposal=proposal, user=request.user)
                done += 1
            except ApplicationError as error:
                self.message_user(request, f"{proposal}: {error.message}", messages.WARNING)
        if done:
            self.message_user(request, _("Proposals decided: %(count)d.") % {"count": done})

    @admin.action(description=_("Approve the selected proposals"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        self._each(request, queryset, proposal_approve)

    @admin.action(description=_("Reject the selected proposals"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        self._each(request, queryset, proposal_reject)

    def decide_view(self, request: HttpRequest, proposal_id: int) -> HttpResponse:
        proposal = get_object_or_404(self.get_queryset(request), id=proposal_id)
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                proposal_approve(proposal=proposal, user=request.user)
            elif decision == "reject":
                proposal_reject(proposal=proposal, user=request.user)
            elif decision == "pick":
                ambassador = get_object_or_404(Ambassador, id=request.POST.get("ambassador"))
                proposal_pick(proposal=proposal, ambassador=ambassador, user=request.user)
            else:
                raise ApplicationError(str(_("Unknown decision.")))
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, _("Decision recorded."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:matching_proposal_change", args=[proposal.id]))


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnly, admin.ModelAdmin[Exclusion]):
    list_display = ["buddy_request", "ambassador", "reason", "created_at", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exclusion]:
        return Exclusion.objects.filter(
            buddy_request__in=BuddyRequest.objects.visible_to(request.user)
        ).select_related("buddy_request", "ambassador")


@admin.register(Offer)
class OfferAdmin(ReadOnly, admin.ModelAdmin[Offer]):
    list_display = ["code", "buddy_request", "ambassador", "status", "created_at", "expires_at",
                    "answered_at", "decline_reason"]  # fmt: skip
    list_filter = ["status", "buddy_request__municipality"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Offer]:
        return Offer.objects.filter(
            buddy_request__in=BuddyRequest.objects.visible_to(request.user)
        ).select_related("buddy_request", "ambassador")


@admin.register(Match)
class MatchAdmin(ReadOnly, admin.ModelAdmin[Match]):
    list_display = ["buddy_request", "ambassador", "status", "created_at", "followup_sent_at",
                    "met_ambassador", "met_newcomer"]  # fmt: skip
    list_filter = ["status", "met_ambassador", "met_newcomer", "buddy_request__municipality"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        return Match.objects.filter(
            buddy_request__in=BuddyRequest.objects.visible_to(request.user)
        ).select_related("buddy_request", "ambassador")
