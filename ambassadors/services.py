"""Writes to the registry of people: buddy requests, sign-ups and consent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers import PhoneNumber

from ambassadors.consent import CONSENT_TEXTS, consent_language
from ambassadors.models import (
    Ambassador,
    AmbassadorLanguage,
    AuditEvent,
    BuddyRequest,
    Consent,
    Coordinator,
    Interest,
    Language,
    Municipality,
    Need,
    Source,
)
from ambassadors.selectors import municipalities_choosable_by


class ApplicationError(Exception):
    """A rule of the service was broken; `field` names the input at fault, if one is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def consent_record(
    *,
    purpose: Consent.Purpose,
    language: str,
    channel: Consent.Channel,
    buddy_request: BuddyRequest | None = None,
    ambassador: Ambassador | None = None,
) -> Consent:
    """Store that a person agreed to the current text for `purpose`, as shown in `language`."""
    text = CONSENT_TEXTS[purpose]
    language = consent_language(language)
    return Consent.objects.create(
        buddy_request=buddy_request,
        ambassador=ambassador,
        purpose=purpose,
        text_version=text.version,
        language=language,
        text=text.render(language),
        channel=channel,
    )


def buddy_request_submit(
    *,
    first_name: str,
    last_name: str = "",
    phone: PhoneNumber,
    preferred_language: Language,
    other_languages: Iterable[Language] = (),
    municipality: Municipality,
    arrival_date: date | None = None,
    has_partner: bool = False,
    children_ages: list[int] | None = None,
    interests: Iterable[Interest] = (),
    needs: Iterable[Need] = (),
    message: str = "",
    consent_language: str,
    channel: Consent.Channel,
) -> tuple[BuddyRequest, bool]:
    """Store a household's request for a buddy, with the consent it was given under.

    A number that already has an open request updates that request instead of
    opening a second one. Returns the request and whether it was an update.
    Either way the household is texted a confirmation with its own signed
    link (`self_service.newcomer_link_send`).
    """
    fields = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "preferred_language": preferred_language,
        "municipality": municipality,
        "arrival_date": arrival_date,
        "has_partner": has_partner,
        "children_ages": sorted(children_ages or [], reverse=True),
        "message": message.strip(),
    }
    source = Source.WEB if channel == Consent.Channel.WEB else Source.API
    with transaction.atomic():
        try:
            with transaction.atomic():
                buddy_request, updated = _buddy_request_save(
                    phone=phone, fields=fields, source=source
                )
        except IntegrityError:
            # Another submission from the same number opened a request between
            # our look-up and our insert: this one becomes an update of it.
            buddy_request, updated = _buddy_request_save(phone=phone, fields=fields, source=source)
        buddy_request.other_languages.set(
            [language for language in other_languages if language != preferred_language]
        )
        buddy_request.interests.set(interests)
        buddy_request.needs.set(needs)
        consent_record(
            purpose=Consent.Purpose.BUDDY_REQUEST,
            language=consent_language,
            channel=channel,
            buddy_request=buddy_request,
        )
        # Imported here: self_service builds on this module.
        from ambassadors.self_service import newcomer_link_send

        # The household's confirmation, with the link to their own request.
        # The text is a row in this transaction, sent after commit.
        newcomer_link_send(buddy_request=buddy_request)
    return buddy_request, updated


def _buddy_request_save(
    *, phone: PhoneNumber, fields: Mapping[str, object], source: str
) -> tuple[BuddyRequest, bool]:
    existing = (
        BuddyRequest.objects.select_for_update()
        .filter(phone=phone, status__in=BuddyRequest.OPEN_STATUSES)
        .first()
    )
    if existing is None:
        return BuddyRequest.objects.create(phone=phone, source=source, **fields), False
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return existing, True


_ALREADY_AMBASSADOR = gettext_lazy(
    "This number is already registered as an ambassador. Your coordinator can change your details."
)


def ambassador_sign_up(
    *,
    first_name: str,
    last_name: str = "",
    phone: PhoneNumber,
    email: str = "",
    preferred_language: Language,
    languages: Mapping[Language, int],
    home_municipality: Municipality,
    meeting_municipalities: Iterable[Municipality] = (),
    meets_digitally: bool = False,
    interests: Iterable[Interest] = (),
    helps_with: Iterable[Need] = (),
    has_children: bool = False,
    capacity: int = 2,
    about: str = "",
    consent_language: str,
    channel: Consent.Channel,
) -> Ambassador:
    """Register a new ambassador, inactive until a coordinator has met them."""
    if not languages:
        raise ApplicationError(_("Choose at least one language you speak."), field="languages")
    if Ambassador.objects.filter(phone=phone).exists():
        raise ApplicationError(str(_ALREADY_AMBASSADOR), field="phone")
    source = Source.WEB if channel == Consent.Channel.WEB else Source.API
    with transaction.atomic():
        ambassador = _ambassador_create(
            phone=phone,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            preferred_language=preferred_language,
            home_municipality=home_municipality,
            meets_digitally=meets_digitally,
            has_children=has_children,
            capacity=capacity,
            about=about.strip(),
            active=False,
            source=source,
        )
        AmbassadorLanguage.objects.bulk_create(
            AmbassadorLanguage(ambassador=ambassador, language=language, level=level)
            for language, level in languages.items()
        )
        # The home municipality is always a place they can meet.
        ambassador.meeting_municipalities.set({home_municipality, *meeting_municipalities})
        ambassador.interests.set(interests)
        ambassador.helps_with.set(helps_with)
        consent_record(
            purpose=Consent.Purpose.AMBASSADOR,
            language=consent_language,
            channel=channel,
            ambassador=ambassador,
        )
    return ambassador


