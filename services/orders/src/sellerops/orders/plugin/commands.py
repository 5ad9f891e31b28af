"""`sellerops orders get|list|at-risk|confirm-shipment|correct-tracking|cancel|answer-cancel|refund|history`."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import typer
from sellerops.cli.common import JsonOption, NatsUrlOption, console, emit, fail, print_json, table
from sellerops.contracts.market import Money
from sellerops.contracts.orders import (
    AnswerCancelRequest,
    AtRiskList,
    CancelOrder,
    ConfirmShipment,
    CorrectTracking,
    GetOrder,
    ListAtRisk,
    ListOrders,
    OrderList,
    OrderStatus,
    OrderView,
    PackageDetail,
    PackageItem,
    RefundLine,
    RefundOrder,
    RefundReason,
    SellerCancelReason,
)
from sellerops.orders.plugin.common import _ask, _print_order, _utc, cli


@cli.command()
def get(seller: str, order_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """One order with its lines and packages."""
    order = _ask(nats_url, seller, "get_order", GetOrder(order_id=order_id), OrderView)
    print_json(order) if as_json else _print_order(order)


@cli.command("list")
def list_(
    seller: str, nats_url: str = NatsUrlOption,
    status: str = typer.Option(None, "--status", help="e.g. unshipped, pending, shipped, partially-shipped"),
    purchased_from: datetime = typer.Option(None, "--from", help="purchased at or after (ISO date or date-time, UTC)"),
    purchased_to: datetime = typer.Option(None, "--to", help="purchased before"),
    ship_by: datetime = typer.Option(None, "--ship-by", help="latest ship date at or before"),
    limit: int = typer.Option(100, "--limit", help="at most this many orders on a page"),
    cursor: str = typer.Option(None, "--cursor", help="next page"),
    as_json: bool = JsonOption,
) -> None:
    """A seller's orders, newest first, filtered by status, purchase date or ship-by date; a page at a time."""
    try:
        wanted = OrderStatus.parse(status) if status else None
    except ValueError as exc:
        fail(str(exc), code=2)
    query = ListOrders(status=wanted, purchased_from=_utc(purchased_from), purchased_to=_utc(purchased_to),
                       ship_by_to=_utc(ship_by), limit=limit, cursor=cursor)
    result = _ask(nats_url, seller, "list_orders", query, OrderList)
    if as_json:
        print_json(result)
        return
    rows = table("order", "status", "channel", "purchased", "ship by", "units", ids=("order",))
    for o in result.orders:
        rows.add_row(o.order_id, o.status.value if o.status else "-",
                     o.fulfillment_channel.value if o.fulfillment_channel else "",
                     _minute(o.purchased_at), _minute(o.ship_window.latest) if o.ship_window else "",
                      str(sum(line.quantity_ordered for line in o.lines)))
    console.print(rows)
    count = len(result.orders)
    console.print(f"{count} order{'' if count == 1 else 's'}" + (f" (next page: --cursor '{result.next_cursor}')"
                                                     if result.next_cursor else ""))


@cli.command("at-risk")
def at_risk(
    seller: str,
    within_hours: float = typer.Option(24.0, "--within-hours", help="due to ship within this many hours (late ones always)"),
    limit: int = typer.Option(100, "--limit", help="orders per page"),
    cursor: str = typer.Option(None, "--cursor", help="the next page: the cursor a previous page printed"),
    nats_url: str = NatsUrlOption,
    as_json: bool = JsonOption,
) -> None:
    """Unshipped orders due to ship within the horizon or already late, soonest first; a page at a time."""
    query = ListAtRisk(within_hours=within_hours, limit=limit, cursor=cursor)
    result = _ask(nats_url, seller, "list_at_risk", query, AtRiskList)
    if as_json:
        print_json(result)
        return
    rows = table("order", "status", "ship by", "hours left", "units", ids=("order",))
    for o in result.orders:
        left = f"[red]{o.hours_left}[/red]" if o.hours_left < 0 else str(o.hours_left)
        rows.add_row(o.order_id, o.status.value, o.latest_ship_date.strftime("%Y-%m-%d %H:%M"), left,
                     str(o.units_unshipped))
    if result.orders:
        console.print(rows)
    else:
        console.print(f"no unshipped order due within {within_hours:g} hours, none late")
    if result.next_cursor:
        console.print(f"{len(result.orders)} orders (next page: --cursor '{result.next_cursor}')")


