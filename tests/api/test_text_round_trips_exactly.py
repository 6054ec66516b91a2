"""Text round-trips exactly, or is refused on its field (SPEC §7: "no input ever yields a 500,
and a rejected request changes nothing"; README, "Strings").

Every string of the injection corpus (`corpora/injection_strings.json`: SQL, LIKE metacharacters,
JSON look-alikes, Unicode, control characters, 10 KB; valid and invalid emails and recovery URLs),
sent in a string field, has the one outcome the corpus gives it there:

- stored exactly: the write's answer, REST GET and GraphQL return it unchanged (an order status
  in its one form, trimmed and lower-cased; a shipment's carrier and tracking number trimmed),
  and an id addresses exactly its record (GET, PATCH, DELETE by it, percent-encoded as one
  segment);
- or, blank in an optional field, absent (SPEC §10, issue 11): a POST reads back null, the embedded
  customer's contact keeps its value, a PATCH leaves the field as the POST wrote it;
- or refused: 422 naming that field alone, with one code, and nothing written.

A case is one string through one group of fields (a resource's fields, its ids, a GraphQL
mutation), each field in a record of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.domain.errors import ErrorCode
from app.domain.statuses import order_status
from tests.api.calls import gql, quoted
from tests.api.injection_corpus import EMAILS, RECOVERY_URLS, TEXTS, Text
from tests.conftest import Api, cart_body, order_body, shipment_body

# --- Fields: where a text goes in a body, and where it must come back -----------------------------

Location = tuple[str, ...]  # (document, key, ...): document is post, get, gql or customer


@dataclass(frozen=True)
class Field:
    """One string field: `name` as the corpus names it (dot notation), `error` its path in a 422
    (a tag is refused at its index), `put` writes a text into a body, `expect` says where the
    text must come back and as what; `absent` where and as what a blank text, absent, reads back
    (by default null where `expect` names)."""

    name: str
    put: Callable[[dict[str, Any], str], None]
    expect: Callable[[str], dict[Location, Any]]
    error: str | None = None
    absent: dict[Location, Any] | None = None

    @property
    def error_path(self) -> str:
        return self.error or self.name


def _set(*path: str, wrap: Callable[[str], Any] = lambda v: v) -> Callable[[dict[str, Any], str], None]:
    def put(body: dict[str, Any], value: str) -> None:
        node = body
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = wrap(value)

    return put


def _same(*locations: Location, wrap: Callable[[str], Any] = lambda v: v) -> Callable[[str], dict[Location, Any]]:
    return lambda v: {location: wrap(v) for location in locations}


def _item(v: str) -> dict[str, Any]:
    return {"title": v, "sku": v, "note": v, v or "(empty key)": [v]}


def _metadata(v: str) -> dict[str, Any]:
    return {"value": v, v or "(empty key)": "key", "nested": {"list": [v, {v or "k": v}]}}


def _line_items(v: str) -> dict[Location, Any]:
    return {
        ("post", "line_items"): [_item(v)],
        ("get", "line_items"): [_item(v)],
        ("gql", "lineItems"): [{"title": v, "sku": v, "data": _item(v)}],
    }


def _everywhere(name: str, graphql: str, wrap: Callable[[str], Any] = lambda v: v) -> Callable[[str], dict]:
    """Back in the write's answer and REST GET as `name`, in GraphQL as `graphql`."""
    return _same(("post", name), ("get", name), ("gql", graphql), wrap=wrap)


# order statuses come back in their one form, trimmed and lower-cased (README, "Order statuses")
FINANCIAL_STATUS = Field(
    "financial_status", _set("financial_status"), _everywhere("financial_status", "financialStatus", order_status)
)
FULFILLMENT_STATUS = Field(
    "fulfillment_status",
    _set("fulfillment_status"),
    _everywhere("fulfillment_status", "fulfillmentStatus", order_status),
)
METADATA = Field("metadata", _set("metadata", wrap=_metadata), _everywhere("metadata", "metadata", wrap=_metadata))
LINE_ITEMS = Field("line_items", _set("line_items", wrap=lambda v: [_item(v)]), _line_items)
TAG = Field("tags", _set("tags", wrap=lambda v: [v]), _everywhere("tags", "tags", wrap=lambda v: [v]), "tags.0")
EXTERNAL_ID = Field("external_id", _set("external_id"), _everywhere("external_id", "externalId"))

