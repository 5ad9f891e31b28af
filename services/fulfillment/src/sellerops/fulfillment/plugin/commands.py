"""`sellerops fulfillment plan-create|plan-confirm|plan-cancel|plan|shipment-update|shipment|shipments|cases|
case-resolve|inventory|ledger-check|outbound|removal-create|removal-cancel|removal`."""

from pathlib import Path

import typer

from sellerops.cli.common import JsonOption, NatsUrlOption, console, emit, table
from sellerops.contracts.inbound import (
    CancelInboundPlan, CaseList, CaseStatus, ConfirmPlacement, CreateInboundPlan, InboundPlanView, ListCases,
    ListShipments, PlanRef, ResolveCase, ShipmentList, ShipmentRef, ShipmentStatus, ShipmentView, UpdateShipment,
)
from sellerops.contracts.inventory import (
    CheckLedger, CreateRemovalOrder, GetOutboundOrder, InventoryList, LedgerCheck, ListInventory, OutboundOrderView,
    RemovalOrderView, RemovalRef,
)
from sellerops.contracts.market import Money
from sellerops.fulfillment.plugin.common import ask, cli, print_json, read_request

PLAN_TIMEOUT_S = 30.0  # placement runs every strategy, the solver up to its time limit


def _money(m: Money | None) -> str:
    return f"{m.amount} {m.currency}" if m is not None else "-"


def _print_plan(plan: InboundPlanView) -> None:
    units = sum(i.quantity for i in plan.items)
    console.print(f"[bold]{plan.plan_id}[/bold]  {plan.status.value}  {len(plan.items)} SKUs, {units} units, "
                  f"from {plan.ship_from.city} {plan.ship_from.postal_code}")
    options = table("option", "strategy", "split", "centers", "placement fee", "transport", "outbound", "landed",
                    "days p50/p90", "within 2 d", "expires", ids=("option",))
    for o in plan.options:
        chosen = " [green](confirmed)[/green]" if o.option_id == plan.confirmed_option_id else ""
        speed = f"{o.days_p50}/{o.days_p90}" if o.days_p50 is not None else "-"
        fast = f"{o.share_within_2_days:.0%}" if o.share_within_2_days is not None else "-"
        if o.meets_speed_target is False:
            fast += " [red](misses target)[/red]"
        options.add_row(o.option_id + chosen, o.strategy, o.split.value,
                        ", ".join(s.center_id for s in o.shipments), _money(o.placement_fee),
                        _money(o.transport_cost), _money(o.outbound_cost), _money(o.landed_cost or o.total_cost),
                        speed, fast, o.expires_at.strftime("%Y-%m-%d %H:%M"))
    console.print(options)
    for strategy, why in plan.refused.items():
        console.print(f"[yellow]{strategy}[/yellow] offered no option: {why}")
    if plan.shipment_ids:
        console.print("shipments: " + ", ".join(plan.shipment_ids))


def _print_shipment(s: ShipmentView) -> None:
    console.print(f"[bold]{s.shipment_id}[/bold] ({s.confirmation_id})  {s.status.value}  to {s.center_id}  "
                  f"plan {s.plan_id}")
    if s.tracking_number:
        console.print(f"carrier {s.carrier_code} tracking {s.tracking_number}")
    units = table("sku", "expected", "received", "damaged", ids=("sku",))
    for u in s.items:
        units.add_row(u.sku, str(u.expected), str(u.received), str(u.damaged))
    console.print(units)
    if s.case is not None:
        console.print(f"case {s.case.case_id} {s.case.status.value}, claim by {s.case.claim_deadline.isoformat()}")