@cli.command("confirm-shipment")
def confirm_shipment(
    seller: str, order_id: str,
    carrier: str = typer.Option(..., "--carrier", help="carrier code, e.g. UPS, USPS, FedEx, Other"),
    tracking: str = typer.Option(..., "--tracking", help="tracking number"),
    item: list[str] = typer.Option(..., "--item", help="ORDER_ITEM_ID:QUANTITY, repeat per item"),
    ship_date: str = typer.Option(None, "--ship-date", help="YYYY-MM-DD (default today)"),
    carrier_name: str = typer.Option(None, "--carrier-name", help="required with --carrier Other"),
    ship_method: str = typer.Option(None, "--ship-method", help="e.g. Ground, Second Day"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Confirm one shipped package of a seller-fulfilled order."""
    try:
        items = [PackageItem(i.rsplit(":", 1)[0], int(i.rsplit(":", 1)[1])) for i in item]
        day = date.fromisoformat(ship_date) if ship_date else date.today()
    except (ValueError, IndexError) as exc:
        fail(f"bad --item or --ship-date: {exc} (items are ORDER_ITEM_ID:QUANTITY, dates YYYY-MM-DD)", code=2)
    package = PackageDetail(carrier_code=carrier, tracking_number=tracking, ship_date=day, items=items,
                            carrier_name=carrier_name, ship_method=ship_method)
    request = ConfirmShipment(order_id=order_id, package=package, request_id=str(uuid.uuid4()))
    _show(_ask(nats_url, seller, "confirm_shipment", request, OrderView))


@cli.command("correct-tracking")
def correct_tracking(
    seller: str, order_id: str,
    package: int = typer.Option(1, "--package", help="package number (1 = the first confirmed)"),
    carrier: str = typer.Option(..., "--carrier", help="carrier code, e.g. UPS, USPS, FedEx, Other"),
    tracking: str = typer.Option(..., "--tracking", help="the corrected tracking number"),
    carrier_name: str = typer.Option(None, "--carrier-name", help="required with --carrier Other"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Correct the carrier or tracking number of a confirmed package."""
    request = CorrectTracking(order_id=order_id, package_number=package, carrier_code=carrier, tracking_number=tracking,
                              carrier_name=carrier_name, request_id=str(uuid.uuid4()))
    _show(_ask(nats_url, seller, "correct_tracking", request, OrderView))


@cli.command()
def cancel(
    seller: str, order_id: str,
    reason: SellerCancelReason = typer.Option(..., "--reason", help="Seller Central cancel reason"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Cancel an unshipped order (counts against the seller unless it answers a buyer's request)."""
    request = CancelOrder(order_id=order_id, reason=reason, request_id=str(uuid.uuid4()))
    _show(_ask(nats_url, seller, "cancel_order", request, OrderView))


@cli.command("answer-cancel")
def answer_cancel(
    seller: str, order_id: str,
    approve: bool = typer.Option(..., "--approve/--decline", help="approve or decline the buyer's request"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Approve or decline a buyer's cancellation request."""
    request = AnswerCancelRequest(order_id=order_id, approve=approve, request_id=str(uuid.uuid4()))
    _show(_ask(nats_url, seller, "answer_cancel_request", request, OrderView))


@cli.command()
def refund(
    seller: str, order_id: str,
    line: list[str] = typer.Option(..., "--line", help="ORDER_ITEM_ID:AMOUNT:CURRENCY, repeat per item"),
    reason: RefundReason = typer.Option(..., "--reason", help="Seller Central refund reason"),
    nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
) -> None:
    """Refund some or all of what was paid for items of an order."""
    try:
        lines = [RefundLine(item, Money(Decimal(amount), currency))
                 for item, amount, currency in (entry.rsplit(":", 2) for entry in line)]
    except (ValueError, ArithmeticError) as exc:
        fail(f"bad --line: {exc} (lines are ORDER_ITEM_ID:AMOUNT:CURRENCY, e.g. 41234567890123:5.00:USD)", code=2)
    request = RefundOrder(order_id=order_id, lines=lines, reason=reason, request_id=str(uuid.uuid4()))
    _show(_ask(nats_url, seller, "refund_order", request, OrderView))


@cli.command()
def history(seller: str, order_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """An order's timeline: every event it went through."""
    order = _ask(nats_url, seller, "get_order", GetOrder(order_id=order_id), OrderView)
    if as_json:
        print_json(order.history)
        return
    rows = table("at", "event", "details", ids=("at",))
    for entry in order.history:
        rows.add_row(entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.type, entry.summary)
    console.print(rows)


def _minute(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _show(order: OrderView) -> None:
    emit(order, lambda: _print_order(order))
