"""Phone numbers: E.164 via phonenumbers, as shops send them (SPEC §4.1 as amended in the README).

- `+…` is international; so are `00…` and the region's own international call prefix (`0011` in
  Australia, `011` in North America); when the two readings are different valid numbers, the
  number is ambiguous and refused.
- Anything else is read in a region (the order's address country, else the store's region; see
  `rules/phone_of_the_order`). Digits written without `+` may also be an international number in
  WhatsApp's digits-only form: when only that reading is valid it is the number; when the digits
  are also a valid national number of the region, they are ambiguous and refused, since either
  guess could message a stranger.
- Brazilian mobiles written without the ninth digit (`+55 AA 8xxx xxxx`, old WhatsApp ids) get it;
  Mexican mobiles written with the old `1` after +52 lose it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber, PhoneNumberType

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
# Digits with at most the separators people type between them: what WhatsApp ids and
# copy-pasted international numbers look like without their `+`. Brackets or a letter mark a
# number written the national way; a leading 0 is a trunk prefix (no country code starts with 0).
_BARE_DIGITS = re.compile(r"[1-9][0-9 .\-]*")
_SEPARATORS = str.maketrans("", "", " .-")


def _spaced(raw: str) -> str:
    """`raw` with every Unicode whitespace character (str.isspace: tabs, line breaks, the
    no-break, narrow no-break, thin and figure spaces locales group digits with) read as a
    space, and every format character (category Cf: the direction marks and isolates a number
    copied out of a right-to-left page or a chat carries, zero-width spaces and joiners, the
    soft hyphen) dropped; phonenumbers knows only a few of them (SPEC §4.1: spaces are ignored)."""
    if raw.isascii() and raw.isprintable():  # as nearly every phone comes
        return raw
    return "".join(" " if char.isspace() else "" if unicodedata.category(char) == "Cf" else char for char in raw)


AMBIGUOUS_HINT = "write it with + and the country code"


@dataclass(frozen=True)
class Phone:
    """`e164` such as "+33612345678"; `type` a number type name ("mobile", "fixed_line", …),
    which `app.domain.whatsapp` reads to tell whether WhatsApp can reach the number."""

    e164: str
    type: str


class InvalidPhone(ValueError):
    """The text is no valid phone number (ErrorCode.INVALID_PHONE)."""


class AmbiguousPhone(InvalidPhone):
    """Digits without `+` valid both as an international number and as a national number of the
    region, and not the same number (ErrorCode.AMBIGUOUS_PHONE)."""


@lru_cache(maxsize=65536)
def parse_phone(raw: str, region: str | None) -> Phone:
    """The phone `raw` means, national numbers read in `region` (ISO 3166 alpha-2 or None).
    Parsed once per distinct (string, region): many orders share a phone. Raises InvalidPhone,
    or AmbiguousPhone (a subclass) for digits that are two different valid numbers."""
    if len(raw) > _MAX_RAW_LENGTH:
        raise InvalidPhone("The phone number is too long.")
    text = _spaced(raw).strip()
    if text.startswith("+"):
        found = _valid(text, None)
        if found is None:
            raise InvalidPhone(_why_invalid(text, None))
        return found
    abroad = _dialled_abroad(text, region)
    if abroad:
        found = _international(text, region)
        if found is not None:
            return found
        if text.startswith("00"):  # no country begins a national number with 00
            raise InvalidPhone(_why_invalid("+" + text[2:], None))
    national = _valid(text, region) if region else None
    international = _valid("+" + text, None) if _BARE_DIGITS.fullmatch(text) else None
    if national is not None and international is not None and national != international:
        raise AmbiguousPhone(
            f"The phone number is ambiguous: {national.e164} here or {international.e164} abroad; {AMBIGUOUS_HINT}."
        )
    found = national or international
    if found is None:  # dialled with the region's international prefix: no national number meant
        raise InvalidPhone(_why_invalid(text, region, names_region=not abroad))
    return found


def _dialled_abroad(text: str, region: str | None) -> bool:
    """Whether `text` starts with an international call prefix: `00` (most of the world, and
    what travellers type), or the region's own (`0011` in Australia, `009` in Nigeria, `011` in
    North America; ITU-T E.164 Annex, as phonenumbers' metadata has it)."""
    return text.startswith("00") or (region is not None and _region_prefix(region).match(_digits(text)) is not None)


def _international(text: str, region: str | None) -> Phone | None:
    """A number dialled with an international prefix: read with the region's own prefix (and
    carrier codes: Nigeria's `009 1 268…` is Antigua, Colombia's `009 …` a carrier's) and as
    `00` → `+` (a French customer's `0033…` in a US store). Both valid and different: ambiguous
    (AmbiguousPhone). None when neither is a valid number (the digits may still be a national
    number that begins like the region's prefix)."""
    local = _valid(text, region) if region and _region_prefix(region).match(_digits(text)) else None
    plus = _valid("+" + text[2:], None) if text.startswith("00") else None
    if local is not None and plus is not None and local != plus:
        raise AmbiguousPhone(
            f"The phone number is ambiguous: {plus.e164} or, dialled from here, {local.e164}; {AMBIGUOUS_HINT}."
        )
    return plus or local


@lru_cache(maxsize=512)
def _region_prefix(region: str) -> re.Pattern[str]:
    metadata = PhoneMetadata.metadata_for_region(region.upper())
    pattern = metadata.international_prefix if metadata is not None and metadata.international_prefix else "00"
    return re.compile(pattern)


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _read(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _valid(text: str, region: str | None) -> Phone | None:
    number = _read(text, region)
    if number is None:
        return None
    number = without_mexican_mobile_one(with_brazilian_ninth_digit(number))
    # A number is valid exactly when its region's metadata gives it a type: one lookup, not
    # is_valid_number's and then number_type's.
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, type=_TYPE_NAMES.get(kind, "unknown"))


def _why_invalid(text: str, region: str | None, names_region: bool = True) -> str:
    """Why `text` is no phone: unreadable, or no valid number; one read as a national number
    names the region it was read in (`names_region`), which may not be the one its sender meant
    (an order shipped abroad is read in the shipping country)."""
    if _read(text, region) is None:
        return "The phone number could not be read."
    if region is None or text.startswith("+") or not names_region:
        return "The phone number is not a valid number."
    return f"The phone number is not a valid {region} number; {AMBIGUOUS_HINT}."


_BRAZIL = 55


def with_brazilian_ninth_digit(number: PhoneNumber) -> PhoneNumber:
    """A Brazilian mobile written the pre-2016 way, two-digit area code then 8 digits starting
    6-9, as the nine-digit mobile it now is (Anatel: every mobile number got a leading 9, area by
    area, 2012-2016; 8-digit numbers starting 2-5 are fixed lines). Other numbers are returned as
    they are; the result is checked for validity by the caller."""
    national = str(number.national_number)
    if number.country_code != _BRAZIL or len(national) != 10 or national[2] not in "6789":
        return number
    return PhoneNumber(country_code=_BRAZIL, national_number=int(national[:2] + "9" + national[2:]))


_MEXICO = 52


def without_mexican_mobile_one(number: PhoneNumber) -> PhoneNumber:
    """A Mexican mobile written with the `1` that mobiles took after +52 until 2019 (`+52 1 55
    1234 5678`, the form WhatsApp ids still carry) as the ten-digit number it is now (IFT:
    the `1` was dropped on 2019-08-03). Other numbers are returned as they are."""
    national = str(number.national_number)
    if number.country_code != _MEXICO or len(national) != 11 or not national.startswith("1"):
        return number
    return PhoneNumber(country_code=_MEXICO, national_number=int(national[1:]))
