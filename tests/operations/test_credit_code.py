"""The unified social credit code check of GB 32100-2015."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from operations.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    validate_credit_code,
)

# Codes published on well-known companies' business licences (an independent check of the
# algorithm), and the demo operators' codes.
PUBLISHED = ["914403001922038216", "91330100716105852F", "9144030071526726XG"]
VALID = PUBLISHED + ["91330282MA2H4K7L5N", "52330282MJ9A1B2C3M", "91330282MA2J6P8Q13"]


def test_worked_example_by_hand():
    first17 = "91330282MA2H4K7L5"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    assert total == 2613 and total % 31 == 9  # so the check value is 31 − 9 = 22: the letter N
    assert credit_code_check_character(first17) == "N"


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())  # entered in lower case, still the same code


LENGTH, CHARACTER, CHECK = "credit_code_length", "credit_code_character", "credit_code_check"


@pytest.mark.parametrize(
    ("code", "reason", "message_part"),
    [
        ("91330282MA2H4K7L5", LENGTH, "17"),
        ("91330282MA2H4K7L5NN", LENGTH, "19"),
        ("", LENGTH, "0"),
        ("91330282MA2H4K7I5N", CHARACTER, "“I”"),
        ("913302S2MA2H4K7L5N", CHARACTER, "“S”"),
        ("91330282MA2H4K7L5O", CHARACTER, "“O”"),
        ("91330282MA2H4K7L5P", CHECK, "“N”"),
        ("91330282MA2H4K7L6N", CHECK, "“N”"),
    ],
)
def test_invalid_codes_are_refused_with_the_reason(code, reason, message_part):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == reason
    assert message_part in caught.value.messages[0]


def test_messages_name_the_problem():
    with pytest.raises(ValidationError) as length:
        validate_credit_code("91330282")
    assert length.value.code == "credit_code_length"
    with pytest.raises(ValidationError) as character:
        validate_credit_code("91330282MA2H4K7LZN")
    assert character.value.code == "credit_code_character"
    assert "17" in character.value.messages[0]
    with pytest.raises(ValidationError) as check:
        validate_credit_code("91330282MA2H4K7L5M")
    assert check.value.code == "credit_code_check"
    assert "“M”" in check.value.messages[0] and "“N”" in check.value.messages[0]


@given(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17))
def test_every_completed_code_is_valid_and_any_other_check_is_not(first17):
    check = credit_code_check_character(first17)
    validate_credit_code(first17 + check)
    wrong = CREDIT_CODE_ALPHABET[(CREDIT_CODE_ALPHABET.index(check) + 1) % 31]
    with pytest.raises(ValidationError):
        validate_credit_code(first17 + wrong)
