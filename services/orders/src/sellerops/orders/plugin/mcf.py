"""`sellerops orders mcf-create|mcf-get|mcf-cancel|mcf-release`: multi-channel fulfillment orders."""

import uuid
from pathlib import Path

import typer
from sellerops.cli.common import JsonOption, NatsUrlOption, console, emit, print_json, read_request, table
from sellerops.contracts.orders import (
    CancelMcfOrder, CreateMcfOrder, FulfillmentAction, GetMcfOrder, McfOrderView, ReleaseMcfOrder,
)
from sellerops.orders.plugin.common import _ask, cli


def _print_mcf(order: McfOrderView) -> None:
    console.print(f"[bold]{order.mcf_order_id}[/bold]  {order.status.value}  {order.shipping_speed.value}  "
                  f"{order.fill_policy.value}" + ("  (cancel requested)" if order.cancel_requested else "")
                  + (f"  held{', released ' + order.released_at.isoformat() if order.released_at else ''}"
                     if order.fulfillment_action is FulfillmentAction.HOLD else ""))
    if order.status_reason:
        console.print(f"reason: {order.status_reason}", highlight=False, markup=False)
    dest = order.destination
    console.print(f"to {dest.name}, {dest.address_line1}, {dest.city} {dest.postal_code} {dest.country_code}")
    items = table("item", "sku", "quantity", ids=("item", "sku"))
    for item in order.items:
        items.add_row(item.item_id, item.seller_sku, str(item.quantity))
    console.print(items)
    for package in order.packages:
        console.print(f"package: {package.carrier_code} {package.tracking_number} shipped {package.ship_date}")


@cli.command("mcf-create")
def mcf_create(seller: str, file: Path = typer.Argument(..., help="a JSON CreateMcfOrder (see `sellerops asyncapi`)"),
               nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Create a multi-channel fulfillment order; the fulfillment service fulfils it."""
    request = read_request(file, CreateMcfOrder)
    order = _ask(nats_url, seller, "create_mcf_order", request, McfOrderView)
    print_json(order) if as_json else _print_mcf(order)


@cli.command("mcf-get")
def mcf_get(seller: str, mcf_order_id: str, nats_url: str = NatsUrlOption,
            as_json: bool = JsonOption) -> None:
    """An MCF order with its status and packages."""
    order = _ask(nats_url, seller, "get_mcf_order", GetMcfOrder(mcf_order_id=mcf_order_id), McfOrderView)
    print_json(order) if as_json else _print_mcf(order)


@cli.command("mcf-cancel")
def mcf_cancel(seller: str, mcf_order_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Ask the fulfillment service to cancel an MCF order (while New, Received or Planning)."""
    request = CancelMcfOrder(mcf_order_id=mcf_order_id, request_id=str(uuid.uuid4()))
    order = _ask(nats_url, seller, "cancel_mcf_order", request, McfOrderView)
    emit(order, lambda: _print_mcf(order))


@cli.command("mcf-release")
def mcf_release(seller: str, mcf_order_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Release a held MCF order (created with fulfillment_action Hold): the network ships it."""
    order = _ask(nats_url, seller, "release_mcf_order", ReleaseMcfOrder(mcf_order_id=mcf_order_id), McfOrderView)
    emit(order, lambda: _print_mcf(order))
