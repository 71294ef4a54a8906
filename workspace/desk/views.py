"""Today's work: what needs a coordinator, and the one-click decisions on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ambassadors.services import ApplicationError
from matching.models import MatchRun, Proposal
from matching.services import match_run, proposal_approve, proposal_pick, proposal_reject
from workspace.access import coordinator_required
from workspace.desk import selectors
from workspace.desk.forms import PickForm
from workspace.desk.services import inbound_sms_dealt_with

# The panels a button may send back on its own, when htmx asks.
_PANELS: dict[str, Callable[..., selectors.Panel[Any]]] = {
    "proposals": selectors.proposals_pending,
    "texts": selectors.texts_unparsed,
}


def _back(request: HttpRequest, panel: str) -> HttpResponse:
    """The panel acted in, with the messages, for htmx; else the whole page again.

    Without JavaScript the page is reloaded at its top, where the messages are:
    today's page, or the page the form was on when it says so in `next` (a
    household's page decides on its proposal too).
    """
    if request.headers.get("HX-Request") == "true" and panel in _PANELS:
        return render(
            request,
            f"workspace/desk/panels/{panel}.html",
            {"panel": _PANELS[panel](user=request.user), "in_panel": True},
        )
    here = request.POST.get("next", "")
    if here and url_has_allowed_host_and_scheme(
        here, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(here)
    return HttpResponseRedirect(reverse("workspace:today"))


@coordinator_required
@require_safe
def today(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workspace/desk/today.html",
        {"nav": "today", "today": selectors.today(user=request.user), "now": timezone.now()},
    )


@coordinator_required
@require_POST
def run_matching(request: HttpRequest) -> HttpResponse:
    run, _result = match_run(trigger=MatchRun.Trigger.COORDINATOR, user=request.user)
    messages.success(
        request,
        _("Proposals made: %(matched)d, for %(requests)d waiting requests.")
        % {"matched": run.matched, "requests": run.requests},
    )
    return _back(request, "proposals")


def _decide(
    request: HttpRequest, proposal_id: int, decide: Callable[[Proposal], Proposal], done: str
) -> HttpResponse:
    proposal = get_object_or_404(
        selectors.proposals_visible_to(user=request.user).select_related(
            "buddy_request", "ambassador"
        ),
        id=proposal_id,
    )
    try:
        decided = decide(proposal)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, done % {"household": decided.buddy_request, "ambassador": decided.ambassador}
        )
    return _back(request, "proposals")


@coordinator_required
@require_POST
def approve(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _decide(
        request,
        proposal_id,
        lambda proposal: proposal_approve(proposal=proposal, user=request.user),
        _("Approved: %(ambassador)s gets the offer for %(household)s by SMS."),
    )


@coordinator_required
@require_POST
def reject(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _decide(
        request,
        proposal_id,
        lambda proposal: proposal_reject(proposal=proposal, user=request.user),
        _(
            "Rejected: %(ambassador)s will not be proposed for %(household)s again; "
            "the request waits for the next run."
        ),
    )


@coordinator_required
@require_POST
def pick(request: HttpRequest, proposal_id: int) -> HttpResponse:
    def picked(proposal: Proposal) -> Proposal:
        form = PickForm(request.POST, proposal=proposal)
        if not form.is_valid():
            raise ApplicationError(str(form.errors["ambassador"][0]), field="ambassador")
        return proposal_pick(
            proposal=proposal, ambassador=form.cleaned_data["ambassador"], user=request.user
        )

    return _decide(
        request,
        proposal_id,
        picked,
        _("Approved: %(ambassador)s gets the offer for %(household)s by SMS."),
    )


@coordinator_required
@require_POST
def text_dealt_with(request: HttpRequest, text_id: int) -> HttpResponse:
    text = get_object_or_404(selectors.texts_visible_to(user=request.user), id=text_id)
    try:
        inbound_sms_dealt_with(text=text, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The text is marked as dealt with."))
    return _back(request, "texts")