ORDER_FIELDS = [
    FINANCIAL_STATUS,
    FULFILLMENT_STATUS,
    Field(
        "tags",
        _set("tags", wrap=lambda v: [v, "plain"]),
        _everywhere("tags", "tags", wrap=lambda v: [v, "plain"]),
        "tags.0",
    ),
    METADATA,
    LINE_ITEMS,
    Field(
        "customer.first_name",
        _set("customer", "first_name"),
        _same(("customer", "first_name"), ("gql", "contact", "firstName")),
    ),
    Field(
        "customer.last_name",
        _set("customer", "last_name"),
        _same(("customer", "last_name"), ("gql", "contact", "lastName")),
    ),
    Field("customer.locale", _set("customer", "locale"), _same(("customer", "locale"), ("gql", "contact", "locale"))),
    Field(
        "customer.tags",
        _set("customer", "tags", wrap=lambda v: [v]),
        _same(("customer", "tags"), ("gql", "contact", "tags"), wrap=lambda v: [v]),
        "customer.tags.0",
    ),
]
ORDER_PATCH_FIELDS = [
    FINANCIAL_STATUS,
    FULFILLMENT_STATUS,
    TAG,
    Field(  # a PATCH merges metadata into what the order had
        "metadata",
        _set("metadata", wrap=_metadata),
        _everywhere("metadata", "metadata", wrap=lambda v: {"source": "custom-checkout", **_metadata(v)}),
    ),
]
CART_FIELDS = [
    TAG,
    METADATA,
    LINE_ITEMS,
    Field("customer.first_name", _set("customer", "first_name"), _same(("gql", "contact", "firstName"))),
]
CART_PATCH_FIELDS = [TAG, METADATA]
# a shipment's carrier and tracking number come back without surrounding whitespace (README,
# "A respelled tracking number or carrier")
SHIPMENT_FIELDS = [
    Field("carrier", _set("carrier"), _everywhere("carrier", "carrier", str.strip)),
    Field("tracking_number", _set("tracking_number"), _everywhere("tracking_number", "trackingNumber", str.strip)),
    METADATA,
]
CUSTOMER_FIELDS = [
    Field("first_name", _set("first_name"), _everywhere("first_name", "firstName")),
    Field("last_name", _set("last_name"), _everywhere("last_name", "lastName")),
    Field("locale", _set("locale"), _everywhere("locale", "locale")),
    TAG,
]
CUSTOMER_EXTERNAL_ID = Field(  # the embedded customer's id: on the order, and the customer it names
    "customer.external_id",
    _set("customer", "external_id"),
    _same(
        ("post", "customer_external_id"),
        ("get", "customer_external_id"),
        ("gql", "customerExternalId"),
        ("customer", "external_id"),
        ("gql", "contact", "externalId"),
    ),
    absent={
        ("post", "customer_external_id"): None,
        ("get", "customer_external_id"): None,
        ("gql", "customerExternalId"): None,
        ("gql", "contact", "externalId"): None,
    },
)
CUSTOMER_ID = Field(  # POST /customers: optional, the phone is the key without it
    "customers.external_id", _set("external_id"), _everywhere("external_id", "externalId"), "external_id"
)
ORDER_EXTERNAL_ID = Field(  # a shipment's link to its order
    "order_external_id",
    _set("order_external_id"),
    _same(("post", "order_external_id"), ("get", "order_external_id"), ("gql", "order", "externalId")),
)
EMAIL = Field("email", _set("email"), _everywhere("email", "email"))
CUSTOMER_EMAIL = Field("customer.email", _set("customer", "email"), _same(("customer", "email")))
RECOVERY_URL = Field("recovery_url", _set("recovery_url"), _everywhere("recovery_url", "recoveryUrl"))


# --- Reading a record back: the write's answer, REST GET, GraphQL ----------------------------------

_GQL_ORDER = """query($id: String!) { order(storeId: 123, externalId: $id) {
  externalId financialStatus fulfillmentStatus tags metadata customerExternalId
  lineItems { title sku data } contact { firstName lastName locale tags externalId } } }"""
_GQL_CARTS = """{ carts(storeId: 123, first: 100) { edges { node {
  externalId recoveryUrl tags metadata status lineItems { title sku data } contact { firstName } } } } }"""
_GQL_SHIPMENTS = """{ shipments(storeId: 123, first: 100) { edges { node {
  externalId carrier trackingNumber metadata order { externalId } } } } }"""
