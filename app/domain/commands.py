"""Command models: the one place input is validated (REST and GraphQL both call `validate`).

The same models generate the OpenAPI request schemas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import records
from .answers import answer_fields
from .consent import Purpose, PurposeConsent
from .customer_names import IN_ADDRESSES, TOP_LEVEL_NAMES, customer_in_our_names, sent_at
from .errors import ErrorCode, FieldError, ValidationFailed
from .known_fields import kept, read_as
from .money import MINOR_UNITS
from .phone import AmbiguousPhone, InvalidPhone, Phone, parse_phone
from .platform_names import (
    ADDRESS_LINES,
    ADDRESS_NAMES,
    CART_OWN_NAMES,
    CUSTOMER_NAMES,
    ORDER_ITEMS_NAMES,
    ORDER_NAMES,
    ORDER_OWN_NAMES,
    SHIPMENT_OWN_NAMES,
    NotAList,
    addresses_in_our_names,
    in_our_names,
    quote_currency,
)
from .rules.phone_of_the_order import PhoneSource, phone_given, region_for_phone
from .text import is_blank, unsafe_text_errors
from .types import (
    ADDRESS_REGION,
    CURRENCY_CONTEXT,
    PHONE_TEXT_LENGTH,
    AbandonedAt,
    CartStatusChoice,
    CompletedAt,
    ConsentStateChoice,
    Count,
    CountryCode,
    CurrencyCode,
    Email,
    ExternalId,
    HttpUrl,
    LineItems,
    Metadata,
    MetadataPatch,
    Money,
    PhoneNumber,
    PhoneText,
    PlacedAt,
    ShipmentStatusChoice,
    SourceTime,
    Status,
    Tags,
    Text,
    TrimmedText,
    UtcDateTime,
)


# The source's last-modified time: a write older than the stored one is stale (rules/stale_writes).
def _source_updated_at() -> Any:
    return Field(
        default=None,
        description=(
            "The source's last-modified time (RFC 3339): a write older than the stored one changes "
            "nothing; at most a day after now"
        ),
    )


_AT_MOST_A_DAY_AHEAD = "RFC 3339; without an offset it is UTC; at most a day after now"


def without_blank_strings(model: type[BaseModel], data: Any) -> Any:
    """`data` without its blank values of `model`'s fields (`blank_fields`; SPEC §10, issue 11):
    shops relay `""` for "no value". Left out, such a field is absent in every sense: a POST
    stores null (SPEC §3), the embedded-customer merge keeps the contact's value (§4.2), a PATCH
    leaves it alone, and a required one is `required`. So is `[]` in a field holding an object
    (`object_fields`: `metadata: []`, `customer: []`), what PHP's json_encode makes of an empty
    array. The values inside lists and free-form JSON (tags, metadata, line items) stay as sent."""
    if data.__class__ is not dict and not isinstance(data, Mapping):  # a JSON body's dict: no ABC check
        return data
    for value in data.values():  # on every request: a plain loop for a blank or `[]`, rarely sent
        kind = type(value)  # cheaper than `value.__class__` for every value
        if kind is str:
            if not value or value.isspace():
                break
        elif kind is list and not value:
            break
    else:
        return data
    names, objects = blank_fields(model), object_fields(model)
    for key, value in data.items():  # one is: whether it is a field's, no copy unless so
        if value.__class__ is str and (not value or value.isspace()) and key in names:
            break
        if value.__class__ is list and not value and key in objects:
            break
    else:
        return data
    return {
        key: value
        for key, value in data.items()
        if not (key in names and is_blank(value)) and not (key in objects and value.__class__ is list and not value)
    }


@cache
def blank_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` where a blank string is the field left out (SPEC §10: "never a
    422"): its string fields (`string_fields`), and every field no JSON string fills (an
    address, the customer, a consent, line items, metadata, a count), where PHP and relayed
    payloads send `""` for "none". An order's or a cart's `tags` read a string their own way
    (Shopify's comma-separated tags: `""` is no tag, and clears them); a customer's, which
    merge into its contact (`merges_into_contact`), are left out by a blank like any field."""
    properties = model.model_json_schema(mode="validation")["properties"]
    merged = getattr(model, "merges_into_contact", False)
    return string_fields(model) | frozenset(
        name for name, schema in properties.items() if merged or not _reads_text(schema)
    )


