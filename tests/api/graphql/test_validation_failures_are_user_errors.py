"""SPEC §5: validation failures are userErrors { field code message } with the REST codes (the ErrorCode enum), never a 500."""

from tests.api.graphql.documents import UPDATE_ORDER, UPSERT_ORDER, gql, order_input


async def test_validation_failures_are_user_errors_with_the_error_code_enum(api):
    body = await gql(
        api, UPSERT_ORDER, {"input": order_input(totalPrice="-1", customer={"phone": "12"}, currency="EUX")}
    )
    assert "errors" not in body
    payload = body["data"]["upsertOrder"]
    assert payload["order"] is None and payload["created"] is None
    codes = {tuple(error["field"]): error["code"] for error in payload["userErrors"]}
    assert codes == {
        ("input", "totalPrice"): "OUT_OF_RANGE",
        ("input", "currency"): "INVALID_CURRENCY",
        ("input", "customer", "phone"): "INVALID_PHONE",
    }
    assert await api.count("orders") == 0


async def test_update_of_unknown_order_is_a_user_error(api):
    payload = (await gql(api, UPDATE_ORDER, {"input": {"financialStatus": "paid"}}))["data"]["updateOrder"]
    assert payload["userErrors"] == [{"field": ["externalId"], "code": "NOT_FOUND", "message": "Order not found"}]