_GQL_CONTACT = """query($id: String!) { contact(storeId: 123, externalId: $id) {
  externalId firstName lastName email locale tags } }"""

Reader = Callable[[Api, httpx.Response], Awaitable[dict[str, Any]]]


def _node(connection: dict[str, Any], external_id: str) -> dict[str, Any] | None:
    nodes = [edge["node"] for edge in connection["edges"] if edge["node"]["externalId"] == external_id]
    assert len(nodes) <= 1
    return nodes[0] if nodes else None


async def _get(api: Api, resource: str, external_id: str) -> dict[str, Any]:
    response = await api.get(f"/{resource}/{quoted(external_id)}")
    assert response.status_code == 200, (f"GET {resource}", external_id, response.status_code, response.text[:200])
    return response.json()


async def read_order(api: Api, response: httpx.Response, customer_id: str | None = None) -> dict[str, Any]:
    post = response.json()
    external_id = post["external_id"]
    graph = await gql(api, _GQL_ORDER, {"id": external_id})
    documents = {"post": post, "get": await _get(api, "orders", external_id), "gql": graph["data"]["order"]}
    customer_id = customer_id or post["customer_external_id"]
    if customer_id is not None:
        documents["customer"] = await _get(api, "customers", customer_id)
    return documents


async def read_cart(api: Api, response: httpx.Response) -> dict[str, Any]:
    post = response.json()
    external_id = post["external_id"]
    get = await _get(api, "carts", external_id)
    assert await _get(api, "checkouts", external_id) == get
    graph = await gql(api, _GQL_CARTS)
    return {"post": post, "get": get, "gql": _node(graph["data"]["carts"], external_id)}


async def read_shipment(api: Api, response: httpx.Response) -> dict[str, Any]:
    post = response.json()
    external_id = post["external_id"]
    graph = await gql(api, _GQL_SHIPMENTS)
    get = await _get(api, "shipments", external_id)
    return {"post": post, "get": get, "gql": _node(graph["data"]["shipments"], external_id)}


async def read_customer(api: Api, response: httpx.Response) -> dict[str, Any]:
    post = response.json()
    external_id = post["external_id"]
    graph = await gql(api, _GQL_CONTACT, {"id": external_id})
    return {"post": post, "get": await _get(api, "customers", external_id), "gql": graph["data"]["contact"]}


def _resolve(document: Any, location: Location) -> Any:
    for part in location:
        document = document[part]
    return document


class RoundTrip:
    """Sends one text of the corpus into fields, each in a record of its own, and checks the
    outcome the corpus pins for each field."""

    def __init__(self, api: Api, text: Text):
        self.api = api
        self.text = text
        self.serial = 0
        self.mismatches: list[str] = []

    def next(self) -> tuple[int, str]:
        """A serial for new external ids, and a phone of its own (one contact per record)."""
        self.serial += 1
        return self.serial, f"+336123{self.serial:05d}"

    async def send(
        self,
        label: str,
        field: Field,
        send: Callable[[], Awaitable[httpx.Response]],
        read: Callable[[httpx.Response], Awaitable[dict[str, Any]]] | None,
        status: int,
        kept: Any = None,
    ) -> bool:
        """Sends; asserts the pinned outcome (`status`, or 422 on the field); returns whether
        the text was stored. `read` None: the status is all this call checks. `kept`: what the
        field holds before this call, which a blank text, absent, leaves (None on a new record)."""
        code = self.text.refusal(field.name)
        if code is not None:
            await self.refused(label, send, field.error_path, code)
            return False
        absent = self.text.is_absent(field.name)
        response = await send()
        assert response.status_code == status, (label, response.status_code, response.text[:300])
        if read is not None:
            documents = await read(response)
            if absent and field.absent is not None:
                expect = field.absent
            elif absent:  # null where the text would have been, or what the record held
                expect = {location: kept for location in field.expect(self.text.text)}
                expect = expect if kept is None else field.expect(kept)
            else:
                expect = field.expect(self.text.text)
            for location, expected in expect.items():
                got = _resolve(documents, location)
                if got != expected:
                    self.mismatches.append(f"{label} at {'.'.join(location)}: sent {expected!r:.120}, got {got!r:.120}")
        return not absent

    async def refused(self, label: str, send: Callable[[], Awaitable[httpx.Response]], path: str, code: str) -> None:
        """422 naming the field at `path` alone, with `code` alone, and no table changed."""
        before = await self.api.snapshot()
        response = await send()
        assert response.status_code == 422, (label, response.status_code, response.text[:300])
        body = response.json()
        assert (body["codes"], list(body["errors"])) == ({path: [code]}, [path]), (label, body)
        assert body["message"] == body["errors"][path][0], (label, body)
        assert await self.api.snapshot() == before, label

    async def posts(
        self, fields: list[Field], path: str, body_for: Callable[[int, str], dict[str, Any]], read: Reader
    ) -> None:
        """Each field in a new record, `body_for(serial, phone)` with the text put in: 201."""
        for field in fields:
            serial, phone = self.next()
            body = body_for(serial, phone)
            field.put(body, self.text.text)
            await self.send(
                f"POST {path} {field.name}",
                field,
                lambda body=body: self.api.post(path, body),
                lambda response: read(self.api, response),
                201,
            )

    async def patches(
        self, fields: list[Field], path: str, body_for: Callable[[int, str], dict[str, Any]], read: Reader
    ) -> None:
        """Each field PATCHed onto a record of its own, first POSTed as `body_for(serial, phone)`: 200."""
        for field in fields:
            serial, phone = self.next()
            body = body_for(serial, phone)
            assert (await self.api.post(path, body)).status_code == 201
            patch: dict[str, Any] = {}
            field.put(patch, self.text.text)
            url = f"{path}/{body['external_id']}"
            await self.send(
                f"PATCH {path} {field.name}",
                field,
                lambda url=url, patch=patch: self.api.patch(url, patch),
                lambda response: read(self.api, response),
                200,
                kept=body.get(field.name),
            )

    async def addressed_by(self, path: str, patch: dict[str, Any]) -> None:
        """The stored id reaches its record: a PATCH by it answers that record."""
        patched = await self.api.patch(f"{path}/{quoted(self.text.text)}", patch)
        assert (patched.status_code, patched.json().get("external_id")) == (200, self.text.text), patched.text[:200]