@cache
def object_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` holding a JSON object, as its JSON schema says: the commands within
    it (an address, the customer, a consent) and free-form objects (metadata), where an empty PHP
    array, sent as `[]`, is the field left out."""
    properties = model.model_json_schema(mode="validation")["properties"]
    return frozenset(name for name, schema in properties.items() if _holds_an_object(schema))


def _holds_an_object(schema: dict[str, Any]) -> bool:
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    return len(options) == 1 and ("$ref" in options[0] or options[0].get("type") == "object")


def _reads_text(schema: dict[str, Any]) -> bool:
    """Whether a JSON string is among the values `schema` allows (in any `anyOf` option)."""
    kind = schema.get("type")
    if kind == "string" or (isinstance(kind, list) and "string" in kind):
        return True
    return any(_reads_text(option) for option in schema.get("anyOf", ()))


@cache
def string_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` a JSON string fills, as its JSON schema says (text, ids, statuses,
    choices, emails, URLs, currencies, phones, datetimes), so a new field is covered by its type."""
    properties = model.model_json_schema(mode="validation")["properties"]
    return frozenset(name for name, schema in properties.items() if _takes_text(_json_type(schema)))


class Command(BaseModel):
    # Unknown fields are ignored for forward compatibility; known fields a PATCH may not
    # change (readonly_fields) are rejected.
    model_config = ConfigDict(extra="ignore", frozen=True)
    readonly_fields: ClassVar[frozenset[str]] = frozenset()
    # Of those, the ones holding an object in the POST body, where `[]` is the field left out.
    readonly_objects: ClassVar[frozenset[str]] = frozenset()
    merges_into_contact: ClassVar[bool] = False
    # Other names a before-validator reads into a field (another platform's name -> the field):
    # known keys, whose text is checked as the field's (`known_fields.kept`).
    other_names: ClassVar[Mapping[str, str]] = MappingProxyType({})
    # Other names holding lines, line N read into the Nth field, the last one taking the rest.
    other_lines: ClassVar[Mapping[str, tuple[str, ...]]] = MappingProxyType({})
    # Other names read into another command's field (Magento's `customer_email`, the customer's
    # email): known keys too, though no field of this one holds them.
    read_elsewhere: ClassVar[frozenset[str]] = frozenset()

    # `without_blank_strings` itself, called with the model: no Python call in between
    _blank_strings_are_absent = model_validator(mode="before")(classmethod(without_blank_strings))  # type: ignore[arg-type]


def _takes_text(json_type: Any) -> bool:
    """A JSON string fills it: text, or money, which also accepts numeric strings."""
    return json_type == "string" or (isinstance(json_type, list) and "string" in json_type)


def _json_type(schema: dict[str, Any]) -> Any:
    """The JSON type a property's schema allows besides null (`X | None` is `anyOf [X, null]`)."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    return options[0].get("type") if len(options) == 1 else None


class WhatsappConsent(Command):
    """A customer's WhatsApp consent (Shopify's `sms_marketing_consent` is the model):
    a state per purpose, when it was given and where it was collected. At least one purpose.
    No other key with something in it: a misspelt purpose (`utlity`) would otherwise pass
    unread. A consent with nothing in it (every field, whatever its key, null or blank; `{}`)
    is no consent."""

    marketing: ConsentStateChoice | None = None
    utility: ConsentStateChoice | None = None
    consented_at: UtcDateTime | None = Field(
        default=None, description="When the customer gave it (RFC 3339); absent: when it arrives"
    )
    source: Text | None = Field(default=None, description="Where it was collected, e.g. checkout")

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        """Another key holding nothing (`_holds_nothing`: Shopify's `"state": null` relayed
        beside ours) says nothing, and is left out; one with something in it is refused."""
        if isinstance(data, dict):
            unknown = sorted(str(key) for key, value in data.items() if key not in cls.model_fields)
            if not unknown:
                return data
            said = [key for key in unknown if not _holds_nothing(data[key])]
            if said:
                keys = ", ".join(repr(key[:40]) for key in said[:3]) + (", …" if len(said) > 3 else "")
                raise PydanticCustomError(
                    ErrorCode.INVALID, f"Unknown {keys}: give marketing and/or utility (with consented_at, source)."
                )
            return {key: value for key, value in data.items() if key in cls.model_fields}
        return data

    @model_validator(mode="after")
    def _a_purpose(self) -> WhatsappConsent:
        if self.marketing is None and self.utility is None:
            # at the consent's own place (a customer's, or an order's or a cart's customer's)
            raise PydanticCustomError(ErrorCode.INVALID, "Give marketing and/or utility.")
        return self

    def given(self, purpose: Purpose) -> PurposeConsent | None:
        """The consent sent for `purpose`, or None when the purpose is absent."""
        state = self.marketing if purpose == Purpose.MARKETING else self.utility
        return None if state is None else PurposeConsent(state, self.consented_at, self.source)


