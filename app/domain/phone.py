"""Phone numbers: E.164 via phonenumbers, national numbers read in the store's region."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

_TYPE_NAMES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
_MAX_RAW_LENGTH = 64


@dataclass(frozen=True)
class Phone:
    """`e164` such as "+33612345678"; `type` a number type name ("mobile", "fixed_line", …),
    which `app.domain.whatsapp` reads to tell whether WhatsApp can reach the number."""

    e164: str
    type: str


class InvalidPhone(ValueError):
    pass


@lru_cache(maxsize=65536)
def parse_phone(raw: str, region: str | None) -> Phone:
    """Parse once per distinct (string, region): many orders share a phone."""
    if len(raw) > _MAX_RAW_LENGTH:
        raise InvalidPhone("The phone number is too long.")
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except NumberParseException as exc:
        raise InvalidPhone("The phone number could not be read.") from exc
    # A number is valid exactly when its region's metadata gives it a type: one lookup, not
    # is_valid_number's and then number_type's.
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        raise InvalidPhone("The phone number is not a valid number.")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, type=_TYPE_NAMES.get(kind, "unknown"))