# --- Groups of fields: one case each ----------------------------------------------------------------


async def order_fields(check: RoundTrip) -> None:
    def order(serial: int, phone: str) -> dict[str, Any]:
        return order_body(external_id=f"INJ-O-{serial}", customer={"external_id": f"INJ-C-{serial}", "phone": phone})

    def patched_order(serial: int, phone: str) -> dict[str, Any]:
        return order_body(external_id=f"INJ-P-{serial}", customer={"external_id": f"INJ-C-{serial}", "phone": phone})

    await check.posts(ORDER_FIELDS, "/orders", order, read_order)
    await check.patches(ORDER_PATCH_FIELDS, "/orders", patched_order, read_order)


async def order_ids(check: RoundTrip) -> None:
    """The order's id (also addressed by PATCH) and its embedded customer's."""
    api, text = check.api, check.text.text
    serial, phone = check.next()
    body = order_body(customer={"external_id": f"INJ-C-{serial}", "phone": phone})
    EXTERNAL_ID.put(body, text)
    if await check.send(
        "POST /orders external_id", EXTERNAL_ID, lambda: api.post("/orders", body), lambda r: read_order(api, r), 201
    ):
        await check.addressed_by("/orders", {"financial_status": "paid"})

    serial, phone = check.next()
    body = order_body(external_id=f"INJ-O-{serial}", customer={"phone": phone, "first_name": "Inj"})
    CUSTOMER_EXTERNAL_ID.put(body, text)
    customer_id = None if check.text.is_absent(CUSTOMER_EXTERNAL_ID.name) else text
    await check.send(
        "POST /orders customer.external_id",
        CUSTOMER_EXTERNAL_ID,
        lambda: api.post("/orders", body),
        lambda r: read_order(api, r, customer_id=customer_id),
        201,
    )


async def cart_fields(check: RoundTrip) -> None:
    def cart(serial: int, phone: str) -> dict[str, Any]:
        return cart_body(external_id=f"INJ-K-{serial}", customer={"phone": phone})

    def patched_cart(serial: int, phone: str) -> dict[str, Any]:
        return cart_body(external_id=f"INJ-KP-{serial}", customer={"phone": phone})

    await check.posts(CART_FIELDS, "/carts", cart, read_cart)
    await check.patches(CART_PATCH_FIELDS, "/checkouts", patched_cart, read_cart)