class CustomerInput(Command):
    # A customer's fields merge into its contact (SPEC §4.2): a blank never overwrites stored
    # contact data (§10), its tags' "" included (`blank_fields`).
    merges_into_contact: ClassVar[bool] = True
    # Magento's `firstname` and `lastname`, read where ours are absent (`platform_names`)
    other_names: ClassVar[Mapping[str, str]] = CUSTOMER_NAMES

    external_id: ExternalId | None = None
    phone: PhoneNumber
    first_name: Text | None = None
    last_name: Text | None = None
    email: Email | None = None
    locale: str | None = Field(default=None, max_length=10)
    tags: Tags | None = None
    lifetime_value: Count | None = None
    orders_count: Count | None = None
    whatsapp_consent: WhatsappConsent | None = None
    updated_at: SourceTime | None = _source_updated_at()

    @model_validator(mode="before")
    @classmethod
    def _platform_names(cls, data: Any) -> Any:
        # a JSON body's dict: no ABC check
        return in_our_names(data, CUSTOMER_NAMES) if data.__class__ is dict or isinstance(data, Mapping) else data

    @field_validator("whatsapp_consent", mode="before")
    @classmethod
    def _blank_consent_is_none(cls, value: Any) -> Any:
        """A consent object whose every field, whatever its key, holds nothing (null, a blank
        string, `[]` or `{}`), `{}` itself included, says nothing: no consent, as an address with
        nothing in it is no address. Platforms relay an unanswered consent so: a form's
        `{"marketing": "", "utility": ""}`, Shopify's `{"state": null, "opt_in_level": null, …}`;
        refusing it lost the whole write. An object with something in it but no purpose, or with
        a key it does not read, stays `invalid` (`WhatsappConsent`)."""
        if isinstance(value, Mapping) and all(_holds_nothing(v) for v in value.values()):
            return None
        return value


def _holds_nothing(value: Any) -> bool:
    """null, a blank string, or an empty list or object: a relayed field left unanswered."""
    return value is None or is_blank(value) or (isinstance(value, (list, Mapping)) and not value)


class EmbeddedCustomer(CustomerInput):
    """The customer of an order or a cart: its phone may be left to an address, and is read in
    the addresses' country (`AttachedByPhone`). Once its command is validated it holds the
    phone used."""

    # Platforms send "" for a phone the checkout did not ask for: as every blank string, it is
    # absent (`without_blank_strings`), and the address's is used.
    phone: PhoneNumber | None = None  # type: ignore[assignment]
    # Not used (the order's or cart's own updated_at decides): any time is taken.
    updated_at: UtcDateTime | None = _source_updated_at()


class PhoneLookup(Command):
    """A customer named by its phone (`GET /customers?phone=…`): a guest buyer's, written without
    a customer id, whom SPEC §3 keys by the phone alone. The phone is read as `POST /customers`
    reads it (E.164, or national in the store's region)."""

    phone: PhoneNumber


class PhoneErasure(Command):
    """An erasure of the contact of a phone (`DELETE /customers?phone=…`, GraphQL's
    `deleteCustomer(phone:)`): a guest buyer's, written without a customer id, whom SPEC §3 keys
    by the phone alone. The phone is read as `POST /customers` reads it (E.164, or national in
    the store's region)."""

    phone: PhoneNumber


