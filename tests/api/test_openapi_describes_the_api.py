"""OpenAPI from the validating models, and rendered bodies matching it (the /docs page that
shows it: tests/api/test_docs_page_serves_local_files.py)."""

import jsonschema_rs
import pytest

from tests.conftest import cart_body, order_body, shipment_body


async def test_openapi_document_comes_from_the_command_models(api):
    document = (await api.client.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    order_schema = document["components"]["schemas"]["OrderInput"]
    # The customer may be left out when an address carries the phone (README, "Phones as shops send them").
    assert set(order_schema["required"]) == {"external_id", "placed_at", "total_price"}
    assert {"customer", "shipping_address", "billing_address"} <= set(order_schema["properties"])
    assert "/api/v1/stores/{store_id}/checkouts/{external_id}" in document["paths"]
    post = document["paths"]["/api/v1/stores/{store_id}/orders"]["post"]
    assert {"200", "201", "401", "403", "404", "413", "422", "429"} <= set(post["responses"])


async def test_each_schema_has_a_title_of_its_own(api):
    """/docs lists the schemas by title: a model described as a request's part and as an
    answer's (an address, a consent) showed twice under one name."""
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]
    titles = [schema.get("title", name) for name, schema in schemas.items()]
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
    assert (schemas["Address-Input"]["title"], schemas["Address-Output"]["title"]) == (
        "Address (request)",
        "Address (answer)",
    )


async def test_responses_match_their_documented_schemas(api):
    document = (await api.client.get("/openapi.json")).json()

    def check(name: str, body: dict) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        jsonschema_rs.validator_for(schema).validate(body)
        # every documented field is in the body, and nothing undocumented is
        assert set(body) == set(document["components"]["schemas"][name]["properties"]), name

    def check_written(name: str, path: str, body: dict) -> None:
        """A write's answer: the record's fields, and `automations` (issue 15), as documented."""
        (schema,) = {
            status: response["content"]["application/json"]["schema"]
            for status, response in document["paths"][f"/api/v1/stores/{{store_id}}{path}"]["post"]["responses"].items()
            if status == "201"
        }.values()
        jsonschema_rs.validator_for({**schema, "components": document["components"]}).validate(body)
        for item in body["automations"]:
            check("AutomationDecision", item)
        check(name, {key: value for key, value in body.items() if key != "automations"})

    check_written("Order", "/orders", (await api.post("/orders", order_body())).json())
    check_written("Shipment", "/shipments", (await api.post("/shipments", shipment_body())).json())
    check_written("Cart", "/carts", (await api.post("/carts", cart_body())).json())
    check_written("Customer", "/customers", (await api.post("/customers", {"phone": "+33612345678"})).json())
    check("ValidationError", (await api.post("/orders", {})).json())
    check("Order", (await api.get("/orders/ORDER-1001")).json())


BATCH_PATHS = {
    "orders": "OrderInputBatch",
    "shipments": "ShipmentInputBatch",
    "carts": "CartInputBatch",
    "checkouts": "CartInputBatch",
    "customers": "CustomerInputBatch",
}


async def test_batches_are_described_and_answer_as_documented(api):
    document = (await api.client.get("/openapi.json")).json()
    for resource, body in BATCH_PATHS.items():
        post = document["paths"][f"/api/v1/stores/{{store_id}}/{resource}/batch"]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{body}"}
        assert {"200", "401", "403", "404", "413", "415", "422", "429"} <= set(post["responses"])
        assert "1,000 items and 5 MiB" in post["description"]
        # `results` alone, as answered: no `automations` beside them (each result has its own)
        answered = post["responses"]["200"]["content"]["application/json"]["schema"]
        assert answered == {"$ref": "#/components/schemas/BatchResults"}, resource
    items = document["components"]["schemas"]["OrderInputBatch"]["properties"]["items"]
    assert (items["minItems"], items["maxItems"]) == (1, 1000)
    stale = order_body(external_id="S", updated_at="2026-01-01T00:00:00Z")
    newer = order_body(external_id="S", updated_at="2026-02-01T00:00:00Z")
    answer = (await api.post("/orders/batch", {"items": [newer, stale, {}, 7]})).json()
    assert [r["status"] for r in answer["results"]] == [201, 200, 422, 422]
    assert set(answer) == set(document["components"]["schemas"]["BatchResults"]["properties"]) == {"results"}
    schema = {"$ref": "#/components/schemas/BatchResults", "components": document["components"]}
    jsonschema_rs.validator_for(schema).validate(answer)


