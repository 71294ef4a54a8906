"""What a text that reached us means, and what to answer.

`sms_handle` runs inside the webhook's transaction, after the text was
stored; it returns the answer that goes back in the TwiML, or "" for none.
It tells the two kinds of answer apart by their codes: buddy offers have four
digits, event invitations up to three. Hotline volunteers swap shifts with
their own words and the shift's number ("BYT 12", "TA 12").
"""

from __future__ import annotations

from ambassadors.models import Ambassador, InboundSms, OptOut, OutboundSms
from ambassadors.outbox import is_opted_out, opt_in, opt_out, sms_reply_record
from ambassadors.sms_replies import Intent, Reply, reply_parse
from events import hotline_sms
from events.replies import invitation_answer, invitation_by_code, open_invitations
from matching import texts
from matching.offers import followup_answer, followup_pending
from matching.replies import offer_answer, offer_by_code, open_offers

OFFER_CODE_LENGTH = 4

# Keywords that tell us the sender reads Swedish, when we do not know them.
_SWEDISH_WORDS = {"ja", "nej", "stopp", "avsluta", "hjälp", "byt", "ta"}
_SWAP_INTENTS = (Intent.SWAP_OFFER, Intent.SWAP_TAKE)


def _language(inbound: InboundSms, reply: Reply) -> str:
    if inbound.ambassador is not None:
        return texts.sms_language(inbound.ambassador.preferred_language.code)
    if inbound.buddy_request is not None:
        return texts.sms_language(inbound.buddy_request.preferred_language.code)
    return "sv" if reply.word in _SWEDISH_WORDS else "en"


def _municipality_id(inbound: InboundSms) -> int | None:
    if inbound.ambassador is not None:
        return inbound.ambassador.home_municipality_id
    if inbound.buddy_request is not None:
        return inbound.buddy_request.municipality_id
    return None


def sms_handle(*, inbound: InboundSms) -> str:
    """Act on a stored text and return the answer to send back ("" for none)."""
    reply = reply_parse(inbound.body)
    language = _language(inbound, reply)
    answer, outcome, purpose = _act(inbound, reply, language)
    inbound.intent = reply.intent
    inbound.outcome = outcome
    inbound.needs_attention = reply.intent == Intent.UNKNOWN or (
        reply.intent in (Intent.ACCEPT, Intent.DECLINE, Intent.FOLLOWUP, *_SWAP_INTENTS)
        and not outcome
    )
    inbound.save(update_fields=["intent", "outcome", "needs_attention"])
    # After STOP nothing reaches the number, not even an answer, but the
    # confirmation of the STOP itself.
    if answer and (purpose == OutboundSms.Purpose.OPT_OUT or not is_opted_out(inbound.from_number)):
        sms_reply_record(inbound=inbound, body=answer, language=language, purpose=purpose)
        return answer
    return ""


def _act(inbound: InboundSms, reply: Reply, language: str) -> tuple[str, str, OutboundSms.Purpose]:
    twilio_keyword = inbound.opt_out_type
    plain = OutboundSms.Purpose.REPLY
    if twilio_keyword == "STOP" or reply.intent == Intent.STOP:
        source = OptOut.Source.TWILIO if twilio_keyword else OptOut.Source.KEYWORD
        opt_out(phone=inbound.from_number, source=source)
        # With Twilio's opt-out handling on, Twilio has confirmed it already.
        answer = "" if twilio_keyword else texts.stopped_text(language)
        return answer, "opted out", OutboundSms.Purpose.OPT_OUT
    if twilio_keyword == "START" or reply.intent == Intent.START:
        opt_in(phone=inbound.from_number)
        # Twilio's opt-in words include YES: "YES 4821" opts in and accepts.
        if reply.intent != Intent.ACCEPT:
            answer = "" if twilio_keyword else texts.started_text(language)
            return answer, "opted in", plain
    if twilio_keyword == "HELP" or reply.intent == Intent.HELP:
        contact = texts.help_contact(municipality_id=_municipality_id(inbound))
        answer = "" if twilio_keyword else texts.help_text(contact=contact, language=language)
        return answer, "asked for help", plain
    if reply.intent in (Intent.ACCEPT, Intent.DECLINE):
        answer, outcome = _answer(inbound, reply, language)
        return answer, outcome, plain
    if reply.intent in _SWAP_INTENTS and inbound.ambassador is not None:
        answer, outcome = _swap(inbound.ambassador, reply, language)
        return answer, outcome, plain
    if reply.intent == Intent.FOLLOWUP and reply.choice is not None:
        match = followup_pending(ambassador=inbound.ambassador, buddy_request=inbound.buddy_request)
        if match is not None:
            followup_answer(
                match=match, choice=reply.choice, from_ambassador=inbound.ambassador is not None
            )
            answer = texts.followup_thanks(choice=reply.choice, language=language)
            return answer, f"follow-up of match {match.id}: {reply.choice}", plain
    return texts.not_understood(language), "", plain


def _swap(ambassador: Ambassador, reply: Reply, language: str) -> tuple[str, str]:
    take = reply.intent == Intent.SWAP_TAKE
    if reply.code is None:
        return hotline_sms.swap_which(take=take, language=language), ""
    number = int(reply.code)
    if take:
        answer = hotline_sms.swap_take(ambassador=ambassador, number=number, language=language)
        return answer, f"asked to take shift {number}"
    answer = hotline_sms.swap_offer(ambassador=ambassador, number=number, language=language)
    return answer, f"offered shift {number}"


def _answer(inbound: InboundSms, reply: Reply, language: str) -> tuple[str, str]:
    accept = reply.intent == Intent.ACCEPT
    ambassador, household = inbound.ambassador, inbound.buddy_request
    if reply.code is not None:
        if len(reply.code) == OFFER_CODE_LENGTH:
            offer = offer_by_code(ambassador, reply.code) if ambassador is not None else None
            if offer is not None:
                return offer_answer(
                    offer=offer, accept=accept, reason=reply.rest, language=language
                )
        else:
            invitation = invitation_by_code(
                ambassador=ambassador, buddy_request=household, code=reply.code
            )
            if invitation is not None:
                return invitation_answer(invitation=invitation, going=accept, language=language)
        return texts.no_such_offer(code=reply.code, language=language), ""
    offers = open_offers(ambassador) if ambassador is not None else []
    invitations = open_invitations(ambassador=ambassador, buddy_request=household)
    if len(offers) + len(invitations) > 1:
        codes = [offer.code for offer in offers] + [str(i.event.code) for i in invitations]
        return texts.which_code(codes=codes, language=language), "asked which code"
    if offers:
        return offer_answer(offer=offers[0], accept=accept, reason=reply.rest, language=language)
    if invitations:
        return invitation_answer(invitation=invitations[0], going=accept, language=language)
    return texts.no_such_offer(code=None, language=language), ""
