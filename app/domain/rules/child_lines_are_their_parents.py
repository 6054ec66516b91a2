"""A line item that is part of another line of the same order is not a product sold on its own
(README, "Top products").

Magento's order and quote `items` list a configurable product twice: the row a customer chose
(the parent: its title, its price, its quantity) and the simple product it resolved to (the
child: `parent_item_id` naming the parent's `item_id`, often the same sku, price 0); a bundle
lists its parent (the bundle's price) and one child per part (each with its own list price).
Magento shows and totals the visible items alone, those without a parent
(`Order::getAllVisibleItems`); counting both doubled a configurable product's quantity and
named it after its variant, and counted a bundle's price twice.

So a line whose `parent_item_id` names the `item_id` of another line of the same order, one
of the top (naming none itself), is left out of what is counted (ids read as JSON text: `11`
and `"11"` alike); a line naming no line of the order, itself, or a line that names another in
turn (no shape of Magento's: a loop) is counted, as a line without the field is. The lines stay
stored as sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.json_values import as_text


def counted_lines(line_items: Sequence[Mapping[Any, Any]]) -> Sequence[Mapping[Any, Any]]:
    """`line_items` (an order's, as stored or about to be) without the lines whose
    `parent_item_id` names the `item_id` of another of them at the top; `line_items` itself
    when no line has a parent (nearly every order: one look at each line)."""
    for item in line_items:
        if item.get("parent_item_id") is not None:
            break
    else:
        return line_items
    ids = {as_text(item.get("item_id")) for item in line_items}
    top = {as_text(item.get("item_id")) for item in line_items if not _names_another(item, ids)}
    top.discard(None)
    return [item for item in line_items if not _names_another(item, top)]


def _names_another(item: Mapping[Any, Any], ids: set[str | None]) -> bool:
    """Whether the line's `parent_item_id` is one of `ids` and not its own `item_id`."""
    parent = as_text(item.get("parent_item_id"))
    return parent is not None and parent in ids and parent != as_text(item.get("item_id"))
