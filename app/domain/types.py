"""Annotated field types for the command models; each rejects with a stable error code."""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Annotated, Any, ClassVar
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from .consent import ConsentState
from .country import COUNTRY_CODES
from .currency import CURRENCY_CODES
from .errors import ErrorCode
from .json_values import exact_decimal, is_long_whole
from .money import MAX_AMOUNT, MAX_DECIMALS, MINOR_UNITS, QUANTA, decimal_places
from .phone import AmbiguousPhone, InvalidPhone, Phone, parse_phone
from .platform_names import LINE_ITEM_NAMES, line_item_in_our_names
from .rules import happened_not_ahead
from .rules.source_time_not_ahead import too_far_ahead
from .statuses import CartStatus, ShipmentStatus, order_status
from .text import is_blank, trimmed

MAX_JSON_DEPTH = 32


def _fail(code: ErrorCode, message: str) -> PydanticCustomError:
    return PydanticCustomError(code, message)


# ASCII digits only: Decimal() would also read other scripts' digits ("١٢" is 12). Around
# them any whitespace `str.strip` cuts (Unicode's \s is str.isspace: no-break spaces too, as a
# blank or a currency code is read; SPEC §10).
_NUMERIC = re.compile(r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$")
_MAX_EXPONENT = 30  # beyond this, no amount or quantity is meant
_EXPONENTS = (-_MAX_EXPONENT, _MAX_EXPONENT)
_ZERO = Decimal(0)


def _number(value: Any) -> Decimal:
    if value.__class__ is Decimal:  # what a JSON body's numbers with decimals are: no copy
        number = value
    elif isinstance(value, bool):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a number.")
    elif isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _NUMERIC.match(value):
        number = exact_decimal(value.strip())
    else:
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a number.")
    if not number.is_finite():
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a finite number.")
    if number:
        exponent = number.adjusted()
        if exponent > _MAX_EXPONENT:
            raise _fail(ErrorCode.OUT_OF_RANGE, "The number is out of range.")
        if exponent < -_MAX_EXPONENT:
            raise _fail(ErrorCode.TOO_PRECISE, "The number has too many decimals.")
    return number


def _in_range(number: Decimal, below: Decimal | None) -> None:
    if number < 0:
        raise _fail(ErrorCode.OUT_OF_RANGE, "Must be greater than or equal to 0.")
    if below is not None and number >= below:
        raise _fail(ErrorCode.OUT_OF_RANGE, f"Must be less than {below}.")


def _non_negative(number: Decimal) -> Decimal:
    """A line-item quantity: >= 0, at most 4 decimals."""
    _in_range(number, None)
    if decimal_places(number) > MAX_DECIMALS:
        raise _fail(ErrorCode.TOO_PRECISE, f"At most {MAX_DECIMALS} decimals are accepted.")
    return number.copy_abs()  # -0 is 0


CURRENCY_CONTEXT = "currency"


def _money(value: Any, info: ValidationInfo) -> Decimal:
    """An amount >= 0, under 10^14, with no more decimals than its currency's ISO 4217 minor
    unit (`too_precise`): the command puts its currency in the validation context
    (`commands.Priced`); without one, 4 decimals (SPEC §3.1, as amended in the README).
    -0 is returned as 0."""
    if (
        value.__class__ is Decimal
        and value.is_finite()
        and (not value or _EXPONENTS[0] <= value.adjusted() <= _EXPONENTS[1])
    ):
        amount = value  # what `_number` returns for a JSON body's number, without its call
    else:
        amount = _number(value)
    # _in_range, written out: this runs for every amount of every order
    if amount < _ZERO:  # a Decimal: spared converting 0 on every comparison
        raise _fail(ErrorCode.OUT_OF_RANGE, "Must be greater than or equal to 0.")
    if amount >= MAX_AMOUNT:
        raise _fail(ErrorCode.OUT_OF_RANGE, f"Must be less than {MAX_AMOUNT}.")
    currency = info.context.get(CURRENCY_CONTEXT) if info.context else None
    allowed = MINOR_UNITS.get(currency, MAX_DECIMALS) if currency else MAX_DECIMALS  # max_decimals_of
    # Exact: under 10^14 with at most 4 decimals fits the context's 28 digits.
    if amount.quantize(QUANTA[allowed]) != amount:
        if allowed == MAX_DECIMALS:
            raise _fail(ErrorCode.TOO_PRECISE, f"At most {MAX_DECIMALS} decimals are accepted.")
        unit = "no decimals" if allowed == 0 else f"at most {allowed} decimals"
        raise _fail(ErrorCode.TOO_PRECISE, f"{currency} amounts have {unit}.")
    return amount.copy_abs()


DATETIME_HINT = "Must be an RFC 3339 datetime, e.g. 2026-05-18T10:00:00Z."
# An instant past what a date holds once in UTC (years 1 to 9999), or rounded up past it.
DATETIME_OUT_OF_RANGE = "The datetime is out of range."
LEAP_SECOND_OUT_OF_PLACE = "A leap second (:60) is only the last second of a UTC month (RFC 3339 §5.7)."
# A calendar date and a time of day in ISO 8601's extended format (§4.3.2): RFC 3339 §5.6
# `date-time`, its offset optional (SPEC §3.1: none means UTC), and the two liberties relayed
# shop payloads take with it, which read as one instant only: seconds left out (10:00Z), an
# offset without its colon or its minutes (+0200, +02: PHP's DATE_ISO8601). fromisoformat also
# reads week dates (2026-W01-1), ordinal dates, the basic format (20260101T100000), a decimal
# comma, offsets with seconds, a bare "." and other scripts' digits: none of them.
_DATE_TIME = re.compile(
    r"\d{4}-\d\d-\d\d"  # full-date
    r"[Tt ]"  # §5.6 NOTE: "t", or a space, may stand for "T"
    r"\d\d:\d\d(?::\d\d(?:\.\d+)?)?"  # partial-time, `time-secfrac = "." 1*DIGIT`; seconds optional
    # time-offset, its colon and minutes optional: hours 00-23, minutes 00-59 (§5.6
    # `time-numoffset`), which fromisoformat does not check (+01:99 read as +02:39)
    r"(?:[Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?",
    re.ASCII,  # DIGIT is ASCII
)
# RFC 3339 §5.6: the seconds of a leap second are 60; Python's datetime has no such second.
_LEAP_SECOND = re.compile(r"(.{10}[T ]\d\d:\d\d):60(\D.*)?\Z", re.DOTALL)


def parse_utc_datetime(text: str) -> datetime:
    """An RFC 3339 §5.6 `date-time` (`T`, `t` or a space between date and time, `Z` or `z`,
    fractions of any length, kept to the microsecond, the rest cut, `-00:00`, any offset), or
    one with its seconds left out or its offset as `+0200` or `+02` (`_DATE_TIME`), and no
    other ISO 8601 form; a value without offset is UTC. A leap second (`23:59:60Z`) is accepted
    only where RFC 3339 §5.7 puts one, the last second of a UTC month, and is kept as the last
    microsecond before the next minute (23:59:59.999999): Python, POSIX time and both engines
    have no 61st second, and that instant keeps it after every earlier one. Raises ValueError."""
    text = text.strip()
    if not _DATE_TIME.fullmatch(text):
        raise ValueError(DATETIME_HINT)
    text = text.upper()  # RFC 3339 §5.6 NOTE: "T" and "Z" may be lower case
    if text.startswith("0000"):  # RFC 3339's year 0, which Python's datetime has not
        return _in_year_zero(text)
    leap = _LEAP_SECOND.match(text) if ":60" in text else None  # the regex only where it can match
    if leap:
        text = f"{leap[1]}:59{leap[2] or ''}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(DATETIME_HINT) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        moment = parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(DATETIME_OUT_OF_RANGE) from None
    if leap:
        if (moment.hour, moment.minute) != (23, 59) or moment.day != monthrange(moment.year, moment.month)[1]:
            raise ValueError(LEAP_SECOND_OUT_OF_PLACE)
        moment = moment.replace(microsecond=999_999)
    return moment


def _in_year_zero(text: str) -> datetime:
    """A `date-time` of year 0000 (RFC 3339 §5.6 `date-fullyear = 4DIGIT`), upper case: out of
    range, or, with an offset behind UTC on its last day, an instant of year 1. It is read 400
    years later, the Gregorian calendar's whole cycle (146,097 days: the same leap days), and
    taken back. Raises ValueError: `DATETIME_OUT_OF_RANGE`, or as `parse_utc_datetime` for a
    text that is no time or a leap second out of place."""
    later = parse_utc_datetime(f"0400{text[4:]}")
    if later.year < 401:
        raise ValueError(DATETIME_OUT_OF_RANGE)
    return later.replace(year=later.year - 400)


_PAST_THE_MICROSECOND = re.compile(r"\.\d{6}(\d+)")


def parse_utc_bound(text: str) -> datetime:
    """An instant that bounds a period or a filter (`from`, `to`, `placedAfter`,
    `placedBefore`, the CLI's `--since`): as `parse_utc_datetime`, but a fraction past the
    microsecond that is not all zeros rounds up to the next microsecond, where a stored instant
    keeps the microsecond it falls in. Every stored instant is a whole microsecond, so a
    half-open [from, to), a `>=` or a `<` then holds exactly the instants the bound as written
    holds: cut down, `from` 10:00:00.0000001 took in an order placed at 10:00:00, and `to` of
    that instant left it out. A leap second keeps its last microsecond. Raises ValueError."""
    moment = parse_utc_datetime(text)
    beyond = _PAST_THE_MICROSECOND.search(text)
    if beyond is None or not beyond[1].strip("0") or ":60" in text:
        return moment
    try:
        return moment + timedelta(microseconds=1)
    except OverflowError:
        raise ValueError(DATETIME_OUT_OF_RANGE) from None


def _utc_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be an RFC 3339 datetime string.")
    try:
        return parse_utc_datetime(value)
    except ValueError as exc:
        raise _fail(ErrorCode.INVALID_DATETIME, str(exc)) from None


@lru_cache(maxsize=65536)
def _valid_email(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)
        return True
    except EmailNotValidError:
        return False


def _email(value: Any) -> str:
    """Syntax only (no DNS), cached per distinct string since customers recur; stored as sent
    but for surrounding whitespace, which platforms leave in from checkout forms."""
    if not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a string.")
    email = value.strip()
    if len(email) > 255:
        raise _fail(ErrorCode.TOO_LONG, "Must be at most 255 characters.")
    if not _valid_email(email):
        raise _fail(ErrorCode.INVALID_EMAIL, "Must be a valid email address.")
    return email


def _currency(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a string.")
    code = value.strip().upper()
    if code not in CURRENCY_CODES:
        raise _fail(ErrorCode.INVALID_CURRENCY, "Must be an ISO 4217 currency code, e.g. EUR.")
    return code


def _country(value: Any) -> str | None:
    """An address's country: an ISO 3166-1 alpha-2 code, or one of the few others platforms send
    (`country.PLATFORM_CODES`: `XK`, `AC`, `TA`), upper-cased; blank is none. Any other is
    `invalid_choice` (README "Phones as shops send them", "Platform payloads")."""
    if value is None:  # optional, like the address's other fields
        return None
    if not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a string.")
    code = value.strip().upper()
    if not code:
        return None
    if code not in COUNTRY_CODES:
        raise _fail(ErrorCode.INVALID_CHOICE, "Must be an ISO 3166 alpha-2 country code, e.g. FR.")
    return code


def _http_url(value: Any) -> str:
    """An absolute http(s) URL with a host (`tracking_url`, `recovery_url`; SPEC §3.2, §3.3),
    stored without the whitespace and invisible format characters around it (Unicode's Cf: a
    zero-width space, a word joiner, a byte order mark) that label printers, CSV cells and copied
    links leave, its limit of 1024 characters the stored text's; either inside is no URL. Raises
    PydanticCustomError (`invalid_type`, `too_long`, `invalid_url`)."""
    if not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a string.")
    url = value.strip() if value.isascii() else _without_invisible_ends(value)
    if len(url) > 1024:
        raise _fail(ErrorCode.TOO_LONG, "Must be at most 1024 characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        raise _fail(ErrorCode.INVALID_URL, "Must be an http(s) URL.") from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(_invisible(c) for c in url)
        or _CONTROL.search(url)
        or _EMPTY_LABEL.search(parts.hostname)
    ):
        raise _fail(ErrorCode.INVALID_URL, "Must be an http(s) URL.")
    return url


# No URL holds a control character (Unicode Cc: C0, DEL, C1; RFC 3986 §2), only its
# percent-encoding; a NUL is refused in any text before (`invalid_characters`).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# A host's empty label (`.com`, `a..b`, `example.com..`): no name (RFC 1123 §2.1); one final
# dot is a fully qualified name's.
_EMPTY_LABEL = re.compile(r"^\.|\.\.")


def _invisible(char: str) -> bool:
    """Whitespace, or a format character (Unicode category Cf) that shows nothing."""
    return char.isspace() or (not char.isascii() and unicodedata.category(char) == "Cf")


def _without_invisible_ends(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


# Set in the validation context by an order's or a cart's address that names a country: the
# region the customer's phone is read in before the store's (commands.AttachedByPhone).
ADDRESS_REGION = "address_region"


def _phone(value: Any, info: ValidationInfo) -> Phone:
    if not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a string.")
    context = info.context or {}
    region = context.get(ADDRESS_REGION) or context.get("region")
    try:
        return parse_phone(value, region)
    except AmbiguousPhone as exc:
        raise _fail(ErrorCode.AMBIGUOUS_PHONE, str(exc)) from None
    except InvalidPhone as exc:
        raise _fail(ErrorCode.INVALID_PHONE, str(exc)) from None


_INT64 = 2**63


# Past it a double may not hold a whole number exactly.
_EXACT = 2**53
# The refusal of a number that is not whole but, as a double, past 64-bit integers (`_check_json`).
PAST_64_BITS = "Numbers must be within 64-bit integers' range: past it a 64-bit float keeps no fraction."


def _check_json(value: Any, levels_left: int) -> None:
    """Free-form JSON must stay shallow and hold numbers every engine can store (README
    "Free-form JSON"; RFC 8259 §6: a number is its value, whatever its spelling): a whole value
    a signed 64-bit integer, another a finite double. So a whole value past 64 bits is refused
    however it is written (`10000000000000000000`, `1e19`, `10000000000000000000.0`), where
    written with an exponent or a point it was stored as a double. A value that is not whole is
    stored as its double, an integer when that double is whole (`json_values.json_default`), so
    within the same range (`…0000.5` was stored as the whole 1e+19, refused when sent back).
    Raises PydanticCustomError (`too_deep`, `out_of_range`)."""
    if value.__class__ is str:  # the most common leaf: nothing to check
        return
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        if levels_left == 0:
            raise _fail(ErrorCode.TOO_DEEP, f"Must not be nested more than {MAX_JSON_DEPTH} levels deep.")
        for item in value:
            if item.__class__ is not str:  # the common leaf, spared a call
                _check_json(item, levels_left - 1)
    elif isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        raise _fail(ErrorCode.OUT_OF_RANGE, "Integers must fit in 64 bits.")
    elif isinstance(value, Decimal) and not (value.is_finite() and -_EXACT < value < _EXACT):
        _check_large_number(value)


def _check_large_number(value: Decimal) -> None:
    """`_check_json`'s rule for a number a double may not hold exactly (past 2^53)."""
    if not value.is_finite():
        raise _fail(ErrorCode.OUT_OF_RANGE, "Numbers must fit in a 64-bit float.")
    if value == value.to_integral_value():
        if not -_INT64 <= value < _INT64:
            raise _fail(ErrorCode.OUT_OF_RANGE, "Integers must fit in 64 bits.")
    elif not -_INT64 <= float(value) < _INT64:
        # The double it is stored as, whole past 2^53 and stored as that integer
        # (`json_values.json_default`): 2^63 - 0.5 is the double 2^63, past 64 bits.
        raise _fail(ErrorCode.OUT_OF_RANGE, PAST_64_BITS)


_INT_BELOW = 10 ** (_MAX_EXPONENT + 1)  # the integers `_number` takes: at most 31 digits


def _non_negative_number(value: Any) -> Decimal:
    """A number, or a numeric string as platforms send quantities (`"1"`), like an amount."""
    if value.__class__ is int and 0 <= value < _INT_BELOW:  # the usual quantity: what the checks give
        return Decimal(value)
    return _non_negative(_number(value))


def _free_form_json(value: Any) -> Any:
    if value.__class__ is dict:  # `_check_json`'s first level, strings spared a call
        for item in value.values():
            if item.__class__ is not str:
                _check_json(item, MAX_JSON_DEPTH - 1)
    else:
        _check_json(value, MAX_JSON_DEPTH)
    return value


def _empty_list_if_null(value: Any) -> Any:
    return [] if value is None else value


def _tag_list(value: Any) -> Any:
    """Tags as a list, or as Shopify writes them: one comma-separated string (`"vip, web"`;
    `""` is none). Any other value (`123`, `true`, an object) is `invalid_type`, its message
    naming both forms, where it said "Must be a list." as if a string were not taken."""
    if isinstance(value, str):
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(ErrorCode.INVALID_TYPE, "Must be a list of strings, or one comma-separated string.")
    return value


def _empty_dict_if_null(value: Any) -> Any:
    return {} if value is None else value


Text = Annotated[str, Field(max_length=255)]
# A text that names a thing a shop relays in several spellings (a shipment's carrier and
# tracking number): its surrounding whitespace is cut, what a copy from a label, a CSV cell or
# another field brings (`rules.same_tracking`). Blank, it is absent before this (SPEC §10).
# Cut before the length is checked: the limit is the stored text's (README "A respelled
# tracking number or carrier"), and pydantic-core still checks it natively after the cut.
TrimmedText = Annotated[str, Field(max_length=255), BeforeValidator(trimmed)]


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise _fail(ErrorCode.INVALID_CHARACTERS, "Must not contain line breaks.")
    return value


ID_FORMS = "Must be a string, or a whole number written without a decimal point or exponent."


def _id_text(value: Any) -> Any:
    """Platforms' ids are often JSON numbers (Shopify's `820982911946154508`): an integer is its
    decimal text, exactly (JSON integers are read whole; past 4,300 digits, as a
    Decimal of exponent 0, whose text is as long and so refused as too long). Any other value
    but text or null is `invalid_type`, its message naming both forms an id takes: a number
    with a decimal point or an exponent (`1e3`, `1.0`, `1.5`) too, whole or not, as it is how a
    float is written and an id that went through a float may have lost digits (README
    "Platform payloads"); true, a list, an object."""
    if value.__class__ is str:  # most ids: spared `is_long_whole`'s call
        return value
    if value.__class__ is int or is_long_whole(value):
        return str(value)
    if value is not None and not isinstance(value, str):
        raise _fail(ErrorCode.INVALID_TYPE, ID_FORMS)
    return value


# An id is also a URL path segment, and a line break cannot be routed back to it.
# The length limits come before the validators so pydantic-core checks them natively: placed
# after a validator they are Python calls of their own.
ExternalId = Annotated[
    str,
    Field(min_length=1, max_length=255),
    BeforeValidator(_id_text),
    AfterValidator(_single_line),
    WithJsonSchema({"type": ["string", "integer"], "minLength": 1, "maxLength": 255}),
]


def _order_status(value: Any) -> Any:
    if value.__class__ is str and value.isascii():  # order_status of ASCII text, without its call
        return value.strip().lower()
    return order_status(value) if isinstance(value, str) else value


Status = Annotated[str, Field(max_length=64), BeforeValidator(_order_status)]  # checked in its stored form


def _choice(enum: type[StrEnum]) -> GetPydanticSchema:
    """One of the enum's values, returned as its member. Checked as a Literal of the values, so the
    error (`literal_error`: `invalid_choice`, "Input should be 'a' or 'b'") and the OpenAPI schema
    (the values inline) are a Literal's."""
    values = [member.value for member in enum]
    return GetPydanticSchema(
        lambda _type, _handler: core_schema.no_info_after_validator_function(enum, core_schema.literal_schema(values))
    )


ShipmentStatusChoice = Annotated[ShipmentStatus, _choice(ShipmentStatus)]
CartStatusChoice = Annotated[CartStatus, _choice(CartStatus)]
ConsentStateChoice = Annotated[ConsentState, _choice(ConsentState)]
_NUMBER_SCHEMA = WithJsonSchema(
    {
        "type": ["number", "string"],
        "pattern": r"^\d+(\.\d{1,4})?$",
        "minimum": 0,
        "exclusiveMaximum": int(MAX_AMOUNT),  # `_money`'s bound, in the document /docs shows
    }
)
Money = Annotated[Decimal, BeforeValidator(_money), _NUMBER_SCHEMA]
NonNegativeNumber = Annotated[
    Decimal, BeforeValidator(_non_negative_number), WithJsonSchema({"type": ["number", "string"], "minimum": 0})
]
UtcDateTime = Annotated[
    datetime, BeforeValidator(_utc_datetime), WithJsonSchema({"type": "string", "format": "date-time"})
]


def _at_most_a_day_ahead(why: str) -> AfterValidator:
    """A time refused, `out_of_range`, when more than a day after now (`too_far_ahead`), with
    `why` it is refused said in its message."""
    message = f"Must be at most a day after now: {why}"

    def check(value: datetime) -> datetime:
        if too_far_ahead(value, datetime.now(UTC)):
            raise _fail(ErrorCode.OUT_OF_RANGE, message)
        return value

    return AfterValidator(check)


# The source's last-modified time of a record (`rules.source_time_not_ahead`).
SourceTime = Annotated[
    UtcDateTime,
    _at_most_a_day_ahead("a source time ahead of the writes that follow it would make them all stale."),
]
# When an order was placed, a cart abandoned or bought: past, give or take a day (`rules.happened_not_ahead`).
PlacedAt = Annotated[UtcDateTime, _at_most_a_day_ahead(happened_not_ahead.PLACED_AT)]
AbandonedAt = Annotated[UtcDateTime, _at_most_a_day_ahead(happened_not_ahead.ABANDONED_AT)]
CompletedAt = Annotated[UtcDateTime, _at_most_a_day_ahead(happened_not_ahead.COMPLETED_AT)]
CurrencyCode = Annotated[
    str,
    BeforeValidator(_currency),
    WithJsonSchema({"type": "string", "minLength": 3, "maxLength": 3, "examples": ["EUR"]}),
]
# RFC 5321 §4.5.3.1.3: an address is at most 254 characters (its path's 256 less the brackets);
# one of 255 is refused `invalid_email`, 256 and more `too_long` (SPEC §3.4's 255).
Email = Annotated[str, BeforeValidator(_email), WithJsonSchema({"type": "string", "format": "email", "maxLength": 254})]
HttpUrl = Annotated[
    str, BeforeValidator(_http_url), WithJsonSchema({"type": "string", "format": "uri", "maxLength": 1024})
]
PhoneNumber = Annotated[
    Phone,
    BeforeValidator(_phone),
    WithJsonSchema(
        {"type": "string", "description": "E.164, or national in the store's region", "examples": ["+33612345678"]}
    ),
]
# A phone as sent, read once the command knows which phone is used and in which region
# (rules/phone_of_the_order).
PHONE_TEXT_LENGTH = 64  # an address's phone, and an order's top-level one (`AttachedByPhone`)
PhoneText = Annotated[
    str,
    Field(max_length=PHONE_TEXT_LENGTH),
    WithJsonSchema({"type": "string", "maxLength": PHONE_TEXT_LENGTH, "examples": ["+33612345678"]}),
]
CountryCode = Annotated[
    str | None,
    BeforeValidator(_country),
    WithJsonSchema({"type": "string", "minLength": 2, "maxLength": 2, "examples": ["FR"]}),
]
Tags = Annotated[
    list[Text],
    BeforeValidator(_tag_list),
    WithJsonSchema(
        {
            "anyOf": [{"type": "array", "items": {"type": "string", "maxLength": 255}}, {"type": "string"}],
            "description": "A list, or one comma-separated string as Shopify sends tags",
        }
    ),
]
MetadataPatch = Annotated[dict[str, Any], AfterValidator(_free_form_json)]
Metadata = Annotated[MetadataPatch, BeforeValidator(_empty_dict_if_null)]


class LineItem(BaseModel):
    """A line item: a JSON object whose keys other than quantity and price are kept as sent.
    Quantity and price, when present, are numbers >= 0, stored as JSON numbers exact to 15
    significant digits; a blank one is one left out (SPEC §10, "Blank strings"). WooCommerce's
    and Magento's `name` is read as the title, Magento's `qty_ordered` (an order item's) or
    `qty` (a quote item's) as the quantity, where ours are absent (README, "Platform payloads")."""

    model_config = ConfigDict(extra="allow")
    # Magento's names of the quantity (`known_fields.read_as`: their errors are the quantity's)
    other_names: ClassVar[Mapping[str, str]] = MappingProxyType(
        {theirs: ours for theirs, ours in LINE_ITEM_NAMES.items() if ours == "quantity"}
    )
    quantity: NonNegativeNumber | None = Field(
        default=None,
        description="A number >= 0 of at most 4 decimals (or its text); stored as a JSON number, exact to 15 "
        "significant digits",
    )
    price: Money | None = Field(
        default=None,
        description="A number >= 0 (or its text) of at most its order's or cart's currency's decimals; stored as "
        "a JSON number, exact to 15 significant digits (99999999999999.99 is answered as 99999999999999.98)",
    )

    @model_validator(mode="before")
    @classmethod
    def _free_form_fields(cls, value: Any) -> Any:
        if isinstance(value, dict):  # the declared fields (quantity, price) are checked by their types
            if not _THEIR_LINE_ITEM_NAMES.isdisjoint(value):  # WooCommerce's and Magento's names
                value = line_item_in_our_names(value)
            typed = _LINE_ITEM_FIELDS
            for name in typed:  # `is_blank` written out: no generator nor call per line item
                given = value.get(name)
                if isinstance(given, str) and (not given or given.isspace()):
                    value = {k: v for k, v in value.items() if not (k in typed and is_blank(v))}
                    break
            # what _free_form_json of the other fields checks, without copying them
            for key, item in value.items():
                if item.__class__ is not str and key not in typed:
                    _check_json(item, MAX_JSON_DEPTH - 1)
        return value

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


# LineItem's declared fields, read once: pydantic's `model_fields` is a property that costs
# microseconds a call, and the check above runs for every line item.
_LINE_ITEM_FIELDS = frozenset(LineItem.model_fields)
_THEIR_LINE_ITEM_NAMES = frozenset(LINE_ITEM_NAMES)  # read by `line_item_in_our_names`

LineItems = Annotated[list[LineItem], BeforeValidator(_empty_list_if_null)]
_MAX_COUNT = 2**62


_WHOLE_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)


def _count(value: Any) -> Any:
    """A count (`lifetime_value`, `orders_count`): a JSON integer, or a numeric string as shops
    send it (`"1299"`, `" 7 "`), read as a line item's quantity is (`_NUMERIC`: ASCII digits,
    a sign, decimals, an exponent, whitespace around) into the number it spells, which the
    count's rules then check as that JSON number: `"7"` is 7, `"12.5"`, `"12.0"` and `"1e3"`
    are not integers (`Must be an integer.`), `"-1"` is below 0. Other text is the quantity's
    `invalid_type`, `Must be a number.`. A whole number past Python's 4,300 digits (a Decimal
    from JSON: `is_long_whole`, or as text) is out of range, as a shorter one past the bound is,
    not of another type."""
    if value.__class__ is int:  # the usual count: spared the checks below
        return value
    if value.__class__ is str:
        if not _NUMERIC.match(value):
            raise _fail(ErrorCode.INVALID_TYPE, "Must be a number.")
        text = value.strip()
        if not _WHOLE_TEXT.fullmatch(text):
            return exact_decimal(text)  # with a point or an exponent: as that JSON number
        if len(text.lstrip("+-").lstrip("0")) <= _MAX_EXPONENT:
            return int(text)
        _count_out_of_range(text.startswith("-"))  # past any count, however many digits
    if is_long_whole(value):
        _count_out_of_range(value < 0)
    return value


def _count_out_of_range(negative: bool) -> None:
    if negative:
        raise _fail(ErrorCode.OUT_OF_RANGE, "Must be greater than or equal to 0.")
    raise _fail(ErrorCode.OUT_OF_RANGE, f"Must be less than or equal to {_MAX_COUNT}.")


Count = Annotated[
    int,
    Field(ge=0, le=_MAX_COUNT, strict=True),
    BeforeValidator(_count),
    WithJsonSchema(
        {
            "type": ["integer", "string"],
            "minimum": 0,
            "maximum": _MAX_COUNT,
            "description": "A whole number, or one written as text",
        }
    ),
]