class Address(Command):
    """A shipping or billing address, as the platforms send it; stored as sent (the country
    upper-cased). Its phone is read only when it is the one used. WooCommerce's and Magento's
    names for its fields are read where ours are absent (README, "Platform payloads")."""

    other_names: ClassVar[Mapping[str, str]] = ADDRESS_NAMES
    other_lines: ClassVar[Mapping[str, tuple[str, ...]]] = ADDRESS_LINES
    # its `email` (WooCommerce's billing, Magento's) is the customer's where none is given
    read_elsewhere: ClassVar[frozenset[str]] = IN_ADDRESSES

    first_name: Text | None = None
    last_name: Text | None = None
    company: Text | None = None
    address1: Text | None = None
    address2: Text | None = None
    city: Text | None = None
    province: Text | None = None
    zip: Text | None = Field(default=None, max_length=32)
    country_code: CountryCode = Field(default=None, description="ISO 3166 alpha-2, or XK, AC, TA; e.g. FR")
    phone: PhoneText | None = None

    @model_validator(mode="before")
    @classmethod
    def _platform_names(cls, data: Any) -> Any:
        return in_our_names(data) if isinstance(data, Mapping) else data

    def as_json(self) -> dict[str, Any]:
        return self.model_dump()

    @property
    def is_empty(self) -> bool:
        """Every field absent or blank (`{}`, `{"city": ""}`): the address is absent."""
        return all(value is None for value in self.__dict__.values())


class AttachedByPhone(Command):
    """An order or a cart: attached to the contact of the phone it names (SPEC §4.1 amended,
    `rules/phone_of_the_order`). Its fields `shipping_address`, `billing_address` and then
    `customer` (in that order: the customer's check reads the addresses), declared by each
    command. After validation `phone` is the Phone used and `phone_source` where it came from:
    the customer's, else the top-level `phone` (Shopify's order and checkout carry the buyer's
    there; no field holds it, `Priced`'s before-validator notes it in the validation context),
    else an address's. No phone anywhere: `required` on customer.phone; an unreadable one:
    `invalid_phone` or `ambiguous_phone` on the field it came from. The customer's email and
    names absent, Magento's top-level `customer_email`, `customer_firstname`, `customer_lastname`
    and an address's `email` are read into it (`customer_names`, by `Priced`'s before-validator)."""

    read_elsewhere: ClassVar[frozenset[str]] = TOP_LEVEL_NAMES | {PhoneSource.TOP_LEVEL.value}
    # WooCommerce's `billing` and `shipping`, read as the addresses where ours are absent, and
    # Magento's `items`, as the line items
    other_names: ClassVar[Mapping[str, str]] = MappingProxyType({**ORDER_NAMES, **ORDER_ITEMS_NAMES})

    if TYPE_CHECKING:
        customer: EmbeddedCustomer | None
        shipping_address: Address | None
        billing_address: Address | None

    @property
    def phone(self) -> Phone:
        return self._used()[0]

    @property
    def phone_source(self) -> PhoneSource:
        return self._used()[1]

    def _used(self) -> tuple[Phone, PhoneSource]:
        # Pydantic's own dict of private values on the customer, where `_read_the_phone` put it.
        private = self.customer.__pydantic_private__ if self.customer is not None else None
        used: tuple[Phone, PhoneSource] | None = private.get("_used") if private else None
        if used is None:  # only a command built by `validate` is handed on
            raise ValueError("The command was not validated.")
        return used

    @field_validator("shipping_address", "billing_address", mode="after", check_fields=False)
    @classmethod
    def _phones_are_read_in_its_country(cls, address: Address | None, info: ValidationInfo) -> Address | None:
        # The customer's phone is parsed by its own field type, after the addresses: it reads the
        # region there (rules/phone_of_the_order.region_for_phone; shipping first, then billing).
        # An address with nothing in it (platforms send every field "") is no address.
        if address is not None and address.is_empty:
            return None
        if address is not None and address.country_code and info.context is not None:
            info.context.setdefault(ADDRESS_REGION, address.country_code)
        return address

    @field_validator("customer", mode="after", check_fields=False)
    @classmethod
    def _read_the_phone(cls, customer: EmbeddedCustomer | None, info: ValidationInfo) -> EmbeddedCustomer | None:
        top_level = _top_level_phone((info.context or {}).get(TOP_LEVEL_PHONE))
        if "shipping_address" not in info.data or "billing_address" not in info.data:
            return customer  # an address is refused: the command is, whatever its phone
        shipping, billing = info.data["shipping_address"], info.data["billing_address"]
        given = phone_given(
            customer.phone if customer else None,
            top_level,
            shipping.phone if shipping else None,
            billing.phone if billing else None,
        )
        if given is None:
            raise _at(PhoneSource.CUSTOMER.path, ErrorCode.REQUIRED, "The customer.phone field is required.")
        phone, source = given
        if not isinstance(phone, Phone):  # the top-level or an address's phone, as sent
            own = {PhoneSource.SHIPPING_ADDRESS: shipping, PhoneSource.BILLING_ADDRESS: billing}.get(source)
            region = region_for_phone(
                shipping.country_code if shipping else None,
                billing.country_code if billing else None,
                (info.context or {}).get("region"),
                own.country_code if own else None,
            )
            try:
                phone = parse_phone(phone, region)
            except AmbiguousPhone as exc:
                raise _at(source.path, ErrorCode.AMBIGUOUS_PHONE, str(exc)) from None
            except InvalidPhone as exc:
                raise _at(source.path, ErrorCode.INVALID_PHONE, str(exc)) from None
        attached = customer if customer is not None else EmbeddedCustomer()
        # Kept in pydantic's dict of private values, set here only: a declared PrivateAttr would
        # cost every customer a Python call at construction (pydantic's init_private_attributes).
        object.__setattr__(attached, "__pydantic_private__", {"_used": (phone, source)})
        return attached


# The validation context's key for the top-level `phone` as sent (`Priced`'s before-validator).
TOP_LEVEL_PHONE = "top_level_phone"


def _top_level_phone(sent: Any) -> str | None:
    """The order's or cart's top-level `phone` as sent, checked as an address's phone is
    (`types.PhoneText`): None when absent, null or blank (SPEC §10); a value other than a string is
    `invalid_type` and text over 64 characters `too_long`, both at `phone`, the name sent."""
    if sent is None or is_blank(sent):
        return None
    if sent.__class__ is not str:
        raise _at(PhoneSource.TOP_LEVEL.path, ErrorCode.INVALID_TYPE, "Must be a string.")
    if len(sent) > PHONE_TEXT_LENGTH:
        raise _at(PhoneSource.TOP_LEVEL.path, ErrorCode.TOO_LONG, f"Must be at most {PHONE_TEXT_LENGTH} characters.")
    return sent


def _at(path: tuple[str, ...], code: ErrorCode, message: str) -> PydanticCustomError:
    """An error placed at `path` from the input's root, wherever the validator raising it runs."""
    return PydanticCustomError(code, message, {"at": tuple(str(part) for part in path)})


class Priced(Command):
    """An order or a cart: its amounts are checked against its currency's minor unit."""

    # The platforms' names for the command's own fields (`platform_names.ORDER_OWN_NAMES`), read
    # first: the currency among them.
    own_names: ClassVar[Mapping[str, str]] = MappingProxyType({})

    @model_validator(mode="before")
    @classmethod
    def _blank_strings_are_absent(cls, data: Any, info: ValidationInfo) -> Any:
        """Command's, and before the amounts are validated, the currency noted in the validation
        context for their `_money` check (one Python call, not two): a known ISO 4217 code, else
        none (an invalid one is reported on `currency`). The customer's fields sent elsewhere are
        read into it here too (`customer_names`; an order and a cart are both `AttachedByPhone`),
        after WooCommerce's `billing` and `shipping` are read as its addresses and Magento's
        `items` as its line items (`platform_names`), and the top-level `phone` (Shopify's) noted
        in the context for `AttachedByPhone`. The command's own fields sent under a platform's
        name (`own_names`: Magento's `order_currency_code`) are read first, and Magento's
        quote's `currency` object as its code (`platform_names.quote_currency`)."""
        if data.__class__ is dict:  # a REST body: GraphQL's inputs take our names only
            if not data.keys().isdisjoint(cls.own_names):
                data = in_our_names(data, cls.own_names)
            if data.get("currency").__class__ is dict:  # Magento's quote
                data = {**data, "currency": quote_currency(data["currency"])}
        if info.context is not None and isinstance(data, (dict, Mapping)):
            code = data.get("currency")
            code = code.strip().upper() if isinstance(code, str) else None
            info.context[CURRENCY_CONTEXT] = code if code in MINOR_UNITS else None
            info.context[TOP_LEVEL_PHONE] = data.get(PhoneSource.TOP_LEVEL.value)
        data = without_blank_strings(cls, data)
        if data.__class__ is dict:  # a REST body: GraphQL's inputs take our names only
            if "billing" in data or "shipping" in data:  # WooCommerce's
                data = addresses_in_our_names(data)
            if "items" in data:  # Magento's
                data = in_our_names(data, ORDER_ITEMS_NAMES)
        return customer_in_our_names(data)


class OrderInput(Priced, AttachedByPhone):
    own_names: ClassVar[Mapping[str, str]] = ORDER_OWN_NAMES
    other_names: ClassVar[Mapping[str, str]] = MappingProxyType({**AttachedByPhone.other_names, **ORDER_OWN_NAMES})

    external_id: ExternalId
    placed_at: PlacedAt = Field(description=f"When it was placed ({_AT_MOST_A_DAY_AHEAD})")
    total_price: Money
    currency: CurrencyCode | None = None
    financial_status: Status | None = None
    fulfillment_status: Status | None = None
    shipping_address: Address | None = None
    billing_address: Address | None = None
    customer: EmbeddedCustomer | None = Field(default=None, validate_default=True)
    line_items: LineItems = Field(default_factory=list)
    tags: Tags = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=dict)
    updated_at: SourceTime | None = _source_updated_at()


class ShipmentInput(Command):
    """A shipment. Shopify's fulfillment names are read where ours are absent (null or blank) and
    dropped where ours are present (README, "Platform payloads"): `tracking_company` as
    `carrier`, and the first non-blank text of `tracking_numbers` and `tracking_urls` as
    `tracking_number` and `tracking_url`."""

    other_names: ClassVar[Mapping[str, str]] = SHIPMENT_OWN_NAMES

    external_id: ExternalId
    order_external_id: ExternalId
    tracking_number: TrimmedText | None = None
    tracking_url: HttpUrl | None = None
    carrier: TrimmedText | None = None
    status: ShipmentStatusChoice | None = None
    metadata: Metadata = Field(default_factory=dict)
    updated_at: SourceTime | None = _source_updated_at()

    @model_validator(mode="before")
    @classmethod
    def _blank_strings_are_absent(cls, data: Any) -> Any:
        """Command's, after Shopify's names are read into ours (a REST body: GraphQL's inputs take
        our names only), so that a blank one of ours is theirs to fill."""
        if data.__class__ is dict and not data.keys().isdisjoint(SHIPMENT_OWN_NAMES):
            data = in_our_names(data, SHIPMENT_OWN_NAMES)
        return without_blank_strings(cls, data)

    @field_validator("tracking_number", "tracking_url", mode="before")
    @classmethod
    def _a_list_of_texts(cls, value: Any) -> Any:
        # `tracking_numbers: [1]` is refused where it was sent, not as a tracking number of ours
        if value.__class__ is NotAList:
            raise _at((value.name,), ErrorCode.INVALID_TYPE, "Must be a list of strings.")
        return value


class CartInput(Priced, AttachedByPhone):
    own_names: ClassVar[Mapping[str, str]] = CART_OWN_NAMES
    other_names: ClassVar[Mapping[str, str]] = MappingProxyType({**AttachedByPhone.other_names, **CART_OWN_NAMES})

    external_id: ExternalId
    abandoned_at: AbandonedAt = Field(description=f"When it was abandoned ({_AT_MOST_A_DAY_AHEAD})")
    completed_at: CompletedAt | None = Field(
        default=None,
        description=(
            f"When the checkout was bought, Shopify's `completed_at` ({_AT_MOST_A_DAY_AHEAD}): a purchase, "
            "no recovery; null or absent until then"
        ),
    )
    total_price: Money
    currency: CurrencyCode | None = None
    recovery_url: HttpUrl | None = None
    shipping_address: Address | None = None
    billing_address: Address | None = None
    customer: EmbeddedCustomer | None = Field(default=None, validate_default=True)
    line_items: LineItems = Field(default_factory=list)
    tags: Tags = Field(default_factory=list)
    metadata: Metadata = Field(default_factory=dict)
    updated_at: SourceTime | None = _source_updated_at()


class OrderUpdate(Command):
    """PATCH: only the fields present change; `fields_set` tells absent from explicit null."""

    financial_status: Status | None = None
    fulfillment_status: Status | None = None
    tags: Tags | None = None
    metadata: MetadataPatch | None = Field(default=None, description="JSON merge patch (RFC 7386)")
    updated_at: SourceTime | None = _source_updated_at()


class CartUpdate(Command):
    status: CartStatusChoice | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status_not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError(ErrorCode.REQUIRED, "The status cannot be null.")
        return value

    recovery_url: HttpUrl | None = None
    tags: Tags | None = None
    metadata: MetadataPatch | None = Field(default=None, description="JSON merge patch (RFC 7386)")
    updated_at: SourceTime | None = _source_updated_at()


def _known_but_not_patchable(update: type[Command], post: type[Command], record: type[Any]) -> frozenset[str]:
    """What a PATCH may not change (SPEC §3.1: 422 `not_allowed`): every field the API knows of
    the resource — its POST body's, the other names it reads (`customer_email`, as `customer`
    itself), and its answers' (`answers.answer_fields`: the record's, `automations`) — but those
    the PATCH model takes."""
    known = set(post.model_fields) | set(post.other_names) | post.read_elsewhere | answer_fields(record)
    return frozenset(known - set(update.model_fields))


def _objects_of(post: type[Command]) -> frozenset[str]:
    """The POST body's fields holding an object, and the other names read into them
    (WooCommerce's `billing`): where `[]` is the field left out."""
    objects = object_fields(post)
    return objects | frozenset(theirs for theirs, ours in post.other_names.items() if ours in objects)


OrderUpdate.readonly_fields = _known_but_not_patchable(OrderUpdate, OrderInput, records.Order)
CartUpdate.readonly_fields = _known_but_not_patchable(CartUpdate, CartInput, records.Cart)
OrderUpdate.readonly_objects = OrderUpdate.readonly_fields & _objects_of(OrderInput)
CartUpdate.readonly_objects = CartUpdate.readonly_fields & _objects_of(CartInput)


C = TypeVar("C", bound=Command)


def validate(model: type[C], data: Any, region: str | None = None, text_checked: bool = False) -> C:
    """Validate input into a command, or raise ValidationFailed listing every failing field.
    `data` is a parsed JSON body (REST) or a mapping view of a GraphQL input; `region` (ISO
    3166 alpha-2) reads national phone numbers (SPEC §4.1); `text_checked`: the JSON text `data`
    was parsed from writes no NUL nor lone surrogate (`text.may_hold_unsafe_text`), so none of
    its strings holds one. Both entry points call this once, at the edge, and hand the command
    to the service."""
    unsafe = [] if text_checked else unsafe_text_errors(data)
    if unsafe:  # unknown fields are ignored, whatever text they hold
        unsafe = [error for error in unsafe if kept(model, error.path)]
    found = unsafe + _readonly_errors(model, data) if model.readonly_fields else unsafe  # PATCH only
    try:
        # BaseModel.model_validate's own call, without its Python frame
        command: C = model.__pydantic_validator__.validate_python(data, context={"region": region})
    except ValidationError as exc:
        # text no engine can store is reported once, as such, not again by the field's own type
        refused = {error.path for error in unsafe} | {read_as(model, error.path) for error in unsafe}
        # nor again within it: a comma-separated tags string is refused whole, not tag by tag
        found.extend(
            error
            for error in _field_errors(exc, model, data)
            if not any(error.path[:n] in refused for n in range(1, len(error.path) + 1))
        )
    if found:
        raise ValidationFailed(found)
    return command


def _readonly_errors(model: type[Command], data: Any) -> list[FieldError]:
    """A PATCH's fields it may not change, each `not_allowed` (SPEC §3.1) — but one sent blank,
    or `[]` (PHP's empty array) where the POST body holds an object (`readonly_objects`): that
    is the field left out (SPEC §10: a blank is "never a 422"), as in every other field. `[]`
    in a list field (`line_items`) is the empty list, a value: refused."""
    if not model.readonly_fields or not isinstance(data, dict):
        return []
    return [
        FieldError((name,), ErrorCode.NOT_ALLOWED, f"The {name} field cannot be changed with PATCH.")
        for name, value in data.items()
        if name in model.readonly_fields
        and not is_blank(value)
        and not (value == [] and name in model.readonly_objects)
    ]


def _field_errors(exc: ValidationError, model: type[Command], data: Any) -> list[FieldError]:
    # a value read into the customer from another name is refused at the name sent
    located = sent_at if issubclass(model, AttachedByPhone) else None
    found: list[FieldError] = []
    for error in exc.errors(include_url=False):
        placed = (error.get("ctx") or {}).get("at")
        path = tuple(placed or error["loc"])
        if located is not None:
            path = located(data, path)
        kind = error["type"]
        if error.get("input", "") is None and kind.endswith("_type") and placed is None:
            kind = "missing"  # null in a required field reads as missing (not an error placed elsewhere)
        message = _message(kind, path, error["msg"], error.get("ctx") or {})
        found.append(FieldError(path, _code(kind, error["msg"]), message))
    # a customer's name read from an address is refused at the address's field, as the address's
    # own error is (`sent_at`): the same error, reported once
    return list(dict.fromkeys(found))


_PYDANTIC_CODES = {
    "missing": ErrorCode.REQUIRED,
    "string_too_long": ErrorCode.TOO_LONG,
    "too_long": ErrorCode.TOO_LONG,
    "string_too_short": ErrorCode.REQUIRED,
    "greater_than_equal": ErrorCode.OUT_OF_RANGE,
    "less_than_equal": ErrorCode.OUT_OF_RANGE,
    "literal_error": ErrorCode.INVALID_CHOICE,
    "enum": ErrorCode.INVALID_CHOICE,
    "value_error": ErrorCode.INVALID,
}
_INSTANCE_OF = re.compile(r" or instance of \w+")
_OWN_CODES = {code.value: code for code in ErrorCode}


def _code(kind: str, detail: str) -> ErrorCode:
    """The ErrorCode of one pydantic error: ours as raised by the field types, pydantic's mapped."""
    if kind == "value_error" and "email" in detail:
        return ErrorCode.INVALID_EMAIL
    if kind in _OWN_CODES:
        return _OWN_CODES[kind]
    if kind in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[kind]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return ErrorCode.INVALID_TYPE
    return ErrorCode.INVALID


def _message(kind: str, path: tuple[Any, ...], detail: str, context: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in path)
    if kind in ("missing", "string_too_short") or (kind == ErrorCode.REQUIRED and "null" not in detail):
        return f"The {field} field is required."
    if kind == ErrorCode.REQUIRED:
        return f"The {field} field cannot be null."
    if kind == "value_error" and "email" in detail:
        return f"The {field} field must be a valid email address."
    return f"The {field} field is invalid: {_plain(kind, detail, context)}"


def _plain(kind: str, detail: str, context: Mapping[str, Any]) -> str:
    plain = _PLAIN.get(kind)
    if plain is not None:
        try:
            return plain.format_map(context)
        except KeyError:  # one of ours with the same code (`too_long`): its message is ours
            pass
    return _INSTANCE_OF.sub("", detail.removeprefix("Value error, "))


# pydantic's own errors, said in the API's words (its "Input should be a valid dictionary" names
# a Python type; its too_long speaks of "items" for a string).
_PLAIN = {
    "string_type": "Must be a string.",
    "list_type": "Must be a list.",
    "dict_type": "Must be an object.",
    "model_type": "Must be an object.",
    "model_attributes_type": "Must be an object.",
    "int_type": "Must be an integer.",
    "int_parsing": "Must be an integer.",
    "int_from_float": "Must be an integer.",
    "string_too_long": "Must be at most {max_length} characters.",
    "too_long": "Must be at most {max_length} characters.",
    "greater_than_equal": "Must be greater than or equal to {ge}.",
    "less_than_equal": "Must be less than or equal to {le}.",
    "literal_error": "Must be {expected}.",
}


@cache
def integer_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` typed as integers (counts, lifetime value), through Optional and
    Annotated: their JSON schema also takes text (`types.Count`), as an id's does."""
    return frozenset(name for name, field in model.model_fields.items() if _is_int(field.annotation))


def _is_int(annotation: Any) -> bool:
    return annotation is int or any(_is_int(argument) for argument in get_args(annotation))


def number_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` holding numbers (amounts, quantities, counts: Decimal or int),
    through Optional and Annotated."""
    return frozenset(name for name, field in model.model_fields.items() if _is_number(field.annotation))


def _is_number(annotation: Any) -> bool:
    return annotation is Decimal or annotation is int or any(_is_number(argument) for argument in get_args(annotation))


def nested_commands(model: type[BaseModel]) -> Iterator[tuple[str, type[Command]]]:
    """(field name, command) for each field of `model` holding a command, optional or not (the
    embedded customer, an address, a consent)."""
    for name, field in model.model_fields.items():
        for arg in (field.annotation, *get_args(field.annotation)):
            if isinstance(arg, type) and issubclass(arg, Command):
                yield name, arg
                break
