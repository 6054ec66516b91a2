"""Phones as shops send them (README, SPEC §4.1 amended): every way a number is written yields the
number meant, or a refusal (`invalid_phone` / `ambiguous_phone`); never another valid number.

The class table: phonenumbers' own example numbers (mobile and fixed line) of many regions,
written in every form shops send, read in many store regions."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from app.domain.phone import AmbiguousPhone, InvalidPhone, Phone, parse_phone

REGIONS = (
    "AR", "AU", "BE", "BR", "CA", "CH", "CL", "CO", "DE", "EG", "ES", "FR", "GB", "IN", "IT", "JP",
    "MA", "MX", "NG", "NL", "PE", "PT", "RU", "SN", "TR", "US", "ZA",
)  # fmt: skip
KINDS = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)


def _examples() -> list[tuple[str, str, phonenumbers.PhoneNumber]]:
    found = []
    for region in REGIONS:
        for kind in KINDS:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.append((region, phonenumbers.format_number(number, PhoneNumberFormat.E164), number))
    return found


EXAMPLES = _examples()


def _outcome(raw: str, region: str | None) -> str:
    """The E.164 read, or the name of the refusal."""
    try:
        return parse_phone(raw, region).e164
    except AmbiguousPhone:
        return "ambiguous"
    except InvalidPhone:
        return "invalid"


def _international_forms(number: phonenumbers.PhoneNumber) -> list[str]:
    plus = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    return [
        plus,
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        "00" + plus[1:],
        plus.replace(" ", "."),
        plus + " ext. 12",
    ]


def _digits_only(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]


def _national_forms(number: phonenumbers.PhoneNumber) -> list[str]:
    written = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return [
        written,
        written.replace(" ", "."),
        written.replace(" ", ""),
        "".join(ch for ch in written if ch.isdigit()),
        str(number.national_number),  # without the trunk prefix
        written + " ext. 12",
    ]


def test_the_table_is_as_large_as_meant() -> None:
    assert len({region for region, _, _ in EXAMPLES}) >= 20
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize(("home", "meant", "number"), EXAMPLES, ids=[f"{r}:{e}" for r, e, _ in EXAMPLES])
def test_international_forms_are_the_number_in_every_store_region(
    home: str, meant: str, number: phonenumbers.PhoneNumber
) -> None:
    for store_region in (*REGIONS, None):
        for raw in _international_forms(number):
            outcome = _outcome(raw, store_region)
            if outcome == "ambiguous":  # `00…` dialled the region's way (its prefix, a carrier code) is another number
                assert raw.startswith("00") and _dialled_from(raw, store_region) not in (None, meant), (
                    raw,
                    store_region,
                )
            else:
                assert outcome == meant, (raw, store_region)


def _dialled_from(raw: str, region: str | None) -> str | None:
    """What phonenumbers reads `raw` as, dialled from `region` (None: not a valid number)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if phonenumbers.is_valid_number(number) else None


@pytest.mark.parametrize(("home", "meant", "number"), EXAMPLES, ids=[f"{r}:{e}" for r, e, _ in EXAMPLES])
def test_digits_only_international_is_the_number_or_refused_as_ambiguous(
    home: str, meant: str, number: phonenumbers.PhoneNumber
) -> None:
    raw = _digits_only(number)
    for store_region in REGIONS:
        outcome = _outcome(raw, store_region)
        assert outcome in (meant, "ambiguous"), (raw, store_region)
        if outcome == "ambiguous":  # only when the digits are also a valid number of the region
            # (BR and MX read more numbers than phonenumbers does: the ninth digit, the old `1`)
            assert phonenumbers.is_valid_number(phonenumbers.parse(raw, store_region)) or store_region in ("BR", "MX")


@pytest.mark.parametrize(("home", "meant", "number"), EXAMPLES, ids=[f"{r}:{e}" for r, e, _ in EXAMPLES])
def test_national_forms_read_in_their_region_are_the_number_or_refused(
    home: str, meant: str, number: phonenumbers.PhoneNumber
) -> None:
    for raw in _national_forms(number):
        assert _outcome(raw, home) in (meant, "ambiguous", "invalid"), raw
    # Written with a trunk prefix or brackets, it is never mistaken for a foreign number.
    printed = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    if printed.startswith("0") or "(" in printed:
        assert _outcome(printed, home) == meant


