"""Normalising contacts for the duplicate check (C3) and masking them for display (C10)."""

from __future__ import annotations

import pytest

from crm.domain.contacts import mask_email, mask_name, mask_phone, normalise_email, normalise_phone
from shared.errors import InvalidInput


@pytest.mark.parametrize("raw", [
    "13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "0086 138 1234 5678",
    "8613812345678", "(+86) 138.1234.5678",
])
def test_every_way_of_writing_a_chinese_mobile_is_the_same_number(raw: str) -> None:
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize(("raw", "expected"), [
    ("010-8888 6666", "01088886666"),      # a Beijing landline keeps its trunk zero
    ("+86 10 8888 6666", "861088886666"),  # not a mobile: the prefix is not guessed away
    ("+1 415 555 0100", "14155550100"),
    ("86123", "86123"),                    # too short to be a prefixed mobile
    ("8623812345678", "8623812345678"),    # 86 followed by a non-mobile stays as written
])
def test_other_numbers_keep_their_digits(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "1234", "1" * 21])
def test_a_phone_without_enough_digits_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_phone(raw)
    assert refused.value.extra["errors"][0]["field"] == "phone"


def test_emails_are_trimmed_and_lower_cased() -> None:
    assert normalise_email("  Li.Na@Example.COM ") == "li.na@example.com"


@pytest.mark.parametrize("raw", ["li.na", "li@na", "@example.com", "a b@example.com"])
def test_malformed_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_email(raw)


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"),
    ("01088886666", "010****6666"),
    ("12345678", "123*5678"),
    ("12345", "***45"),
    (None, None),
])
def test_phones_keep_the_first_three_and_last_four_digits(phone: str | None, masked: str | None) -> None:
    assert mask_phone(phone) == masked


def test_a_masked_phone_never_holds_the_middle_digits() -> None:
    assert "1234" not in mask_phone("13812345678")


def test_emails_keep_the_first_letter_and_the_domain() -> None:
    assert mask_email("li.na@example.com") == "l***@example.com"
    assert mask_email(None) is None


@pytest.mark.parametrize(("name", "masked"), [("Wang Wei", "Wang **"), ("王小明", "王**"), ("", "**"), (None, "**")])
def test_names_keep_the_family_name(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked
