"""SPEC §4.1, §4.3: WhatsApp can reach a contact with an E.164 phone of a mobile-capable
number type that has not been erased (`app.domain.whatsapp`). Pure: no database."""

from datetime import UTC, datetime

import pytest

from app.domain.phone import parse_phone
from app.domain.whatsapp import whatsapp_capable
from tests.conftest import order_body

PHONE = "+33612345678"
ERASED_AT = datetime(2026, 5, 18, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phone_type", "capable"),
    [
        ("mobile", True),
        ("fixed_line_or_mobile", True),
        ("personal_number", True),
        ("voip", True),
        ("fixed_line", False),
        ("toll_free", False),
        ("premium_rate", False),
        ("shared_cost", False),
        ("pager", False),
        ("uan", False),
        ("voicemail", False),
        ("unknown", False),
        (None, False),
    ],
)
def test_the_number_type_decides(phone_type, capable):
    assert whatsapp_capable(PHONE, phone_type, None) is capable


@pytest.mark.parametrize("phone_type", ["mobile", "fixed_line_or_mobile", "personal_number", "voip"])
def test_an_erased_contact_is_never_capable(phone_type):
    assert whatsapp_capable(PHONE, phone_type, ERASED_AT) is False
    assert whatsapp_capable(None, phone_type, ERASED_AT) is False


@pytest.mark.parametrize(
    ("phone", "capable"),
    [
        ("+33612345678", True),
        ("+12025550123", True),
        (None, False),  # no phone (erased data)
        ("", False),
        ("0612345678", False),  # national form: not E.164
        ("33612345678", False),  # no +
        ("+0612345678", False),  # no country code starts with 0
        ("+3361234567890123", False),  # 16 digits: longer than E.164 allows
        ("+33 6 12 34 56 78", False),
    ],
)
def test_only_an_e164_phone_counts(phone, capable):
    assert whatsapp_capable(phone, "mobile", None) is capable


@pytest.mark.parametrize(
    ("raw", "region", "capable"),
    [
        ("06 12 34 56 78", "FR", True),  # French mobile
        ("01 42 68 53 00", "FR", False),  # Paris fixed line
        ("0800 123 456", "FR", False),  # toll free
        ("+1 202 555 0123", None, True),  # US numbers are fixed_line_or_mobile
    ],
)
def test_numbers_as_the_phone_parser_types_them(raw, region, capable):
    phone = parse_phone(raw, region)
    assert whatsapp_capable(phone.e164, phone.type, None) is capable


async def test_the_graphql_field_answers_by_the_rule(api):
    """`Contact.whatsappCapable` is the rule above: a mobile yes, a fixed line no, and no once erased."""
    mobile = order_body(external_id="O-1", customer={"external_id": "C-1", "phone": "+33612345678"})
    fixed = order_body(external_id="O-2", customer={"external_id": "C-2", "phone": "01 42 68 53 00"})
    for body in (mobile, fixed):
        assert (await api.post("/orders", body)).status_code == 201
    query = "{ contacts(storeId: 123) { edges { node { externalId phoneType whatsappCapable } } } }"

    async def capable() -> dict[str, tuple[str | None, bool]]:
        response = await api.client.post("/graphql", json={"query": query}, headers=api.auth())
        edges = response.json()["data"]["contacts"]["edges"]
        return {
            edge["node"]["externalId"]: (edge["node"]["phoneType"], edge["node"]["whatsappCapable"]) for edge in edges
        }

    assert await capable() == {"C-1": ("mobile", True), "C-2": ("fixed_line", False)}
    assert (await api.delete("/customers/C-1")).status_code == 204
    assert (await capable())[None] == (None, False)  # erasure clears the phone and its type
