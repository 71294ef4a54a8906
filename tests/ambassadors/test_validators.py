import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ambassadors.validators import (
    normalise_org_number,
    validate_children_ages,
    validate_mobile,
    validate_org_number,
)


def test_a_swedish_mobile_number_is_accepted() -> None:
    validate_mobile(phonenumbers.parse("070-174 06 05", "SE"))


def test_a_landline_is_refused_because_it_cannot_get_texts() -> None:
    with pytest.raises(ValidationError, match="landline"):
        validate_mobile(phonenumbers.parse("08-465 004 00", "SE"))


def test_an_organisation_number_with_a_wrong_check_digit_is_refused() -> None:
    validate_org_number("556016-0680")
    with pytest.raises(ValidationError, match="organisation number"):
        validate_org_number("556016-0681")


def test_organisation_numbers_are_stored_in_one_spelling() -> None:
    assert normalise_org_number("5560160680") == "556016-0680"
    assert normalise_org_number("556016-0680") == "556016-0680"


@given(st.lists(st.integers(min_value=0, max_value=17), max_size=12))
def test_any_list_of_child_ages_is_accepted(ages: list[int]) -> None:
    validate_children_ages(ages)


@given(
    st.lists(st.integers(min_value=0, max_value=17), max_size=5),
    st.one_of(st.integers(max_value=-1), st.integers(min_value=18)),
)
def test_an_age_outside_childhood_is_refused(ages: list[int], wrong: int) -> None:
    with pytest.raises(ValidationError):
        validate_children_ages([*ages, wrong])


def test_ages_must_be_numbers() -> None:
    with pytest.raises(ValidationError):
        validate_children_ages(["four"])
    with pytest.raises(ValidationError):
        validate_children_ages([True])
