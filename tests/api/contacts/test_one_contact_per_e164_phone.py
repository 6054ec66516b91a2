"""SPEC §4.1: a contact is unique per (store, E.164 phone); every form of a number reaches it; national numbers are read in the store's region; the number type is kept; an invalid number is 422."""

import pytest

from app.services import keys, stores
from tests.conftest import order_body


def with_phone(phone, **customer):
    return order_body(customer={"phone": phone, **customer})


@pytest.mark.parametrize(
    "phone",
    [
        "+33612345678",
        "0033612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "(06) 12 34 56 78",
        "+33 6 12 34 56 78",
    ],
)
async def test_phone_forms_resolve_to_one_e164_contact(api, phone):
    response = await api.post("/orders", with_phone(phone))
    assert response.status_code == 201, response.text
    assert response.json()["contact"]["phone"] == "+33612345678"
    assert [c["phone"] for c in await api.rows("contacts")] == ["+33612345678"]


async def test_every_form_of_one_number_shares_one_contact(api):
    for index, phone in enumerate(["+33612345678", "06 12 34 56 78", "0033 6 12 34 56 78"]):
        await api.post("/orders", order_body(external_id=f"O-{index}", customer={"phone": phone}))
    assert await api.count("contacts") == 1


async def test_national_numbers_are_read_in_the_store_region(api):
    await stores.create_store(api.db, 44, "UK shop", "GB")
    key, _ = await keys.create_key(api.db, store_id=44)
    response = await api.post("/orders", with_phone("07400 123456"), store=44, key=key)
    assert response.json()["contact"]["phone"] == "+447400123456"


@pytest.mark.parametrize(("phone", "kind"), [("06 12 34 56 78", "mobile"), ("01 23 45 67 89", "fixed_line")])
async def test_number_type_is_kept_on_the_contact(api, phone, kind):
    await api.post("/orders", with_phone(phone))
    assert (await api.rows("contacts"))[0]["phone_type"] == kind


@pytest.mark.parametrize("phone", ["12", "not a phone", "+33 1", "0612345", "+999123456789"])
async def test_invalid_phone_is_422_on_customer_phone(api, phone):
    response = await api.post("/orders", with_phone(phone))
    assert response.status_code == 422
    assert response.json()["codes"] == {"customer.phone": ["invalid_phone"]}
    assert await api.count("contacts") == 0
