"""Shared pieces of the `sellerops orders ...` commands: asking the service, printing an order."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import typer
from sellerops.cli.common import ask_service, console, table, with_service
from sellerops.contracts.orders import OrderView

T = TypeVar("T")

cli = typer.Typer(help="A seller's orders, answered by the orders service.", no_args_is_help=True,
                  pretty_exceptions_enable=False)


def _ask(nats_url: str | None, seller: str, verb: str, request: object, reply_type: type) -> Any:
    return ask_service("orders", nats_url, seller, verb, request, reply_type)


def _with_service(nats_url: str | None, work: Callable[[Any], Awaitable[T]], hint: str = "") -> T:
    return with_service("orders", nats_url, work, hint)


def _print_order(order: OrderView) -> None:
    console.print(f"[bold]{order.order_id}[/bold]  {order.status.value if order.status else '-'}  "
                  f"{order.fulfillment_channel.value if order.fulfillment_channel else ''}  purchased {order.purchased_at}")
    if order.ship_window:
        console.print(f"ship by {order.ship_window.latest}" + ("  [red]shipped late[/red]" if order.late_shipment else ""))
    if order.cancel_request:
        console.print(f"[yellow]buyer asks to cancel[/yellow] ({order.cancel_request}): sellerops orders answer-cancel")
    if order.canceled_by:
        console.print(f"canceled by {order.canceled_by.value}: {order.cancel_reason}")
    lines = table("item", "sku", "ordered", "shipped", "price", ids=("item",))
    for line in order.lines:
        lines.add_row(line.order_item_id, line.sku, str(line.quantity_ordered), str(line.quantity_shipped),
                      f"{line.item_price.amount} {line.item_price.currency}")
    console.print(lines)
    for number, package in enumerate(order.packages, start=1):
        console.print(f"package {number}: {package.carrier_code} {package.tracking_number} shipped {package.ship_date}")
    if order.refunded:
        console.print("refunded so far: " + ", ".join(f"{r.order_item_id} {r.amount.amount} {r.amount.currency}"
                                                      for r in order.refunded))


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value
