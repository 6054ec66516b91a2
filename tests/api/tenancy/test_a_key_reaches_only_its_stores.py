"""A key reaches only its stores (SPEC §2: a store key one store, a team key its team's stores;
"GraphQL uses the same keys and the same scope rules on every storeId argument").

A cross-tenant matrix: every REST endpoint and every GraphQL root field, called on a store of
another team with (a) that team's store key and (b) its team key, answers 403 / FORBIDDEN,
writes nothing and reads nothing. The same calls with the owner's keys succeed (a control, so
the matrix cannot pass on malformed requests).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from starlette.routing import Route

from app.main import create_app
from app.rest.routes import STORE_PATH
from app.services import keys, stores
from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body, shipment_body

FORBIDDEN_BODY = {"error": "API key does not authorize this store"}
FORBIDDEN_MESSAGE = FORBIDDEN_BODY["error"]

ALPHA, BETA = 201, 202  # stores of the teams "alpha" and "beta"
ALPHA_PHONE, BETA_PHONE = "+33612345678", "+33698765432"

# Strings only the victim's (beta's) data holds: none may appear in an answer to alpha's keys.
BETA_MARKERS = [
    "Beta shop",
    "Victoria",
    "Betazoid",
    "victoria@beta.example.com",
    BETA_PHONE,
    "698765432",
    "beta-secret-7f3a",
    "777.77",
    "Beta-Carrier",
    "BETA-TRACK-9999",
    "https://beta.example.com/recover/1",
    "beta-line-item",
    "beta-tag",
]


def _beta_order() -> dict[str, Any]:
    return order_body(
        external_id="ORDER-1",
        total_price="777.77",
        financial_status="pending",
        customer={
            "external_id": "CUST-1",
            "phone": BETA_PHONE,
            "first_name": "Victoria",
            "last_name": "Betazoid",
            "email": "victoria@beta.example.com",
        },
        line_items=[{"title": "beta-line-item", "quantity": 1, "price": "777.77"}],
        tags=["beta-tag"],
        metadata={"secret": "beta-secret-7f3a"},
    )


def _alpha_order() -> dict[str, Any]:
    return order_body(
        external_id="ORDER-1",
        total_price="11.11",
        customer={"external_id": "CUST-1", "phone": ALPHA_PHONE, "first_name": "Alice", "last_name": "Alphane"},
        line_items=[{"title": "alpha-line-item"}],
        tags=["alpha-tag"],
        metadata={"secret": "alpha-secret"},
    )


@dataclass
class Tenants:
    api: Api
    keys: dict[str, str]  # principal -> key


@pytest.fixture
async def tenants(api: Api) -> Tenants:
    db = api.db
    await stores.create_store(db, ALPHA, "Alpha shop", "FR", team="alpha")
    await stores.create_store(db, BETA, "Beta shop", "FR", team="beta")
    principals = {
        "alpha store key": (await keys.create_key(db, store_id=ALPHA, name="alpha store"))[0],
        "alpha team key": (await keys.create_key(db, team="alpha", name="alpha team"))[0],
        "beta store key": (await keys.create_key(db, store_id=BETA, name="beta store"))[0],
        "beta team key": (await keys.create_key(db, team="beta", name="beta team"))[0],
    }
    for store, key, body, suffix, carrier, tracking, recovery in (
        (
            ALPHA,
            principals["alpha store key"],
            _alpha_order(),
            "alpha",
            "Alpha-Carrier",
            "ALPHA-TRACK-1",
            "https://alpha.example.com/recover/1",
        ),
        (
            BETA,
            principals["beta store key"],
            _beta_order(),
            "beta",
            "Beta-Carrier",
            "BETA-TRACK-9999",
            "https://beta.example.com/recover/1",
        ),
    ):
        assert (await api.post("/orders", body, store=store, key=key)).status_code == 201
        shipment = shipment_body(
            external_id="SHIP-1", order_external_id="ORDER-1", carrier=carrier, tracking_number=tracking
        )
        assert (await api.post("/shipments", shipment, store=store, key=key)).status_code == 201
        cart = cart_body(
            external_id="CART-1",
            abandoned_at="2026-05-18T11:00:00Z",
            recovery_url=recovery,
            customer={"phone": body["customer"]["phone"]},
            metadata={"secret": f"{suffix}-secret-7f3a" if suffix == "beta" else "alpha-secret"},
        )
        assert (await api.post("/carts", cart, store=store, key=key)).status_code == 201
        customer = {
            "external_id": "CUST-2",
            "phone": body["customer"]["phone"],
            "first_name": body["customer"]["first_name"],
        }
        assert (await api.post("/customers", customer, store=store, key=key)).status_code == 201
    # the fixture's store 123 (no team) stays as it is: a team key of alpha must not reach it either
    return Tenants(api=api, keys=principals)


ATTACK_ORDER = order_body(
    external_id="ORDER-1",
    total_price="1.00",
    financial_status="refunded",
    customer={"external_id": "CUST-1", "phone": "+33611111111", "first_name": "Mallory"},
    metadata={"attacker": True},
)

# (method, path under /api/v1/stores/{store}, body or None)
REST_MATRIX = [
    pytest.param("POST", "/orders", ATTACK_ORDER, id="POST orders"),
    pytest.param(
        "PATCH", "/orders/ORDER-1", {"financial_status": "refunded", "metadata": {"secret": None}}, id="PATCH orders"
    ),
    pytest.param("GET", "/orders/ORDER-1", None, id="GET orders"),
    pytest.param(
        "POST",
        "/shipments",
        shipment_body(external_id="SHIP-1", order_external_id="ORDER-1", carrier="Mallory", status="returned"),
        id="POST shipments",
    ),
    pytest.param("GET", "/shipments/SHIP-1", None, id="GET shipments"),
    pytest.param(
        "POST", "/carts", cart_body(external_id="CART-1", customer={"phone": "+33611111111"}), id="POST carts"
    ),
    pytest.param(
        "PATCH", "/carts/CART-1", {"status": "expired", "recovery_url": "https://evil.example.com/"}, id="PATCH carts"
    ),
    pytest.param("GET", "/carts/CART-1", None, id="GET carts"),
    pytest.param(
        "POST", "/checkouts", cart_body(external_id="CART-1", customer={"phone": "+33611111111"}), id="POST checkouts"
    ),
    pytest.param("PATCH", "/checkouts/CART-1", {"status": "completed"}, id="PATCH checkouts"),
    pytest.param("GET", "/checkouts/CART-1", None, id="GET checkouts"),
    pytest.param(
        "POST",
        "/customers",
        {"external_id": "CUST-2", "phone": BETA_PHONE, "first_name": "Mallory"},
        id="POST customers",
    ),
    pytest.param("GET", "/customers/CUST-2", None, id="GET customers"),
    pytest.param("DELETE", "/customers/CUST-1", None, id="DELETE customers"),
    pytest.param("GET", "/customers?phone=" + quote(BETA_PHONE, safe=""), None, id="GET customers by phone"),
    pytest.param("DELETE", "/customers?phone=" + quote(BETA_PHONE, safe=""), None, id="DELETE customers by phone"),
    pytest.param("POST", "/orders/batch", {"items": [ATTACK_ORDER]}, id="POST orders batch"),
    pytest.param(
        "POST",
        "/shipments/batch",
        {"items": [shipment_body(external_id="SHIP-1", order_external_id="ORDER-1", carrier="Mallory")]},
        id="POST shipments batch",
    ),
    pytest.param(
        "POST",
        "/carts/batch",
        {"items": [cart_body(external_id="CART-1", customer={"phone": "+33611111111"})]},
        id="POST carts batch",
    ),
    pytest.param(
        "POST",
        "/checkouts/batch",
        {"items": [cart_body(external_id="CART-1", customer={"phone": "+33611111111"})]},
        id="POST checkouts batch",
    ),
    pytest.param(
        "POST",
        "/customers/batch",
        {"items": [{"external_id": "CUST-2", "phone": BETA_PHONE, "first_name": "Mallory"}]},
        id="POST customers batch",
    ),
]

# What beta's own keys get for each call of the matrix: every POST names a record the fixture
# made, so it replaces it (200, not 201); DELETE answers 204 (SPEC §3).
OWNER_STATUS = {
    (param.values[0], param.values[1]): 204 if param.values[0] == "DELETE" else 200 for param in REST_MATRIX
}

_ORDER_SELECTION = "externalId totalPrice metadata tags customerExternalId lineItems { title } contact { phone firstName lastName email } shipments { carrier trackingNumber }"
_ATTACK_ORDER_INPUT = '{externalId: "ORDER-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: "1.00", financialStatus: "refunded", customer: {externalId: "CUST-1", phone: "+33611111111", firstName: "Mallory"}}'

# root field -> document with the victim's store id in {store}
GRAPHQL_MATRIX = {
    "store": "{ store(storeId: {store}) { id name status region team } }",
    "storeStats": '{ storeStats(storeId: {store}, from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { orderCount revenue { currency amount } cartsAbandoned } }',
    "storeTimeseries": '{ storeTimeseries(storeId: {store}, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", interval: MONTH) { start orderCount revenue { currency amount } } }',
    "recoveryFunnel": '{ recoveryFunnel(storeId: {store}, from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { cartsAbandoned cartsRecovered revenue { currency amount } } }',
    "carrierPerformance": '{ carrierPerformance(storeId: {store}, from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { carrier shipments delivered } }',
    "topProducts": '{ topProducts(storeId: {store}, from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { sku title quantity revenue { currency amount } } }',
    "order": '{ order(storeId: {store}, externalId: "ORDER-1") { ' + _ORDER_SELECTION + " } }",
    "orders": "{ orders(storeId: {store}) { totalCount edges { node { " + _ORDER_SELECTION + " } } } }",
    "contact": '{ contact(storeId: {store}, phone: "'
    + BETA_PHONE
    + '") { phone firstName lastName email orders { externalId } carts { recoveryUrl } } }',
    "contacts": "{ contacts(storeId: {store}) { totalCount edges { node { phone firstName lastName email externalId "
    "consent { marketing { state source } } consentHistory { source writtenById } automationLog { type reason data } } } } }",
    "shipments": "{ shipments(storeId: {store}) { totalCount edges { node { externalId carrier trackingNumber order { externalId totalPrice } } } } }",
    "carts": "{ carts(storeId: {store}) { totalCount edges { node { externalId recoveryUrl metadata totalPrice contact { phone firstName } } } } }",
    "events": "{ events(storeId: {store}) { totalCount edges { node { type data } } } }",
    "upsertOrder": "mutation { upsertOrder(storeId: {store}, input: "
    + _ATTACK_ORDER_INPUT
    + ") { order { "
    + _ORDER_SELECTION
    + " } created userErrors { code } } }",
    "updateOrder": 'mutation { updateOrder(storeId: {store}, externalId: "ORDER-1", input: {financialStatus: "refunded"}) { order { '
    + _ORDER_SELECTION
    + " } userErrors { code } } }",
    "createShipment": 'mutation { createShipment(storeId: {store}, input: {externalId: "SHIP-1", orderExternalId: "ORDER-1", carrier: "Mallory", status: "returned"}) { shipment { carrier trackingNumber order { totalPrice } } created userErrors { code } } }',
    "upsertCart": 'mutation { upsertCart(storeId: {store}, input: {externalId: "CART-1", abandonedAt: "2026-05-18T11:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}) { cart { recoveryUrl metadata contact { phone } } created automations { reason externalId } userErrors { code } } }',
    "updateCart": 'mutation { updateCart(storeId: {store}, externalId: "CART-1", input: {status: "expired", recoveryUrl: "https://evil.example.com/"}) { cart { recoveryUrl metadata } userErrors { code } } }',
    "upsertCustomer": 'mutation { upsertCustomer(storeId: {store}, input: {externalId: "CUST-2", phone: "'
    + BETA_PHONE
    + '", firstName: "Mallory"}) { customer { firstName lastName email contact { phone firstName } } created userErrors { code } } }',
    "deleteCustomer": 'mutation { deleteCustomer(storeId: {store}, externalId: "CUST-1") { erasedContacts userErrors { code } } }',
    "upsertOrders": "mutation { upsertOrders(storeId: {store}, inputs: ["
    + _ATTACK_ORDER_INPUT
    + "]) { results { order { "
    + _ORDER_SELECTION
    + " } created userErrors { code } } } }",
    "createShipments": 'mutation { createShipments(storeId: {store}, inputs: [{externalId: "SHIP-1", orderExternalId: "ORDER-1", carrier: "Mallory"}]) { results { shipment { carrier trackingNumber order { totalPrice } } userErrors { code } } } }',
    "upsertCarts": 'mutation { upsertCarts(storeId: {store}, inputs: [{externalId: "CART-1", abandonedAt: "2026-05-18T11:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}]) { results { cart { recoveryUrl metadata contact { phone } } userErrors { code } } } }',
    "upsertCustomers": 'mutation { upsertCustomers(storeId: {store}, inputs: [{externalId: "CUST-2", phone: "'
    + BETA_PHONE
    + '", firstName: "Mallory"}]) { results { customer { firstName lastName email contact { phone firstName } } userErrors { code } } } }',
}

ATTACKERS = ["alpha store key", "alpha team key"]

# A refused root field is null; a non-null one nulls `data` itself (GraphQL spec, "Handling
# Field Errors"): of the root fields these three queries and every mutation are nullable.
NULLABLE_ROOT_FIELDS = {"store", "order", "contact", *graphql_schema._schema.mutation_type.fields}


def _document(field: str, store: int) -> str:
    return GRAPHQL_MATRIX[field].replace("{store}", str(store))


def _leaked(text: str) -> list[str]:
    return [marker for marker in BETA_MARKERS if marker in text]


def test_matrix_covers_every_rest_endpoint_and_graphql_root_field() -> None:
    app = create_app()
    served = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith(STORE_PATH + "/"):
            for method in route.methods or ():
                if method != "HEAD":
                    path = route.path.removeprefix(STORE_PATH)
                    served.add((method, re.sub(r"\{external_id(:\w+)?\}", "X", path)))
    assert len(served) == 21  # every endpoint of SPEC §3, the five batches, the read and erasure by phone
    covered = set()
    for param in REST_MATRIX:
        method, path, _body = param.values
        segments = path.split("?")[0].split("/")
        if len(segments) > 2 and not path.endswith("/batch"):
            segments[2:] = ["X"]
        covered.add((method, "/".join(segments)))
    assert covered == served

    root_fields = set(graphql_schema._schema.query_type.fields) | set(graphql_schema._schema.mutation_type.fields)
    assert set(GRAPHQL_MATRIX) == root_fields


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize(("method", "path", "body"), REST_MATRIX)
async def test_rest_call_on_another_teams_store_is_forbidden(
    tenants: Tenants, attacker: str, method: str, path: str, body: Any
) -> None:
    api = tenants.api
    before = await api.snapshot()
    response = await api.client.request(
        method, f"/api/v1/stores/{BETA}{path}", json=body, headers=api.auth(tenants.keys[attacker])
    )
    assert (response.status_code, response.json()) == (403, FORBIDDEN_BODY)
    assert not _leaked(response.text + json.dumps(dict(response.headers)))
    assert await api.snapshot() == before


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("field", list(GRAPHQL_MATRIX))
async def test_graphql_root_field_on_another_teams_store_is_forbidden(
    tenants: Tenants, attacker: str, field: str
) -> None:
    api = tenants.api
    before = await api.snapshot()
    response = await api.client.post(
        "/graphql", json={"query": _document(field, BETA)}, headers=api.auth(tenants.keys[attacker])
    )
    assert response.status_code == 200
    body = response.json()
    assert [(e["message"], e.get("extensions", {}).get("code"), e.get("path")) for e in body["errors"]] == [
        (FORBIDDEN_MESSAGE, "FORBIDDEN", [field])
    ]
    assert body["data"] == ({field: None} if field in NULLABLE_ROOT_FIELDS else None)
    assert not _leaked(response.text)
    assert await api.snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), REST_MATRIX)
async def test_control_the_same_rest_call_with_the_owners_keys_succeeds(
    tenants: Tenants, method: str, path: str, body: Any
) -> None:
    """Proves each request of the matrix is well formed: beta's own store and team keys are served."""
    api = tenants.api
    for owner in ("beta store key", "beta team key"):
        response = await api.client.request(
            method, f"/api/v1/stores/{BETA}{path}", json=body, headers=api.auth(tenants.keys[owner])
        )
        assert response.status_code == OWNER_STATUS[(method, path)], (owner, response.status_code, response.text[:300])
    if method == "GET":
        assert _leaked(response.text)  # the markers would be seen, were the scope check missing


