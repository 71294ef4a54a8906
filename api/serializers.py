"""Small input and output serializers, one pair per operation."""

from typing import Any

from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from ambassadors.consent import CONSENT_LANGUAGES, CONSENT_TEXTS
from ambassadors.models import (
    LEVEL_NAMES,
    Ambassador,
    AmbassadorLanguage,
    BuddyRequest,
    Consent,
    Interest,
    Language,
    LanguageLevel,
    Municipality,
    Need,
    Organisation,
)
from ambassadors.validators import MAX_CHILD_AGE, MAX_CHILDREN, validate_mobile
from api.fields import interest_field, language_field, municipality_field, need_field
from matching.models import Candidate, MatchRun, Offer, Proposal


def mobile_field(**kwargs: Any) -> PhoneNumberField:
    return PhoneNumberField(region="SE", validators=[validate_mobile], **kwargs)


def children_ages_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_CHILD_AGE),
        max_length=MAX_CHILDREN,
        **kwargs,
    )


class ConsentInput(serializers.Serializer[Any]):
    """The consent fields every public submission carries."""

    consent = serializers.BooleanField(
        help_text="True when the person has been shown the consent text and agreed to it."
    )
    consent_language = serializers.ChoiceField(
        choices=CONSENT_LANGUAGES,
        required=False,
        help_text="The language the consent text was shown in. Default: English.",
    )
    consent_text_version = serializers.CharField(
        required=False,
        help_text="The version of the consent text shown (see /api/v1/consent-texts/). "
        "Default: the current one.",
    )

    purpose: Consent.Purpose

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                "Consent is required: show the consent text and send true when the person agrees."
            )
        return value

    def validate_consent_text_version(self, value: str) -> str:
        current = CONSENT_TEXTS[self.purpose].version
        if value != current:
            raise serializers.ValidationError(
                f'Unknown or outdated consent text version "{value}"; the current one is '
                f'"{current}".'
            )
        return value

    def submission(self) -> dict[str, Any]:
        """The validated data as the service takes it, consent language included."""
        data = dict(self.validated_data)
        data.pop("consent")
        data.pop("consent_text_version", None)
        data["consent_language"] = data.pop("consent_language", "en")
        return data


class BuddyRequestSubmitInput(ConsentInput):
    purpose = Consent.Purpose.BUDDY_REQUEST

    first_name = serializers.CharField(max_length=80)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    phone = mobile_field()
    preferred_language = language_field()
    other_languages = language_field(many=True, required=False)
    municipality = municipality_field()
    arrival_date = serializers.DateField(required=False, allow_null=True)
    has_partner = serializers.BooleanField(required=False, default=False)
    children_ages = children_ages_field(required=False, default=list)
    interests = interest_field(many=True, required=False)
    needs = need_field(many=True, required=False)
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BuddyRequestSubmitOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    updated = serializers.BooleanField(
        help_text="True when this number already had an open request, which was updated."
    )
    detail = serializers.CharField()


class LanguageLevelSerializer(serializers.Serializer[Any]):
    language = language_field()
    level = serializers.ChoiceField(choices=[name for name in LEVEL_NAMES.values()])


class AmbassadorSignUpInput(ConsentInput):
    purpose = Consent.Purpose.AMBASSADOR

    first_name = serializers.CharField(max_length=80)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    phone = mobile_field()
    email = serializers.EmailField(required=False, allow_blank=True)
    preferred_language = language_field(
        help_text="The language of the texts we send: sv, en, ar or uk."
    )
    languages = LanguageLevelSerializer(many=True, allow_empty=False)
    home_municipality = municipality_field()
    meeting_municipalities = municipality_field(many=True, required=False)
    meets_digitally = serializers.BooleanField(required=False, default=False)
    interests = interest_field(many=True, required=False)
    helps_with = need_field(many=True, required=False)
    has_children = serializers.BooleanField(required=False, default=False)
    capacity = serializers.IntegerField(min_value=1, max_value=5, required=False, default=2)
    about = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_languages(self, value: list[dict[str, Any]]) -> dict[Language, int]:
        levels: dict[Language, int] = {}
        for item in value:
            if item["language"] in levels:
                raise serializers.ValidationError(
                    f'Language "{item["language"].code}" is listed twice.'
                )
            levels[item["language"]] = LanguageLevel[item["level"].upper()].value
        return levels


class AmbassadorSignUpOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    active = serializers.BooleanField()
    detail = serializers.CharField()


class ConsentSerializer(serializers.ModelSerializer[Consent]):
    class Meta:
        model = Consent
        fields = [
            "purpose",
            "text_version",
            "language",
            "channel",
            "given_at",
            "withdrawn_at",
        ]


class BuddyRequestSerializer(serializers.ModelSerializer[BuddyRequest]):
    phone = serializers.CharField(read_only=True)
    preferred_language = serializers.SlugRelatedField[Language](slug_field="code", read_only=True)
    other_languages = serializers.SlugRelatedField[Language](
        slug_field="code", many=True, read_only=True
    )
    municipality = serializers.SlugRelatedField[Municipality](slug_field="code", read_only=True)
    interests = serializers.SlugRelatedField[Interest](slug_field="slug", many=True, read_only=True)
    needs = serializers.SlugRelatedField[Need](slug_field="slug", many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta:
        model = BuddyRequest
        fields = [
            "id",
            "first_name",
            "last_name",
            "phone",
            "preferred_language",
            "other_languages",
            "municipality",
            "arrival_date",
            "has_partner",
            "children_ages",
            "interests",
            "needs",
            "message",
            "status",
            "source",
            "created_at",
            "updated_at",
            "status_changed_at",
            "consents",
        ]


class BuddyRequestUpdateInput(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=80, required=False)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    preferred_language = language_field(required=False)
    other_languages = language_field(many=True, required=False)
    municipality = municipality_field(required=False)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    has_partner = serializers.BooleanField(required=False)
    children_ages = children_ages_field(required=False)
    interests = interest_field(many=True, required=False)
    needs = need_field(many=True, required=False)
    status = serializers.ChoiceField(choices=BuddyRequest.Status.choices, required=False)


class AmbassadorLanguageOutput(serializers.Serializer[AmbassadorLanguage]):
    language = serializers.CharField(source="language.code")
    level = serializers.SerializerMethodField()

    def get_level(self, obj: AmbassadorLanguage) -> str:
        return LEVEL_NAMES[obj.level]


class AmbassadorSerializer(serializers.ModelSerializer[Ambassador]):
    phone = serializers.CharField(read_only=True)
    preferred_language = serializers.SlugRelatedField[Language](slug_field="code", read_only=True)
    languages = AmbassadorLanguageOutput(source="language_levels", many=True, read_only=True)
    home_municipality = serializers.SlugRelatedField[Municipality](
        slug_field="code", read_only=True
    )
    meeting_municipalities = serializers.SlugRelatedField[Municipality](
        slug_field="code", many=True, read_only=True
    )
    interests = serializers.SlugRelatedField[Interest](slug_field="slug", many=True, read_only=True)
    helps_with = serializers.SlugRelatedField[Need](slug_field="slug", many=True, read_only=True)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta:
        model = Ambassador
        fields = [
            "id",
            "first_name",
            "last_name",
            "phone",
            "email",
            "preferred_language",
            "languages",
            "home_municipality",
            "meeting_municipalities",
            "meets_digitally",
            "interests",
            "helps_with",
            "has_children",
            "capacity",
            "paused_until",
            "active",
            "about",
            "source",
            "created_at",
            "updated_at",
            "consents",
        ]


class AmbassadorUpdateInput(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=80, required=False)
    last_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    preferred_language = language_field(required=False)
    home_municipality = municipality_field(required=False)
    meeting_municipalities = municipality_field(many=True, required=False)
    meets_digitally = serializers.BooleanField(required=False)
    interests = interest_field(many=True, required=False)
    helps_with = need_field(many=True, required=False)
    has_children = serializers.BooleanField(required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=10, required=False)
    paused_until = serializers.DateField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    municipality = municipality_field()

    class Meta:
        model = Organisation
        fields = ["id", "name", "org_number", "kind", "municipality", "created_at"]
        read_only_fields = ["id", "created_at"]


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    travel_minutes = serializers.SerializerMethodField(
        help_text="Shortest driving time in minutes from this seat to every other seat."
    )

    class Meta:
        model = Municipality
        fields = ["code", "name", "seat", "latitude", "longitude", "travel_minutes"]

    def get_travel_minutes(self, obj: Municipality) -> dict[str, int]:
        minutes: dict[str, dict[str, int]] = self.context["travel_minutes"]
        return minutes.get(obj.code, {})


class LanguageSerializer(serializers.ModelSerializer[Language]):
    class Meta:
        model = Language
        fields = ["code", "name_native", "name_sv", "name_en", "right_to_left"]


class InterestSerializer(serializers.ModelSerializer[Interest]):
    class Meta:
        model = Interest
        fields = ["slug", "name_en", "name_sv", "name_ar", "name_uk"]


class NeedSerializer(serializers.ModelSerializer[Need]):
    class Meta:
        model = Need
        fields = ["slug", "name_en", "name_sv", "name_ar", "name_uk"]


class ConsentTextSerializer(serializers.Serializer[dict[str, str]]):
    purpose = serializers.CharField()
    version = serializers.CharField()
    language = serializers.CharField()
    text = serializers.CharField()


class CandidateSerializer(serializers.ModelSerializer[Candidate]):
    ambassador_name = serializers.CharField(source="ambassador.__str__", read_only=True)

    class Meta:
        model = Candidate
        fields = ["ambassador", "ambassador_name", "rank", "score", "reasons"]


class OfferSerializer(serializers.ModelSerializer[Offer]):
    ambassador_name = serializers.CharField(source="ambassador.__str__", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "ambassador",
            "ambassador_name",
            "code",
            "status",
            "created_at",
            "expires_at",
            "answered_at",
            "decline_reason",
        ]


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    ambassador_name = serializers.CharField(source="ambassador.__str__", read_only=True)
    candidates = CandidateSerializer(many=True, read_only=True)
    offers = OfferSerializer(many=True, read_only=True, help_text="The SMS offers, newest first.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "buddy_request",
            "ambassador",
            "ambassador_name",
            "score",
            "reasons",
            "explanation",
            "explanation_language",
            "status",
            "decided_at",
            "candidates",
            "offers",
        ]


class ProposalPickInput(serializers.Serializer[Any]):
    ambassador = serializers.IntegerField(help_text="The id of one of the proposal's candidates.")


class MatchRunSerializer(serializers.ModelSerializer[MatchRun]):
    class Meta:
        model = MatchRun
        fields = [
            "id",
            "trigger",
            "started_at",
            "seconds",
            "requests",
            "ambassadors",
            "matched",
            "objective",
        ]


class RequestCandidateSerializer(serializers.Serializer[dict[str, Any]]):
    ambassador = serializers.IntegerField()
    ambassador_name = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.DictField()
    explanation = serializers.CharField()


class PersonPhoneInput(serializers.Serializer[Any]):
    """A person by their mobile number, in any spelling."""

    phone = serializers.CharField(max_length=40)


class ErasureOutput(serializers.Serializer[Any]):
    deleted = serializers.DictField(child=serializers.IntegerField())
    anonymised = serializers.DictField(child=serializers.IntegerField())
    redacted = serializers.DictField(child=serializers.IntegerField())
    twilio_deletions = serializers.IntegerField()