def test_digits_only_peruvian_mobile_in_a_brazilian_store_is_ambiguous() -> None:
    """The issue's case: read as national it is +55 51 96512-3456, somebody else in Brazil."""
    with pytest.raises(AmbiguousPhone, match=r"write it with \+ and the country code"):
        parse_phone("51965123456", "BR")
    assert parse_phone("+51965123456", "BR").e164 == "+51965123456"
    assert parse_phone("0051965123456", "BR").e164 == "+51965123456"


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+33612345678", "FR", "+33612345678"),
        ("33612345678", "FR", "+33612345678"),  # the store's own country code, digits only
        ("33612345678", "BR", "+33612345678"),  # valid only as international
        ("4915123456789", "US", "+4915123456789"),
        ("5511961234567", "PT", "+5511961234567"),
        ("0612345678", "FR", "+33612345678"),
    ],
)
def test_digits_valid_one_way_only_are_that_number(raw: str, region: str, e164: str) -> None:
    assert parse_phone(raw, region).e164 == e164


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+55 11 8123-4567", None, "+5511981234567"),  # São Paulo, old WhatsApp id
        ("+55 21 7123 4567", None, "+5521971234567"),
        ("+55 84 9123 4567", None, "+5584991234567"),
        ("+55 61 6123 4567", None, "+5561961234567"),
        ("551181234567", "FR", "+5511981234567"),
        ("(11) 8123-4567", "BR", "+5511981234567"),
        ("011 8123 4567", "BR", "+5511981234567"),
        ("+55 11 98123-4567", None, "+5511981234567"),  # already nine digits: unchanged
        ("+55 11 3123-4567", None, "+551131234567"),  # fixed line (2-5): unchanged
        ("+55 11 2123-4567", None, "+551121234567"),
    ],
)
def test_brazilian_mobiles_without_the_ninth_digit_get_it(raw: str, region: str | None, e164: str) -> None:
    assert parse_phone(raw, region).e164 == e164


@pytest.mark.parametrize(
    "raw", ["", "   ", "abc", "+", "00", "+999 123", "0", "1" * 65, "+33 6 12 34 56 78 90 12 34 56"]
)
def test_unreadable_or_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        parse_phone(raw, "FR")
    assert type(caught.value) is InvalidPhone


_HINT = "write it with + and the country code"
# (text, region) -> why it is refused: a number read as a national one names the region it was
# read in (an order shipped abroad reads its phones there), which the sender may not have meant
WHY: dict[tuple[str, str | None], str] = {
    ("06 12 34 56 02", "BE"): f"The phone number is not a valid BE number; {_HINT}.",  # French, shipped to Belgium
    ("12", "FR"): f"The phone number is not a valid FR number; {_HINT}.",
    ("0612", "FR"): f"The phone number is not a valid FR number; {_HINT}.",
    ("(0) 6 12", "DE"): f"The phone number is not a valid DE number; {_HINT}.",
    ("+3361", "FR"): "The phone number is not a valid number.",  # international: no region read
    ("+999 123", "FR"): "The phone number could not be read.",  # no such country code
    ("0033 61", "FR"): "The phone number is not a valid number.",  # 00: international
    ("12", None): "The phone number could not be read.",  # no region to read it in
    # dialled with the region's own international prefix (README): no national number meant
    ("011 33 6 12 34 56 0", "US"): "The phone number is not a valid number.",
    ("011 44 20", "CA"): "The phone number is not a valid number.",
    ("010 33 6 12", "JP"): "The phone number is not a valid number.",
    ("0011 33 6 12", "AU"): "The phone number is not a valid number.",
    ("abc", "FR"): "The phone number could not be read.",
    ("", "FR"): "The phone number could not be read.",
}


@pytest.mark.parametrize(("raw", "region"), list(WHY))
def test_a_refusal_names_the_region_a_national_number_was_read_in(raw: str, region: str | None) -> None:
    with pytest.raises(InvalidPhone) as caught:
        parse_phone(raw, region)
    assert str(caught.value) == WHY[(raw, region)]