@pytest.mark.parametrize("field", list(GRAPHQL_MATRIX))
async def test_control_the_same_graphql_call_with_the_owners_keys_succeeds(tenants: Tenants, field: str) -> None:
    api = tenants.api
    for owner in ("beta store key", "beta team key"):
        body = await gql(api, _document(field, BETA), key=tenants.keys[owner])
        assert "errors" not in body, (owner, body)
        payload = body["data"][field]
        assert payload is not None
        if isinstance(payload, dict):
            assert payload.get("userErrors", []) == [], payload
            assert all(result["userErrors"] == [] for result in payload.get("results", [])), payload
    if field in ("store", "order", "orders", "contact", "contacts", "shipments", "carts", "events"):
        assert _leaked(json.dumps(body))


async def test_no_key_of_alpha_reaches_the_teamless_store_or_beta_through_one_document(tenants: Tenants) -> None:
    """One document naming alpha's store and beta's: alpha's part is answered, beta's is
    FORBIDDEN, and nothing of beta's leaks into alpha's part."""
    api = tenants.api
    document = (
        '{ mine: order(storeId: 201, externalId: "ORDER-1") { totalPrice contact { firstName } } '
        '  theirs: order(storeId: 202, externalId: "ORDER-1") { totalPrice contact { firstName } } '
        "  teamless: store(storeId: 123) { name } }"
    )
    for attacker in ATTACKERS:
        body = await gql(api, document, key=tenants.keys[attacker])
        assert body["data"]["mine"] == {"totalPrice": "11.11", "contact": {"firstName": "Alice"}}
        assert body["data"]["theirs"] is None
        assert sorted((e["path"][0], e["extensions"]["code"]) for e in body["errors"]) == [
            ("teamless", "FORBIDDEN"),
            ("theirs", "FORBIDDEN"),
        ]
        assert not _leaked(json.dumps(body))