def _ambassador_create(*, phone: PhoneNumber, **fields: object) -> Ambassador:
    try:
        with transaction.atomic():
            return Ambassador.objects.create(phone=phone, **fields)
    except IntegrityError:
        # The same number signed up a moment ago, in another request.
        raise ApplicationError(str(_ALREADY_AMBASSADOR), field="phone") from None


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    channel: Consent.Channel,
    user: AbstractBaseUser | AnonymousUser | None = None,
    ambassador_id: int | None = None,
    newcomer: bool = False,
    via: str = "",
) -> Consent:
    """Record that a consent was withdrawn, and stop all processing under it at once.

    The consent row itself stays. In the same transaction the person's waiting
    texts are cancelled, their offers, proposals and matches end (an
    ambassador's open offers go to the next candidate), a household's request
    is withdrawn, an ambassador becomes inactive, and they leave the shifts and
    events to come (see ambassadors.privacy.processing_stop).

    The audit row names who withdrew: a staff `user`, the ambassador
    (`ambassador_id`), the household (`newcomer=True`) or, none given, the
    system (a STOP text, for one). `via` defaults to the channel.
    """
    from ambassadors.audit import audit_record
    from ambassadors.privacy import processing_stop

    withdrawn = Consent.objects.filter(id=consent.id, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawal_channel=channel
    )
    consent.refresh_from_db()
    if withdrawn:
        processing_stop(consent=consent)
        subject = consent.buddy_request or consent.ambassador
        if subject is not None:
            audit_record(
                action=AuditEvent.Action.WITHDRAW,
                subject=subject,
                user=user,
                ambassador_id=ambassador_id,
                newcomer=newcomer,
                via=via or f"consent-withdraw:{channel}",
            )
    return consent


def ambassador_pause(
    *, ambassador: Ambassador, until: date, longest: timedelta | None = None
) -> Ambassador:
    """Pause an ambassador through `until` (inclusive): no new buddies or shifts till then.

    Their current buddies stay theirs; the matching engine and the rota planner
    read paused_until and leave them out. `longest` bounds how far ahead
    `until` may be (an ambassador's own pause is bounded, a coordinator's is
    not). The caller records the audit row: it knows who paused.
    """
    today = timezone.localdate()
    if until <= today:
        raise ApplicationError(_("Choose a day after today."), field="until")
    if longest is not None and until > today + longest:
        raise ApplicationError(
            _("You can pause for %(days)d days at the most. Your coordinator can help with longer.")
            % {"days": longest.days},
            field="until",
        )
    Ambassador.objects.filter(id=ambassador.id).update(
        paused_until=until, updated_at=timezone.now()
    )
    ambassador.paused_until = until
    return ambassador


def ambassador_resume(*, ambassador: Ambassador) -> Ambassador:
    """End an ambassador's pause today: they can be proposed again at the next matching run."""
    Ambassador.objects.filter(id=ambassador.id).update(paused_until=None, updated_at=timezone.now())
    ambassador.paused_until = None
    return ambassador


def municipality_scope_check(
    *, user: AbstractBaseUser | AnonymousUser, municipality: Municipality, field: str
) -> None:
    if not municipalities_choosable_by(user=user).filter(id=municipality.id).exists():
        raise ApplicationError(
            _("You can only place people in municipalities you coordinate."), field=field
        )


def _apply(instance: models.Model, changes: Mapping[str, Any], many: Iterable[str]) -> None:
    many = set(many)
    for name, value in changes.items():
        if name not in many:
            setattr(instance, name, value)
    instance.full_clean(exclude=list(many))
    instance.save()
    for name in many & changes.keys():
        getattr(instance, name).set(changes[name])


@transaction.atomic
def buddy_request_update(
    *, buddy_request: BuddyRequest, user: AbstractBaseUser | AnonymousUser, **changes: Any
) -> BuddyRequest:
    """A coordinator's change to a request. The caller has checked that they may see it."""
    if "municipality" in changes:
        municipality_scope_check(
            user=user, municipality=changes["municipality"], field="municipality"
        )
    if changes.get("status", buddy_request.status) != buddy_request.status:
        changes["status_changed_at"] = timezone.now()
    _apply(buddy_request, changes, many=("other_languages", "interests", "needs"))
    return buddy_request


@transaction.atomic
def ambassador_update(
    *, ambassador: Ambassador, user: AbstractBaseUser | AnonymousUser, **changes: Any
) -> Ambassador:
    """A coordinator's change to an ambassador. The caller has checked that they may see them."""
    if "home_municipality" in changes:
        municipality_scope_check(
            user=user, municipality=changes["home_municipality"], field="home_municipality"
        )
    _apply(ambassador, changes, many=("meeting_municipalities", "interests", "helps_with"))
    return ambassador


def coordinator_appoint(*, coordinator: Coordinator) -> Coordinator:
    """Save a coordinator and let their user into the admin."""
    with transaction.atomic():
        coordinator.save()
        type(coordinator.user).objects.filter(pk=coordinator.user_id).update(is_staff=True)
    return coordinator