@cli.command("plan-create")
def plan_create(seller: str,
                file: Path = typer.Argument(..., help="a JSON CreateInboundPlan (see `sellerops asyncapi`)"),
                nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Create an inbound plan: every placement plugin offers a split across centers, with its landed cost."""
    plan = ask(nats_url, seller, "create_inbound_plan", read_request(file, CreateInboundPlan), InboundPlanView,
               timeout=PLAN_TIMEOUT_S)
    print_json(plan) if as_json else _print_plan(plan)


@cli.command("plan")
def plan_get(seller: str, plan_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption,
             regenerate: bool = typer.Option(False, "--regenerate", help="generate fresh options first")) -> None:
    """A plan with its placement options."""
    verb = "regenerate_placement_options" if regenerate else "get_inbound_plan"
    plan = ask(nats_url, seller, verb, PlanRef(plan_id=plan_id), InboundPlanView, timeout=PLAN_TIMEOUT_S)
    print_json(plan) if as_json else _print_plan(plan)


@cli.command("plan-confirm")
def plan_confirm(seller: str, plan_id: str, option_id: str, nats_url: str = NatsUrlOption,
                 as_json: bool = JsonOption) -> None:
    """Confirm a placement option (final): its shipments are created."""
    plan = ask(nats_url, seller, "confirm_placement_option", ConfirmPlacement(plan_id=plan_id, option_id=option_id),
               InboundPlanView)
    emit(plan, lambda: _print_plan(plan))


@cli.command("plan-cancel")
def plan_cancel(seller: str, plan_id: str, reason: str = typer.Option(None, "--reason", help="why, kept on the plan"),
                nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Void a plan; its shipments not yet sent are deleted."""
    plan = ask(nats_url, seller, "cancel_inbound_plan", CancelInboundPlan(plan_id=plan_id, reason=reason),
               InboundPlanView)
    emit(plan, lambda: _print_plan(plan))


@cli.command("shipment-update")
def shipment_update(seller: str, shipment_id: str,
                    status: ShipmentStatus = typer.Option(..., "--status",
                                                          help="READY_TO_SHIP, SHIPPED, CANCELLED, DELETED"),
                    carrier: str = typer.Option(None, "--carrier", help="carrier code, e.g. UPS"),
                    tracking: str = typer.Option(None, "--tracking", help="tracking number of the shipment"),
                    nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """The seller's side of an inbound shipment."""
    request = UpdateShipment(shipment_id=shipment_id, status=status, carrier_code=carrier, tracking_number=tracking)
    found = ask(nats_url, seller, "update_inbound_shipment", request, ShipmentView)
    emit(found, lambda: _print_shipment(found))


@cli.command("shipment")
def shipment_get(seller: str, shipment_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """One inbound shipment: expected and received units, tracking, its discrepancy case."""
    found = ask(nats_url, seller, "get_inbound_shipment", ShipmentRef(shipment_id=shipment_id), ShipmentView)
    print_json(found) if as_json else _print_shipment(found)


@cli.command("shipments")
def shipments_list(seller: str, status: ShipmentStatus = typer.Option(None, "--status", help="only shipments in this status"),
                   plan_id: str = typer.Option(None, "--plan", help="only this plan's shipments"),
                   nats_url: str = NatsUrlOption,
                   as_json: bool = JsonOption) -> None:
    """A seller's inbound shipments."""
    found = ask(nats_url, seller, "list_inbound_shipments", ListShipments(status=status, plan_id=plan_id),
                ShipmentList, every_page_of="shipments")
    if as_json:
        print_json(found)
        return
    rows = table("shipment", "confirmation", "center", "status", "expected", "received", "damaged",
                 ids=("shipment", "confirmation"))
    for s in found.shipments:
        rows.add_row(s.shipment_id, s.confirmation_id, s.center_id, s.status.value,
                      str(sum(u.expected for u in s.items)), str(sum(u.received for u in s.items)),
                     str(sum(u.damaged for u in s.items)))
    console.print(rows if found.shipments else "no inbound shipments")


@cli.command("cases")
def cases(seller: str, status: CaseStatus = typer.Option(CaseStatus.OPEN, "--status", help="cases in this status"),
          nats_url: str = NatsUrlOption,
          as_json: bool = JsonOption) -> None:
    """Receiving discrepancy cases, soonest claim deadline first."""
    found = ask(nats_url, seller, "list_cases", ListCases(status=status), CaseList, every_page_of="cases")
    if as_json:
        print_json(found)
        return
    rows = table("case", "shipment", "center", "claim from", "claim by", "discrepancies", "status",
                 ids=("case", "shipment"))
    for c in found.cases:
        lines = "; ".join(f"{line.sku} {line.kind.value} {line.units}" for line in c.lines)
        rows.add_row(c.case_id, c.confirmation_id, c.center_id, c.claim_opens_at.date().isoformat(),
                     c.claim_deadline.date().isoformat(), lines, c.status.value)
    console.print(rows if found.cases else f"no {status.value} cases")


@cli.command("case-resolve")
def case_resolve(seller: str, shipment_id: str, reason: str = typer.Option(..., "--reason", help="why, kept on the case"),
                 nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Close a shipment's discrepancy case without (full) reimbursement."""
    found = ask(nats_url, seller, "resolve_case", ResolveCase(shipment_id=shipment_id, reason=reason), ShipmentView)
    emit(found, lambda: _print_shipment(found))


@cli.command("inventory")
def inventory(seller: str, skus: list[str] = typer.Argument(None, help="only these SKUs (default: all)"),
              nats_url: str = NatsUrlOption,
              by_center: bool = typer.Option(False, "--by-center", help="a row per center too"),
              as_json: bool = JsonOption) -> None:
    """Inventory per SKU (and per center): fulfillable, inbound, reserved, researching, unfulfillable; and what the
    marketplace itself last counted, with any difference from the ledger."""
    found = ask(nats_url, seller, "list_inventory", ListInventory(skus=skus or None), InventoryList,
                every_page_of="items")
    if as_json:
        print_json(found)
        return
    rows = table("sku", "center", "fulfillable", "inbound w/s/r", "reserved", "researching", "unfulfillable", "total",
                 ids=("sku",))
    differing = []
    for item in found.items:
        per_center = [("all", item.totals)] + ([(c.center_id, c.counts) for c in item.centers] if by_center else [])
        for center, n in per_center:
            rows.add_row(item.sku, center, str(n.fulfillable),
                          f"{n.inbound_working}/{n.inbound_shipped}/{n.inbound_receiving}", str(n.reserved_total),
                          str(n.researching), str(n.unfulfillable_total), str(n.total))
        for m in item.marketplace:
            c = m.counts.get
            reserved = c("reserved_customer_order", 0) + c("reserved_transfer", 0) + c("reserved_processing", 0)
            style = "yellow" if m.differences else "dim"
            rows.add_row(item.sku, f"[{style}]{m.marketplace_id} says[/{style}]", str(c("fulfillable", 0)),
                          f"{c('inbound_working', 0)}/{c('inbound_shipped', 0)}/{c('inbound_receiving', 0)}",
                          str(reserved), str(c("researching", 0)), str(c("unfulfillable", 0)),
                          str(c("fulfillable", 0) + reserved + c("researching", 0) + c("unfulfillable", 0)))
            if m.differences:
                differing.append((item.sku, m))
    console.print(rows if found.items else "no inventory")
    for sku, m in differing:
        what = ", ".join(f"{d.bucket.replace('_', ' ')} {d.marketplace} (ledger {d.ledger})" for d in m.differences)
        console.print(f"[yellow]{sku}[/yellow]: {m.marketplace_id} counted {what} at "
                      f"{m.reported_at:%Y-%m-%d %H:%M} UTC", highlight=False)


@cli.command("ledger-check")
def ledger_check(seller: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Replay the inventory ledger from the stream and compare with the summaries; exit 1 on any drift."""
    result = ask(nats_url, seller, "check_ledger", CheckLedger(), LedgerCheck, timeout=60.0)
    if as_json:
        print_json(result)
    else:
        console.print(f"{result.skus_checked} SKUs, {result.entries_replayed} ledger entries replayed")
        for d in result.drift:
            console.print(f"[red]drift[/red] {d.sku} at {d.center_id} {d.bucket}: "
                          f"ledger {d.ledger}, summary {d.summary}")
        for sku in result.gaps:
            console.print(f"[red]sequence gap[/red] {sku}")
    if result.drift or result.gaps or result.negative:
        raise typer.Exit(1)
    if not as_json:
        console.print("[green]no drift[/green]")


@cli.command("outbound")
def outbound_get(seller: str, order_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """An AFN or MCF order as the network fulfils it: where it was allocated, what is short, what shipped."""
    found = ask(nats_url, seller, "get_outbound_order", GetOutboundOrder(fulfillment_order_id=order_id),
                OutboundOrderView)
    if as_json:
        print_json(found)
        return
    console.print(f"[bold]{found.fulfillment_order_id}[/bold]  {found.kind.value}  {found.status.value}  "
                  f"{found.fill_policy.value}")
    rows = table("item", "sku", "center", "allocated", ids=("item", "sku"))
    for a in found.allocations:
        rows.add_row(a.item_id, a.sku, a.center_id, str(a.quantity))
    for s in found.shortfalls:
        rows.add_row(s.item_id, s.sku, "[red]short[/red]", str(s.quantity))
    console.print(rows)


def _print_removal(r: RemovalOrderView) -> None:
    console.print(f"[bold]{r.removal_order_id}[/bold]  {r.removal_type.value}  {r.status.value}")
    rows = table("sku", "center", "condition", "requested", "shipped", "disposed", "cancelled", "over-reported",
                 ids=("sku",))
    for line in r.lines:
        rows.add_row(line.sku, line.center_id, line.condition.value, str(line.requested), str(line.shipped),
                     str(line.disposed), str(line.cancelled),
                     f"[red]{line.over_reported}[/red]" if line.over_reported else "0")
    console.print(rows)
    if r.shipments:
        shipped = table("shipped", "carrier", "tracking", "units", ids=("tracking",))
        for s in r.shipments:
            shipped.add_row(s.reported_at.isoformat(), s.carrier_code or "-", s.tracking_number or "-", str(s.units))
        console.print(shipped)


@cli.command("removal-create")
def removal_create(seller: str, file: Path = typer.Argument(..., help="a JSON CreateRemovalOrder"),
                   nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Create a removal order (Return to an address, or Disposal)."""
    found = ask(nats_url, seller, "create_removal_order", read_request(file, CreateRemovalOrder), RemovalOrderView)
    emit(found, lambda: _print_removal(found))


@cli.command("removal-cancel")
def removal_cancel(seller: str, removal_order_id: str, nats_url: str = NatsUrlOption,
                   as_json: bool = JsonOption) -> None:
    """Cancel what a removal order has not yet shipped or disposed of."""
    found = ask(nats_url, seller, "cancel_removal_order", RemovalRef(removal_order_id=removal_order_id),
                RemovalOrderView)
    emit(found, lambda: _print_removal(found))


@cli.command("removal")
def removal_get(seller: str, removal_order_id: str, nats_url: str = NatsUrlOption,
                as_json: bool = JsonOption) -> None:
    """A removal order with its per-SKU quantities."""
    found = ask(nats_url, seller, "get_removal_order", RemovalRef(removal_order_id=removal_order_id), RemovalOrderView)
    print_json(found) if as_json else _print_removal(found)