async def cart_id(check: RoundTrip) -> None:
    api = check.api
    body = cart_body(customer={"phone": check.next()[1]})
    EXTERNAL_ID.put(body, check.text.text)
    if await check.send(
        "POST /carts external_id", EXTERNAL_ID, lambda: api.post("/carts", body), lambda r: read_cart(api, r), 201
    ):
        await check.addressed_by("/carts", {"status": "expired"})


async def shipment_fields(check: RoundTrip) -> None:
    assert (await check.api.post("/orders", order_body())).status_code == 201

    def shipment(serial: int, _phone: str) -> dict[str, Any]:
        return shipment_body(external_id=f"INJ-S-{serial}")

    await check.posts(SHIPMENT_FIELDS, "/shipments", shipment, read_shipment)


async def shipment_ids(check: RoundTrip) -> None:
    """The shipment's own id, and the order id it links to (an order created with that id)."""
    api, text = check.api, check.text.text
    assert (await api.post("/orders", order_body())).status_code == 201
    body = shipment_body()
    EXTERNAL_ID.put(body, text)
    await check.send(
        "POST /shipments external_id",
        EXTERNAL_ID,
        lambda: api.post("/shipments", body),
        lambda r: read_shipment(api, r),
        201,
    )

    order = order_body(external_id=text)
    await check.send("POST /orders external_id, to link to", EXTERNAL_ID, lambda: api.post("/orders", order), None, 201)
    body = shipment_body(external_id="INJ-LINK")
    ORDER_EXTERNAL_ID.put(body, text)
    await check.send(
        "POST /shipments order_external_id",
        ORDER_EXTERNAL_ID,
        lambda: api.post("/shipments", body),
        lambda r: read_shipment(api, r),
        201,
    )


async def customer_fields(check: RoundTrip) -> None:
    def customer(serial: int, phone: str) -> dict[str, Any]:
        return {"external_id": f"INJ-CU-{serial}", "phone": phone}

    await check.posts(CUSTOMER_FIELDS, "/customers", customer, read_customer)


async def customer_id(check: RoundTrip) -> None:
    """The customer's id, and DELETE by it (SPEC §4.3) erasing that customer and nobody else (a
    `%` taken as a pattern would erase every customer); DELETE answers 204 whatever the id,
    also one with a line break, which POST refuses (it once met the router's 404)."""
    api, text = check.api, check.text.text
    bystander = {"external_id": "BYSTANDER", "phone": "+33611112222", "first_name": "Bystander"}
    assert (await api.post("/customers", bystander)).status_code == 201
    body = {"phone": check.next()[1], "first_name": "Injected"}
    CUSTOMER_ID.put(body, text)
    stored = await check.send(
        "POST /customers external_id",
        CUSTOMER_ID,
        lambda: api.post("/customers", body),
        None if check.text.is_absent(CUSTOMER_ID.name) else lambda r: read_customer(api, r),
        201,  # absent: the phone is the key, and the contact is new
    )
    if text:  # (DELETE /customers/ is another path: the router's trailing-slash redirect)
        assert (await api.delete(f"/customers/{quoted(text)}")).status_code == 204
    if stored:
        assert (await api.get(f"/customers/{quoted(text)}")).status_code == 404
    kept = await api.get("/customers/BYSTANDER")
    assert (kept.status_code, kept.json()["first_name"]) == (200, "Bystander")


