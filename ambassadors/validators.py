"""Field validators shared by the models, the web forms and the API."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

MAX_CHILD_AGE = 17
MAX_CHILDREN = 12

# Numbers a text message can reach. FIXED_LINE_OR_MOBILE is how
# libphonenumber labels countries (the US, Canada…) that do not tell them apart.
_TEXTABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def validate_mobile(value: object) -> None:
    if not isinstance(value, phonenumbers.PhoneNumber):
        return  # the phone number field has already said it is not a number
    if phonenumbers.number_type(value) not in _TEXTABLE:
        raise ValidationError(
            _("This looks like a landline. We need a mobile number that can receive texts."),
            code="not_mobile",
        )


def validate_children_ages(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Children's ages must be a list of numbers."), code="invalid")
    if len(value) > MAX_CHILDREN:
        raise ValidationError(
            _("At most %(count)s children.") % {"count": MAX_CHILDREN}, code="too_many"
        )
    for age in value:
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_CHILD_AGE:
            raise ValidationError(
                _("Each child's age must be a whole number from 0 to %(max)s.")
                % {"max": MAX_CHILD_AGE},
                code="invalid_age",
            )


def normalise_org_number(value: str) -> str:
    try:
        return orgnr.format(orgnr.validate(value))
    except StdnumError:
        return value


def validate_org_number(value: str) -> None:
    try:
        orgnr.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Enter a Swedish organisation number with ten digits, e.g. 556016-0680."),
            code="invalid_org_number",
        ) from None


def phone_read(text: str) -> str | None:
    """A phone number in E.164 (+46701740605) from any common spelling; None if it is none.

    Swedish numbers may come without a country code, and "4670…" (a
    spreadsheet's lost +) is read as +4670…; numbers from abroad need their + or 00.
    """
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    spellings = [text]
    if digits.startswith("46") and not text.startswith(("+", "0")):
        spellings.append(f"+{digits}")
    for spelling in spellings:
        try:
            number = phonenumbers.parse(spelling, "SE")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None
