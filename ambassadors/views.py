"""The public pages: no login, in the visitor's language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from ambassadors.consent import CONSENT_TEXTS
from ambassadors.forms import AmbassadorSignUpForm, BuddyRequestForm
from ambassadors.models import Consent
from ambassadors.ratelimits import limit_posts
from ambassadors.services import ApplicationError, ambassador_sign_up, buddy_request_submit

_SUBMISSION = "submission"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "ambassadors/home.html")


@limit_posts("web-buddy-request", "PUBLIC_FORM_RATE")
def buddy_request_create(request: HttpRequest) -> HttpResponse:
    form = BuddyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            buddy_request, updated = buddy_request_submit(
                **form.submission(),
                consent_language=get_language(),
                channel=Consent.Channel.WEB,
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            request.session[_SUBMISSION] = {
                "kind": "buddy_request",
                "first_name": buddy_request.first_name,
                "updated": updated,
            }
            return redirect("buddy_request_thanks")
    return render(
        request,
        "ambassadors/buddy_request_form.html",
        {
            "form": form,
            "consent_text": CONSENT_TEXTS[Consent.Purpose.BUDDY_REQUEST].render(get_language()),
        },
    )


def buddy_request_thanks(request: HttpRequest) -> HttpResponse:
    submission = request.session.pop(_SUBMISSION, None)
    if not submission or submission.get("kind") != "buddy_request":
        return redirect("buddy_request_create")
    return render(request, "ambassadors/buddy_request_thanks.html", submission)


@limit_posts("web-ambassador", "PUBLIC_FORM_RATE")
def ambassador_create(request: HttpRequest) -> HttpResponse:
    form = AmbassadorSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ambassador = ambassador_sign_up(
                **form.submission(),
                consent_language=get_language(),
                channel=Consent.Channel.WEB,
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            request.session[_SUBMISSION] = {
                "kind": "ambassador",
                "first_name": ambassador.first_name,
            }
            return redirect("ambassador_thanks")
    return render(
        request,
        "ambassadors/ambassador_form.html",
        {
            "form": form,
            "consent_text": CONSENT_TEXTS[Consent.Purpose.AMBASSADOR].render(get_language()),
        },
    )


def ambassador_thanks(request: HttpRequest) -> HttpResponse:
    submission = request.session.pop(_SUBMISSION, None)
    if not submission or submission.get("kind") != "ambassador":
        return redirect("ambassador_create")
    return render(request, "ambassadors/ambassador_thanks.html", submission)