async def test_alphas_own_queries_naming_betas_ids_find_nothing_of_beta(tenants: Tenants) -> None:
    """Internal ids are global numbers and phones are shared across stores: a query on alpha's
    own store that names beta's ids, phone or customer must still see only alpha's rows."""
    api = tenants.api
    beta_key = tenants.keys["beta store key"]
    beta_ids = await gql(
        api, '{ order(storeId: 202, externalId: "ORDER-1") { id contact { id } shipments { id } } }', key=beta_key
    )
    order = beta_ids["data"]["order"]
    ids = {"@ORDER@": order["id"], "@CONTACT@": order["contact"]["id"], "@SHIPMENT@": order["shipments"][0]["id"]}
    ids["@PHONE@"] = BETA_PHONE
    templates = [
        '{ events(storeId: 201, filter: {subjectId: "@ORDER@"}) { totalCount edges { node { data } } } }',
        '{ events(storeId: 201, filter: {subjectId: "@CONTACT@", subjectType: "contact"}) { edges { node { data } } } }',
        '{ events(storeId: 201, filter: {subjectId: "@SHIPMENT@", subjectType: "shipment"}) { edges { node { data } } } }',
        '{ contact(storeId: 201, phone: "@PHONE@") { firstName email } }',
        '{ contacts(storeId: 201, phone: "@PHONE@") { edges { node { firstName } } } }',
        '{ orders(storeId: 201, filter: {phone: "@PHONE@"}) { edges { node { totalPrice } } } }',
        '{ contact(storeId: 201, externalId: "CUST-1") { firstName phone email } }',
        '{ contacts(storeId: 201, search: "CUST") { edges { node { firstName phone } } } }',
        '{ contacts(storeId: 201, consent: {marketing: "not_subscribed"}) { edges { node { phone automationLog { data } } } } }',
        '{ orders(storeId: 201, filter: {search: "ORDER"}) { edges { node { totalPrice metadata } } } }',
    ]
    queries = []
    for template in templates:
        for token, value in ids.items():
            template = template.replace(token, str(value))
        queries.append(template)
    for attacker in ATTACKERS:
        for query in queries:
            body = await gql(api, query, key=tenants.keys[attacker])
            assert "errors" not in body, (query, body)
            assert not _leaked(json.dumps(body)), (query, body)
    rest = await api.get("/orders/ORDER-1", store=ALPHA, key=tenants.keys["alpha store key"])
    assert rest.json()["total_price"] == "11.11" and not _leaked(rest.text)