# every operation that writes reads `Kanal-Backfill` (README "Backfill") and answers 400 for a value
# neither true nor false; reads ignore it: (method, path) -> whether the header is a parameter
BACKFILL_OPERATIONS = {
    ("post", "/orders"): True,
    ("patch", "/orders/{external_id}"): True,
    ("post", "/orders/batch"): True,
    ("post", "/shipments"): True,
    ("post", "/shipments/batch"): True,
    ("post", "/carts"): True,
    ("patch", "/carts/{external_id}"): True,
    ("post", "/checkouts/batch"): True,
    ("post", "/customers"): True,
    ("post", "/customers/batch"): True,
    ("delete", "/customers/{external_id}"): True,
    ("get", "/orders/{external_id}"): False,
    ("get", "/shipments/{external_id}"): False,
    ("get", "/customers/{external_id}"): False,
}


@pytest.mark.parametrize("operation", BACKFILL_OPERATIONS, ids=[" ".join(op) for op in BACKFILL_OPERATIONS])
async def test_the_backfill_header_and_its_400_are_documented_where_read(api, operation):
    document = (await api.client.get("/openapi.json")).json()
    method, path = operation
    described = document["paths"][f"/api/v1/stores/{{store_id}}{path}"][method]
    headers = [parameter for parameter in described["parameters"] if parameter["in"] == "header"]
    if not BACKFILL_OPERATIONS[operation]:
        assert headers == [] and "400" not in described["responses"]
        return
    assert headers == [
        {
            "name": "Kanal-Backfill",
            "in": "header",
            "required": False,
            "description": "`true` imports history: stored, its events recorded and never delivered (no "
            "automation fires). `false`, empty or absent: a live write. Case and spaces do not matter; "
            "any other value is 400 and nothing is written.",
            "schema": {"type": "string", "examples": ["true"]},
        }
    ]
    assert "Kanal-Backfill" in described["responses"]["400"]["description"]
    # and the service answers that 400, in the documented shape
    response = await api.client.request(
        method.upper(),
        f"/api/v1/stores/123{path.format(external_id='X')}",
        headers={**api.auth(), "Kanal-Backfill": "1"},
    )
    assert (response.status_code, response.json()) == (400, {"error": "Kanal-Backfill must be true or false, got '1'."})


# Every answer after the key and store checks carries the store's rate-limit headers (README,
# "Endpoints"): each such status, a request that gets it, and the operation that answers it.
RATE_LIMITED_ANSWERS = {
    "201": ("POST", "/orders", order_body(external_id="ORDER-2"), {}),
    "200": ("GET", "/orders/ORDER-1001", None, {}),
    "204": ("DELETE", "/customers/CUST-1", None, {}),
    "400": ("POST", "/orders", None, {"Kanal-Backfill": "1"}),
    "404": ("PATCH", "/orders/NOPE", {"tags": []}, {}),
    "413": ("POST", "/shipments", {"metadata": {"text": "x" * 1_048_576}}, {}),
    "415": ("POST", "/carts", {}, {"Content-Type": "text/plain"}),
    "422": ("POST", "/shipments", {}, {}),
}


@pytest.mark.parametrize("status", RATE_LIMITED_ANSWERS)
async def test_the_rate_limit_headers_are_documented_on_every_answer_carrying_them(api, status):
    document = (await api.client.get("/openapi.json")).json()
    method, path, body, headers = RATE_LIMITED_ANSWERS[status]
    await api.post("/orders", order_body())
    response = await api.client.request(
        method, f"/api/v1/stores/123{path}", json=body, headers={**api.auth(), **headers}
    )
    assert response.status_code == int(status)
    assert {"x-ratelimit-limit", "x-ratelimit-remaining"} <= set(response.headers)
    template = path.replace("ORDER-1001", "{external_id}").replace("NOPE", "{external_id}")
    template = template.replace("CUST-1", "{external_id}")
    documented = document["paths"][f"/api/v1/stores/{{store_id}}{template}"][method.lower()]["responses"][status]
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining"} <= set(documented.get("headers", {}))


