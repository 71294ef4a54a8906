"""Answers to buddy offers by SMS: yes or no to an offer found by its code."""

from __future__ import annotations

from ambassadors.models import Ambassador
from matching import texts
from matching.models import Offer
from matching.offers import offer_accept, offer_decline


def offer_by_code(ambassador: Ambassador, code: str) -> Offer | None:
    return ambassador.offers.filter(code=code).first()


def open_offers(ambassador: Ambassador) -> list[Offer]:
    return list(ambassador.offers.filter(status=Offer.Status.OPEN).order_by("created_at"))


def offer_answer(*, offer: Offer, accept: bool, reason: str, language: str) -> tuple[str, str]:
    """Act on a yes or no; returns the answer to send back and what happened."""
    if accept:
        if offer_accept(offer=offer) is not None:
            # The introductions go out through the outbox, to both.
            return "", f"accepted offer {offer.code}"
    elif offer_decline(offer=offer, reason=reason):
        return texts.declined_thanks(language), f"declined offer {offer.code}"
    offer.refresh_from_db()
    if offer.status == Offer.Status.ACCEPTED and accept:
        answer = texts.already_accepted(code=offer.code, language=language)
    else:
        answer = texts.passed_on(code=offer.code, language=language)
    return answer, f"late answer to offer {offer.code} ({offer.status})"
