"""Address validation: table-driven cases for the rules checkout and accounts share."""
from __future__ import annotations

import pytest

from shop.accounts.addresses import AddressData, normalize_mobile, validate_address
from shop.accounts.errors import InvalidInput

GOOD = {
    "recipient": "金美玉",
    "mobile": "13800138000",
    "province": "吉林省",
    "city": "延边朝鲜族自治州",
    "district": "延吉市",
    "street": "光明街 88 号 2 单元 301 室",
    "postcode": "133000",
}


@pytest.mark.parametrize("raw", [
    "13800138000",
    "138 0013 8000",
    "138-0013-8000",
    "+86 138 0013 8000",
    "+86-13800138000",
    "008613800138000",
    "8613800138000",
    "１３８００１３８０００",  # full-width digits from a Chinese input method
    "(+86) 138 0013 8000",
    " 13800138000 ",
])
def test_good_mobile_forms_normalise_to_eleven_digits(raw):
    # given a mobile number typed in a common way / when validated / then it is stored as 11 digits
    assert validate_address(GOOD | {"mobile": raw}).mobile == "13800138000"


@pytest.mark.parametrize("raw", [
    "",
    "12800138000",     # second digit must be 3-9
    "1380013800",      # 10 digits
    "138001380001",    # 12 digits
    "23800138000",     # not starting with 1
    "+1 13800138000",  # foreign prefix
    "010-12345678",    # a landline
    "1380013800a",
    "١٣٨٠٠١٣٨٠٠٠",     # Arabic-Indic digits are not mainland numbers
    "1" * 500,
])
def test_bad_mobile_numbers_are_refused(raw):
    assert normalize_mobile(raw) is None
    with pytest.raises(InvalidInput) as info:
        validate_address(GOOD | {"mobile": raw})
    assert set(info.value.field_errors) == {"mobile"}


@pytest.mark.parametrize("field", ["recipient", "mobile", "province", "city", "district", "street"])
@pytest.mark.parametrize("missing", [None, "", "   ", "\u3000"])
def test_required_fields_missing_or_blank(field, missing):
    data = dict(GOOD)
    if missing is None:
        del data[field]
    else:
        data[field] = missing
    with pytest.raises(InvalidInput) as info:
        validate_address(data)
    assert set(info.value.field_errors) == {field}


@pytest.mark.parametrize("field, value", [
    ("recipient", "金" * 41),
    ("province", "省" * 41),
    ("city", "市" * 41),
    ("district", "区" * 41),
    ("street", "街" * 121),
    ("street", "街"),               # too short
    ("recipient", "金美\x00玉"),     # NUL would be a PostgreSQL error, not a 400
    ("street", "光明街\n88 号"),
    ("recipient", ["not", "text"]),
])
def test_overlong_short_or_malformed_text(field, value):
    with pytest.raises(InvalidInput) as info:
        validate_address(GOOD | {field: value})
    assert set(info.value.field_errors) == {field}


@pytest.mark.parametrize("field, value", [
    ("recipient", "金" * 40),
    ("province", "省" * 40),
    ("street", "街" * 120),
    ("street", "1号"),
])
def test_lengths_at_the_limits_are_accepted(field, value):
    assert getattr(validate_address(GOOD | {field: value}), field) == value


@pytest.mark.parametrize("raw, stored", [
    ("133000", "133000"),
    ("", None),
    ("  ", None),
    ("１３３０００", "133000"),
    ("133 000", "133000"),
])
def test_postcode_optional_six_digits(raw, stored):
    assert validate_address(GOOD | {"postcode": raw}).postcode == stored


def test_postcode_missing_entirely_is_fine():
    data = {k: v for k, v in GOOD.items() if k != "postcode"}
    assert validate_address(data).postcode is None


@pytest.mark.parametrize("raw", ["13300", "1330000", "13300a", "ABCDEF"])
def test_bad_postcode(raw):
    with pytest.raises(InvalidInput) as info:
        validate_address(GOOD | {"postcode": raw})
    assert set(info.value.field_errors) == {"postcode"}


def test_every_bad_field_is_reported_at_once():
    # given a form with three problems / when validated / then one error names all three
    with pytest.raises(InvalidInput) as info:
        validate_address(GOOD | {"recipient": "", "mobile": "123", "postcode": "1"})
    assert set(info.value.field_errors) == {"recipient", "mobile", "postcode"}
    assert info.value.status == 400


def test_clean_address_is_stripped_data():
    data = validate_address({k: f"  {v}  " for k, v in GOOD.items()})
    assert data == AddressData(**GOOD)