# schema -> {a platform name it reads: the field it is read as, as its description names it}
PLATFORM_NAMES = {
    "OrderInput": {
        "billing": "`billing_address`",
        "shipping": "`shipping_address`",
        "items": "`line_items`",
        "customer_email": "customer's `email`",
        "customer_firstname": "customer's `first_name`",
        "customer_lastname": "customer's `last_name`",
        "phone": "after `customer.phone`, before the addresses' phones",
    },
    "Address-Input": {
        "address_1": "`address1`",
        "address_2": "`address2`",
        "state": "`province`",
        "region": "`province`",
        "postcode": "`zip`",
        "country": "`country_code`",
        "country_id": "`country_code`",
        "firstname": "`first_name`",
        "lastname": "`last_name`",
        "telephone": "`phone`",
        "street": "lines read as `address1`, then `address2`",
        "email": "customer's `email`",
    },
    "EmbeddedCustomer": {"firstname": "`first_name`", "lastname": "`last_name`"},
    "CustomerInput": {"firstname": "`first_name`", "lastname": "`last_name`"},
    "LineItem": {"name": "`title`", "qty_ordered": "`quantity`", "qty": "`quantity`"},
    "ShipmentInput": {
        "tracking_company": "Read as `carrier`",
        "tracking_numbers": "A list of strings, its first non-blank one read as `tracking_number`",
        "tracking_urls": "A list of strings, its first non-blank one read as `tracking_url`",
    },
}
PLATFORM_NAMES["CartInput"] = {**PLATFORM_NAMES["OrderInput"], "abandoned_checkout_url": "`recovery_url`"}
PLATFORM_NAMES["OrderInput"]["order_currency_code"] = "`currency`"


def test_every_platform_name_read_has_a_case() -> None:
    from app.domain.commands import Address, CartInput, CustomerInput, EmbeddedCustomer, OrderInput, ShipmentInput
    from app.domain.platform_names import LINE_ITEM_NAMES

    read = {
        "OrderInput": {*OrderInput.other_names, *OrderInput.read_elsewhere},
        "CartInput": {*CartInput.other_names, *CartInput.read_elsewhere},
        "Address-Input": {*Address.other_names, *Address.other_lines, *Address.read_elsewhere},
        "EmbeddedCustomer": set(EmbeddedCustomer.other_names),
        "CustomerInput": set(CustomerInput.other_names),
        "LineItem": set(LINE_ITEM_NAMES),
        "ShipmentInput": set(ShipmentInput.other_names),
    }
    assert {schema: set(names) for schema, names in PLATFORM_NAMES.items()} == read


@pytest.mark.parametrize(
    ("schema", "name"), [(schema, name) for schema, names in PLATFORM_NAMES.items() for name in names]
)
async def test_the_platform_names_the_bodies_read_are_described(api, schema: str, name: str) -> None:
    """README "Platform payloads": a client generated from the document knows the platforms'
    names a body may carry, each described as the field it is read as, of any JSON type."""
    properties = (await api.client.get("/openapi.json")).json()["components"]["schemas"][schema]["properties"]
    description = properties[name]["description"]
    assert PLATFORM_NAMES[schema][name] in description
    assert description.endswith('(README, "Platform payloads")')
    assert set(properties[name]) == {"description"}


async def test_our_fields_keep_their_own_schemas(api) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]
    assert "Platform payloads" not in str(schemas["Address-Input"]["properties"]["phone"])
    assert "Platform payloads" not in str(schemas["OrderUpdate"])  # a PATCH takes none of them
    assert "Platform payloads" not in str(schemas["CartUpdate"])


def _example(document: dict, method: str, path: str) -> dict:
    operation = document["paths"][f"/api/v1/stores/{{store_id}}{path}"][method]
    return operation["requestBody"]["content"]["application/json"]["example"]


# every operation that takes a body: its example sent alone (after the orders example of the same
# kind for shipments, and after the POST's for a PATCH) -> the status it gets
EXAMPLES = (
    {("post", path): 201 for path in ("/orders", "/shipments", "/carts", "/checkouts", "/customers")}
    | {("post", f"/{resource}/batch"): 200 for resource in BATCH_PATHS}
    | {("patch", f"/{resource}/{{external_id}}"): 200 for resource in ("orders", "carts", "checkouts")}
)


