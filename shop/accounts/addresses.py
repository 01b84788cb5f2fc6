"""Mainland-China delivery addresses: validation and normalisation, shared by accounts and checkout.

``validate_address(form)`` takes any mapping of strings (a form, a JSON body) and returns a clean
``AddressData`` or raises ``InvalidInput`` naming every bad field.  It needs no account, so guest
checkout uses it as is.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Mapping

from shop.accounts.errors import InvalidInput

FIELDS = ("recipient", "mobile", "province", "city", "district", "street", "postcode")

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_SEPARATORS = re.compile(r"[\s\-()（）]")
_POSTCODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class AddressData:
    recipient: str
    mobile: str  # 11 digits, without +86
    province: str
    city: str
    district: str
    street: str
    postcode: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def has_control_characters(text: str) -> bool:
    """Control characters (NUL, escapes, line breaks) have no place in a one-line field.

    PostgreSQL also refuses NUL in text, so letting one through would be a 500, not a 400.
    """
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in text)


def clean_text(value: object) -> str:
    """A form value as a stripped string ('' when missing or not a string)."""
    return value.strip() if isinstance(value, str) else ""


def normalize_mobile(raw: str) -> str | None:
    """``'+86 138-0013-8000'`` → ``'13800138000'``; None when it is not a mainland mobile number.

    Accepts full-width digits, spaces, dashes and brackets, and the +86 / 0086 / 86 prefixes.
    """
    text = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    else:
        if len(text) == 13 and text.startswith("86"):
            text = text[2:]
    return text if _MOBILE.fullmatch(text) else None


def _check_text(errors: dict[str, str], field: str, value: str, min_len: int, max_len: int,
                message: str) -> None:
    if has_control_characters(value):
        errors[field] = "This field contains characters that are not allowed."
    elif not min_len <= len(value) <= max_len:
        errors[field] = message


def validate_address(data: Mapping) -> AddressData:
    """Check and normalise an address; raise ``InvalidInput`` with a message per bad field.

    Rules: recipient 1–40 characters; a mainland mobile number (1[3-9] and 9 more digits, spaces,
    dashes and a +86 prefix allowed); province, city and district 1–40 characters each; street
    2–120 characters; postcode empty or 6 digits.
    """
    values = {field: clean_text(data.get(field)) for field in FIELDS}
    errors: dict[str, str] = {}

    _check_text(errors, "recipient", values["recipient"], 1, 40,
                "Enter the recipient's name (up to 40 characters).")
    mobile = normalize_mobile(values["mobile"]) if len(values["mobile"]) <= 30 else None
    if mobile is None:
        errors["mobile"] = "Enter an 11-digit mainland China mobile number, e.g. 138 0013 8000."
    _check_text(errors, "province", values["province"], 1, 40,
                "Enter the province (up to 40 characters).")
    _check_text(errors, "city", values["city"], 1, 40, "Enter the city (up to 40 characters).")
    _check_text(errors, "district", values["district"], 1, 40,
                "Enter the district or county (up to 40 characters).")
    _check_text(errors, "street", values["street"], 2, 120,
                "Enter the street address (2 to 120 characters).")
    postcode = unicodedata.normalize("NFKC", values["postcode"]).replace(" ", "")
    if postcode and not _POSTCODE.fullmatch(postcode):
        errors["postcode"] = "A postcode has 6 digits; leave it empty if you do not know it."

    if errors:
        raise InvalidInput(errors)
    return AddressData(recipient=values["recipient"], mobile=mobile, province=values["province"],
                       city=values["city"], district=values["district"], street=values["street"],
                       postcode=postcode or None)