def test_parsing_is_cached_per_string_and_region() -> None:
    parse_phone.cache_clear()
    first = parse_phone("+33612345678", "FR")
    assert parse_phone("+33612345678", "FR") is first
    assert parse_phone.cache_info().hits == 1
    assert first == Phone("+33612345678", "mobile")


# (raw, store region) -> the number: each region's own international prefix, and `00` where it is
# not the region's (Brazil's and Colombia's carrier codes make some `00…` ambiguous).
PREFIXES = {
    ("0011 44 20 7946 0018", "AU"): "+442079460018",
    ("0011 33 6 12 34 56 78", "AU"): "+33612345678",
    ("011 33 6 12 34 56 78", "US"): "+33612345678",
    ("0033 6 12 34 56 78", "US"): "+33612345678",
    ("010 33 6 12 34 56 78", "JP"): "+33612345678",
    ("009 1 268 464 1234", "NG"): "ambiguous",  # Antigua dialled from Nigeria, or India
    ("0011 32 12 34 56 78", "AU"): "ambiguous",  # Belgium dialled from Australia, or +1 321…
    ("00 33 6 12 34 56 78", "FR"): "+33612345678",
    ("0031 6 12345678", "NL"): "+31612345678",
}


@pytest.mark.parametrize(("raw", "region"), PREFIXES, ids=[f"{region}:{raw}" for raw, region in PREFIXES])
def test_a_regions_own_international_prefix_is_read(raw: str, region: str) -> None:
    assert _outcome(raw, region) == PREFIXES[(raw, region)]


MEXICO = {"+52 1 55 1234 5678": "+525512345678", "+525512345678": "+525512345678", "+52 55 1234 5678": "+525512345678"}


@pytest.mark.parametrize("raw", MEXICO)
def test_mexican_mobiles_lose_the_old_1(raw: str) -> None:
    """WhatsApp ids still carry the `1` Mexican mobiles had after +52 until 2019."""
    assert _outcome(raw, None) == MEXICO[raw]


# Every Unicode whitespace character (str.isspace) but the space itself, and every format
# character (category Cf: direction marks and isolates, zero-width spaces and joiners, the soft
# hyphen): what locales group digits with, and what a number copied out of a chat or a
# right-to-left page carries (SPEC §4.1: spaces are ignored).
def _characters(wanted: Callable[[str], bool]) -> list[str]:
    return [chr(code) for code in range(sys.maxunicode + 1) if wanted(chr(code))]


SPACES = _characters(lambda char: char.isspace() and char != " ")
FORMATS = _characters(lambda char: unicodedata.category(char) == "Cf")


@pytest.mark.parametrize("char", SPACES, ids=lambda char: f"U+{ord(char):04X}")
def test_any_whitespace_between_and_around_the_digits_is_a_space(char):
    for raw in (f"06{char}12{char}34{char}56{char}78", f"{char}+33{char}6 12 34 56 78{char}", f"33{char}612345678"):
        assert _outcome(raw, "FR") == "+33612345678", raw


@pytest.mark.parametrize("char", FORMATS, ids=lambda char: f"U+{ord(char):04X}")
def test_any_format_character_is_dropped(char):
    for raw in (f"{char}+33 6 12 34 56 78{char}", f"06 12{char} 34 56 78", f"{char}0612345678"):
        assert _outcome(raw, "FR") == "+33612345678", raw


# What is around a number, read as phonenumbers reads it (README, "Phones as shops send them"):
# the text -> the number, in a French store
AROUND = {
    "Tel: 06 12 34 56 78": "+33612345678",
    "tel:+33612345678": "+33612345678",
    "#33612345638": "+33612345638",
    "++33612345622": "+33612345622",
    "+33612345678 ext. 12": "+33612345678",
    "+33612345678 x12": "+33612345678",
    "+33612345678;ext=2": "+33612345678",
    "+1 800 FLOWERS": "+18003569377",
    "06 12 34 56 78 / 06 12 34 56 79": "invalid",
    "+33 6 12 34 56 78 (mobile)": "invalid",
}


@pytest.mark.parametrize(("raw", "read"), AROUND.items())
def test_labels_extensions_and_letters_around_a_number_are_read_as_phonenumbers_reads_them(raw, read):
    assert _outcome(raw, "FR") == read