@pytest.mark.parametrize(("method", "path"), list(EXAMPLES), ids=[" ".join(key) for key in EXAMPLES])
async def test_each_example_is_a_request_that_gets_what_is_shown(api, method, path):
    """/docs shows an example body for each write (app.rest.examples), and for each batch the
    answer its example gets. Sent to a store holding none of their records, each example is
    taken; a batch's answer is exactly the one shown, which the schema takes. Before, the
    examples were Swagger UI's, made from the schemas: `"placed_at": "3"`, refused, and `null`
    in a batch's answer for each field an answer leaves out."""
    document = (await api.client.get("/openapi.json")).json()
    operation = document["paths"][f"/api/v1/stores/{{store_id}}{path}"][method]
    assert set(operation["requestBody"]["content"]["application/json"]) == {"schema", "example"}
    resource = path.split("/")[1]
    if resource == "shipments":  # its orders: the single order's, or the orders batch's
        orders = path.replace("shipments", "orders")
        sent = await api.post(orders, _example(document, "post", orders))
        assert sent.status_code == EXAMPLES[("post", orders)], sent.text
    if method == "patch":
        created = _example(document, "post", f"/{resource}")
        assert (await api.post(f"/{resource}", created)).status_code == 201
        answer = await api.patch(f"/{resource}/{created['external_id']}", _example(document, method, path))
    else:
        answer = await api.post(path, _example(document, method, path))
    assert answer.status_code == EXAMPLES[(method, path)], answer.text
    if not path.endswith("/batch"):
        return
    shown = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert answer.json() == shown
    assert [result["status"] for result in shown["results"]] == [201, 201, 200, 422]
    schema = {"$ref": "#/components/schemas/BatchResults", "components": document["components"]}
    jsonschema_rs.validator_for(schema).validate(shown)
    # a field an answer leaves out is described as its type, never as null
    result = document["components"]["schemas"]["BatchResult"]["properties"]
    for name in ("stale", "automations", "message", "errors", "codes"):
        assert "anyOf" not in result[name] and "default" not in result[name], name


async def test_every_example_sent_in_turn_to_one_store_gets_what_is_shown(api):
    """Every example, sent one after the other to one store in the order /docs lists them (each
    single POST before its batch, a PATCH to the record its POST made), gets the status
    `EXAMPLES` gives and, for a batch, the answer shown: each single POST is a record with a
    phone of its own. Before, a single POST's example was its batch's first item, and the
    batch sent after it answered `200` (or `unchanged`) where /docs shows `201`; and the carts'
    phone ordered nothing, where an order of the orders example recovered the carts."""
    document = (await api.client.get("/openapi.json")).json()
    sent = []
    for full_path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            path = full_path.removeprefix("/api/v1/stores/{store_id}")
            example = operation["requestBody"]["content"]["application/json"]["example"]
            if method == "patch":
                created = _example(document, "post", path.removesuffix("/{external_id}"))
                answer = await api.patch(path.replace("{external_id}", created["external_id"]), example)
            else:
                answer = await api.post(path, example)
            shown = operation["responses"]["200"]["content"]["application/json"]["example"] if "batch" in path else None
            got = answer.json() if shown is not None else None
            sent.append((method, path, answer.status_code, got))
    assert [(method, path) for method, path, _, _ in sent] == [
        ("post", "/orders"),
        ("patch", "/orders/{external_id}"),
        ("post", "/shipments"),
        ("post", "/customers"),
        ("post", "/orders/batch"),
        ("post", "/shipments/batch"),
        ("post", "/customers/batch"),
        ("post", "/carts"),
        ("post", "/carts/batch"),
        ("patch", "/carts/{external_id}"),
        ("post", "/checkouts"),
        ("post", "/checkouts/batch"),
        ("patch", "/checkouts/{external_id}"),
    ]
    for method, path, status, got in sent:
        assert status == EXAMPLES[(method, path)], (method, path)
        if got is not None:
            shown = document["paths"][f"/api/v1/stores/{{store_id}}{path}"]["post"]["responses"]["200"]
            assert got == shown["content"]["application/json"]["example"], path
