"""/<lang>/request/<token>/: a household's own request, reached by the signed link we texted them.

Households have no login. The link is the key: whoever holds it sees the
request, can change the language we write in, and can withdraw. A link
changed by hand is a 404, an old one a 410; both say what to do next.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ambassadors.audit import audit_record
from ambassadors.forms import NewcomerLanguageForm
from ambassadors.models import AuditEvent, BuddyRequest
from ambassadors.ratelimits import over_limit, rate_limited_response
from ambassadors.self_service import (
    NEWCOMER_LINK_MAX_AGE,
    NewcomerLinkExpired,
    NewcomerLinkInvalid,
    newcomer_language_change,
    newcomer_request_from_token,
    newcomer_withdraw,
)
from ambassadors.services import ApplicationError

Action = AuditEvent.Action


@never_cache
def request_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        buddy_request = newcomer_request_from_token(token)
    except NewcomerLinkExpired:
        return render(
            request,
            "ambassadors/newcomer/link_expired.html",
            {"days": NEWCOMER_LINK_MAX_AGE.days},
            status=410,
        )
    except NewcomerLinkInvalid:
        return render(request, "ambassadors/newcomer/link_invalid.html", status=404)

    language_form = NewcomerLanguageForm(
        initial={"preferred_language": buddy_request.preferred_language_id}
    )
    if request.method == "POST":
        if over_limit(request, group="newcomer-link", rate=settings.PUBLIC_FORM_RATE):
            return rate_limited_response(request)
        action = request.POST.get("action")
        if action == "withdraw":
            # consent_withdraw records a WITHDRAW row for each consent, as the household.
            newcomer_withdraw(buddy_request=buddy_request, via="newcomer_request")
            messages.success(
                request, _("Your request is withdrawn. We will not contact you again.")
            )
            return redirect(request.path)
        if action == "language":
            language_form = NewcomerLanguageForm(request.POST)
            if language_form.is_valid():
                try:
                    newcomer_language_change(
                        buddy_request=buddy_request,
                        language=language_form.cleaned_data["preferred_language"],
                    )
                except ApplicationError as error:
                    language_form.add_error(None, error.message)
                else:
                    audit_record(
                        action=Action.CHANGE,
                        subject=buddy_request,
                        newcomer=True,
                        via="newcomer_request",
                        fields=["preferred_language", "other_languages"],
                    )
                    messages.success(request, _("Saved. We will write to you in this language."))
                    return redirect(request.path)
    else:
        audit_record(
            action=Action.VIEW, subject=buddy_request, newcomer=True, via="newcomer_request"
        )
    consents = list(buddy_request.consents.all())
    return render(
        request,
        "ambassadors/newcomer/request.html",
        {
            "buddy_request": buddy_request,
            "status": _status_text(buddy_request),
            "is_open": buddy_request.status in BuddyRequest.OPEN_STATUSES,
            "withdrawn": bool(consents) and all(c.withdrawn_at for c in consents),
            "consents": consents,
            "language_form": language_form,
        },
    )


def _status_text(buddy_request: BuddyRequest) -> str:
    """Where the request stands, in words for the household rather than a coordinator."""
    Status = BuddyRequest.Status
    texts = {
        Status.NEW: _("We have received your request and will look for a buddy soon."),
        Status.MATCHING: _(
            "We are looking for a buddy who speaks your language and lives near you."
        ),
        Status.OFFERED: _("We have asked a possible buddy and are waiting for their answer."),
        Status.MATCHED: _("You have a buddy. We sent you their first name and number by text."),
        Status.CLOSED: _("Your request is closed."),
        Status.WITHDRAWN: _("You have withdrawn your request."),
    }
    return str(texts.get(Status(buddy_request.status), buddy_request.get_status_display()))