_GQL_UPSERT_ORDER = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { externalId financialStatus fulfillmentStatus tags metadata lineItems { title sku data }
          contact { firstName lastName locale } }
  userErrors { field code } } }"""

# upsertOrder's string fields: the corpus's name for each, and the path its userError names
_GQL_FIELDS = [
    ("financial_status", ["input", "financialStatus"]),
    ("fulfillment_status", ["input", "fulfillmentStatus"]),
    ("tags", ["input", "tags", "0"]),
    ("customer.first_name", ["input", "customer", "firstName"]),
    ("customer.last_name", ["input", "customer", "lastName"]),
]


async def graphql_order(check: RoundTrip) -> None:
    """upsertOrder with the text in every string field at once: userErrors naming exactly the
    fields that refuse it (and nothing written), or the order, read back through REST, exactly
    as sent."""
    api, value = check.api, check.text.text
    variables = {
        "input": {
            "externalId": "INJ-GQL",
            "placedAt": "2026-05-18T10:00:00Z",
            "totalPrice": "1",
            "customer": {"phone": "+33612345678", "externalId": "INJ-GQL-C", "firstName": value, "lastName": value},
            "financialStatus": value,
            "fulfillmentStatus": value,
            "tags": [value],
            "metadata": _metadata(value),
            "lineItems": [_item(value)],
        }
    }
    # GraphQL names the REST codes by the ErrorCode enum's names (TOO_LONG for too_long)
    refused = [
        (path, ErrorCode(code).name) for name, path in _GQL_FIELDS if (code := check.text.refusal(name)) is not None
    ]
    before = await api.snapshot() if refused else None
    body = await gql(api, _GQL_UPSERT_ORDER, variables)
    assert "errors" not in body, body
    payload = body["data"]["upsertOrder"]
    if refused:
        errors = sorted((error["field"], error["code"]) for error in payload["userErrors"])
        assert (payload["order"], errors) == (None, sorted(refused)), payload
        assert await api.snapshot() == before
        return
    assert payload["userErrors"] == [], payload
    order = payload["order"]
    status = None if check.text.is_absent("financial_status") else order_status(value)
    name = None if check.text.is_absent("customer.first_name") else value
    assert order["financialStatus"] == order["fulfillmentStatus"] == status
    assert order["tags"] == [value] and order["metadata"] == _metadata(value)
    assert order["lineItems"] == [{"title": value, "sku": value, "data": _item(value)}]
    assert order["contact"]["firstName"] == order["contact"]["lastName"] == name
    rest = (await api.get("/orders/INJ-GQL")).json()
    assert (rest["financial_status"], rest["tags"], rest["metadata"], rest["line_items"]) == (
        status,
        [value],
        _metadata(value),
        [_item(value)],
    )


async def emails(check: RoundTrip) -> None:
    """A customer's email, and an order's embedded customer's."""
    api = check.api
    body = {"external_id": "INJ-EMAIL", "phone": check.next()[1]}
    EMAIL.put(body, check.text.text)
    await check.send(
        "POST /customers email", EMAIL, lambda: api.post("/customers", body), lambda r: read_customer(api, r), 201
    )

    order = order_body(external_id="INJ-EMAIL-ORDER", customer={"external_id": "INJ-EMAIL-C", "phone": check.next()[1]})
    CUSTOMER_EMAIL.put(order, check.text.text)
    await check.send(
        "POST /orders customer.email",
        CUSTOMER_EMAIL,
        lambda: api.post("/orders", order),
        lambda r: read_order(api, r),
        201,
    )


async def recovery_urls(check: RoundTrip) -> None:
    """A cart's recovery URL, by POST and by PATCH."""
    api = check.api
    body = cart_body(external_id="INJ-URL", customer={"phone": check.next()[1]})
    RECOVERY_URL.put(body, check.text.text)
    await check.send(
        "POST /carts recovery_url", RECOVERY_URL, lambda: api.post("/carts", body), lambda r: read_cart(api, r), 201
    )

    assert (
        await api.post("/carts", cart_body(external_id="INJ-URL-P", customer={"phone": check.next()[1]}))
    ).status_code == 201
    patch: dict[str, Any] = {}
    RECOVERY_URL.put(patch, check.text.text)
    await check.send(
        "PATCH /carts recovery_url",
        RECOVERY_URL,
        lambda: api.patch("/carts/INJ-URL-P", patch),
        lambda r: read_cart(api, r),
        200,
        kept=cart_body()["recovery_url"],
    )


TEXT_GROUPS = {
    "order fields": order_fields,
    "order ids": order_ids,
    "cart fields": cart_fields,
    "cart id": cart_id,
    "shipment fields": shipment_fields,
    "shipment ids": shipment_ids,
    "customer fields": customer_fields,
    "customer id": customer_id,
    "graphql order": graphql_order,
}
CASES = [
    *(pytest.param(group, text, id=f"{name}-{text.id}") for name, group in TEXT_GROUPS.items() for text in TEXTS),
    *(pytest.param(emails, text, id=f"email-{text.id}") for text in EMAILS),
    *(pytest.param(recovery_urls, text, id=f"recovery url-{text.id}") for text in RECOVERY_URLS),
]


@pytest.mark.parametrize(("fields", "text"), CASES)
async def test_text_is_stored_exactly_or_refused_on_its_field(
    api: Api, fields: Callable[[RoundTrip], Awaitable[None]], text: Text
) -> None:
    check = RoundTrip(api, text)
    await fields(check)
    assert not check.mismatches, "\n".join(check.mismatches)
