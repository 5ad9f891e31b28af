"""`sellerops returns list|get|authorize|close|received|refund|complete|claims|claim|respond|appeal|work|policy|
policy-set`."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from sellerops.cli.common import JsonOption, NatsUrlOption, ask_service, console, fail, print_json, read_request, table
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry, RefundLine
from sellerops.contracts.returns import (
    AppealClaim, AuthorizeReturn, CaseFile, ClaimList, ClaimRef, ClaimView, CloseReturn, CompleteReturn,
    GetReturnPolicy, ListClaims, ListReturns, MarkReturnReceived, OpenWork, RefundReturn, RespondToClaim,
    ReturnList, ReturnMethod, ReturnPolicyView, ReturnRef, ReturnStatus, ReturnView, SetReturnPolicy, WorkList,
)

cli = typer.Typer(help="Return requests, A-to-z claims and chargebacks, case files (returns service).",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def ask(nats_url: str | None, seller: str, verb: str, request: object, reply_type: type,
        every_page_of: str | None = None) -> Any:
    return ask_service("returns", nats_url, seller, verb, request, reply_type, every_page_of=every_page_of)


def _show_return(r: ReturnView, as_json: bool) -> None:
    if as_json:
        print_json(r)
        return
    console.print(f"[bold]{r.return_id}[/bold]  {r.status.value}  order {r.order_id}  "
                  f"{'in policy' if r.in_policy else 'out of policy: ' + '; '.join(r.policy_notes)}")
    if r.rma:
        console.print(f"RMA {r.rma}" + (f"  {r.label.method.value}" if r.label else ""))
    for item in r.items:
        console.print(f"  {item.quantity} x {item.sku} (item {item.order_item_id}): {item.reason}")
    for kind, when in r.due:
        console.print(f"  due: {kind} by {when.isoformat()}")
    if r.refunded:
        console.print(f"refunded {r.refunded.amount} {r.refunded.currency}")
    _show_history(r.history)


def _show_history(history: list[HistoryEntry]) -> None:
    if history:
        console.print("[bold]History[/bold]")
    for entry in history:
        console.print(f"  {entry.at.strftime('%Y-%m-%d %H:%M UTC')}  {entry.summary}")


def _show_claim(c: ClaimView, as_json: bool, *, as_case_file: bool = False) -> None:
    if as_json:
        print_json(c)
        return
    console.print(f"[bold]{c.claim_id}[/bold]  {c.kind.value}  {c.status.value}  order {c.order_id}  "
                  f"{c.reason.value}  {c.amount.amount} {c.amount.currency}"
                  + ("" if c.order_known else "  [red]order never seen[/red]"))
    console.print(f"respond by {c.response_due_at.isoformat()}; counts as a defect: {c.counts_as_defect}"
                  + (f"; outcome {c.outcome.value}" if c.outcome else "")
                  + (f"; appeal by {c.appeal_due_at.isoformat()}" if c.appeal_due_at else ""))
    if not as_case_file:
        _show_history(c.history)


@cli.command("list")
def list_returns(seller: str, status: ReturnStatus = typer.Option(None, "--status", help="only returns in this status"),
                 order: str = typer.Option(None, "--order", help="only this order's returns"),
                 nats_url: str = NatsUrlOption,
                 as_json: bool = JsonOption) -> None:
    """Returns, newest first."""
    result = ask(nats_url, seller, "list_returns", ListReturns(status=status, order_id=order), ReturnList, "returns")
    if as_json:
        print_json(result)
        return
    rows = table("return", "order", "status", "policy", "items", "next deadline", ids=("return", "order", "status"))
    for r in result.returns:
        deadlines = sorted((when, kind) for kind, when in r.due if not kind.endswith("_reminder"))
        rows.add_row(r.return_id, r.order_id, r.status.value, "in" if r.in_policy else "out",
                      ", ".join(f"{i.quantity}x{i.sku}" for i in r.items),
                     f"{deadlines[0][1]} {_when(deadlines[0][0])}" if deadlines else "-")
    console.print(rows if result.returns else "no returns")


@cli.command("get")
def get_return(seller: str, return_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """One return: its items, policy, deadlines, refunds and history."""
    _show_return(ask(nats_url, seller, "get_return", ReturnRef(return_id=return_id), ReturnView), as_json)


@cli.command("authorize")
def authorize(seller: str, return_id: str, method: ReturnMethod = typer.Option(ReturnMethod.PREPAID_LABEL, "--method",
                                                                                   help="how the item comes back"),
              rma: str = typer.Option(None, "--rma", help="your own RMA number"),
              nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Authorize a return request: the buyer gets the label (or your instructions)."""
    request = AuthorizeReturn(return_id=return_id, method=method, rma=rma)
    _show_return(ask(nats_url, seller, "authorize_return", request, ReturnView), as_json)


@cli.command("close")
def close(seller: str, return_id: str, reason: str = typer.Option(..., "--reason", help="sent to the buyer"),
          nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Close a return request without a return (the buyer is told why)."""
    _show_return(ask(nats_url, seller, "close_return", CloseReturn(return_id=return_id, reason=reason), ReturnView),
                 as_json)


@cli.command("received")
def received(seller: str, return_id: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """The item came back: the refund is now due."""
    _show_return(ask(nats_url, seller, "mark_return_received", MarkReturnReceived(return_id=return_id), ReturnView),
                 as_json)


@cli.command("refund")
def refund(seller: str, return_id: str,
           line: list[str] = typer.Option(None, "--line", help="ORDER_ITEM_ID:AMOUNT:CURRENCY for a partial refund"),
           keep_item: bool = typer.Option(False, "--keep-item", help="refund without a return"),
           nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Ask the orders service to refund: what is left of the returned items' price unless --line says."""
    lines = None
    if line:
        try:
            lines = [RefundLine(item, Money(Decimal(amount), currency))
                     for item, amount, currency in (entry.rsplit(":", 2) for entry in line)]
        except (ValueError, ArithmeticError) as exc:
            fail(f"bad --line: {exc} (lines are ORDER_ITEM_ID:AMOUNT:CURRENCY, e.g. 41234567890123:5.00:USD)", code=2)
    request = RefundReturn(return_id=return_id, lines=lines, keep_item=keep_item)
    view = ask(nats_url, seller, "refund_return", request, ReturnView)
    _show_return(view, as_json)
    if view.refunds and view.status is not ReturnStatus.COMPLETED and not as_json:
        console.print(f"refund {view.refunds[-1]} asked of the orders service; `sellerops returns get` shows it confirmed")


@cli.command("complete")
def complete(seller: str, return_id: str, reason: str = typer.Option(..., "--reason", help="kept on the return"),
             nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Mark a return completed without (further) refund."""
    _show_return(ask(nats_url, seller, "complete_return", CompleteReturn(return_id=return_id, reason=reason),
                     ReturnView), as_json)


@cli.command("claims")
def list_claims(seller: str, all_claims: bool = typer.Option(False, "--all", help="decided ones too"),
                nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Claims, soonest deadline first."""
    result = ask(nats_url, seller, "list_claims", ListClaims(open_only=not all_claims), ClaimList, "claims")
    if as_json:
        print_json(result)
        return
    rows = table("claim", "kind", "order", "reason", "amount", "status", "next due", "defect", ids=("claim",))
    for c in result.claims:
        order = c.order_id if c.order_known else f"{c.order_id} [red](never seen)[/red]"
        rows.add_row(c.claim_id, c.kind.value, order, c.reason.value, f"{c.amount.amount} {c.amount.currency}",
                     c.status.value, _when(c.next_due_at) if c.next_due_at else "-", str(c.counts_as_defect))
    console.print(rows if result.claims else "no claims")


@cli.command("claim")
def claim(seller: str, claim_id: str, nats_url: str = NatsUrlOption,
          as_json: bool = typer.Option(False, "--json", callback=JsonOption.callback,
                                       help="export the case file as JSON")) -> None:
    """The claim's case file: the order, shipments and tracking, delivery, messages, refunds, returns."""
    case = ask(nats_url, seller, "claim_case_file", ClaimRef(claim_id=claim_id), CaseFile)
    if as_json:
        print_json(case)
        return
    _show_case_file(case)


def _when(value: object) -> str:
    """An ISO timestamp from the JSON detail, as a person reads it."""
    text = str(value)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return text


def _listed(value: object) -> list[Any]:
    """A list from the JSON detail (its items are JSON objects, read by key), or none."""
    return value if isinstance(value, list) else []


def _amount(money: object) -> str:
    return f"{money['amount']} {money['currency']}" if isinstance(money, dict) else str(money)


def _show_case_file(case: CaseFile) -> None:
    _show_claim(case.claim, False, as_case_file=True)
    console.print("[bold]Order[/bold]")
    if case.order:
        o = case.order
        console.print(f"  {o.get('order_id')}  {o.get('channel') or ''}  purchased {_when(o.get('purchased_at'))}")
        for line in _listed(o.get("lines")):
            console.print(f"  {line['quantity']} x {line['sku']} (item {line['order_item_id']})  "
                          f"{_amount(line['price'])}")
    else:
        console.print("  no order event was seen for this order")
    console.print("[bold]Shipments[/bold]")
    for p in case.shipments:
        items = ", ".join(f"{i['order_item_id']} x{i['quantity']}" for i in _listed(p.get("items")))
        console.print(f"  package {p.get('package_number')}: {p.get('carrier_code')} {p.get('tracking_number')}, "
                      f"shipped {p.get('ship_date')}{' (late)' if p.get('late') else ''}; {items}")
    if not case.shipments:
        console.print("  none seen")
    console.print("[bold]Delivery[/bold]")
    if case.delivery:
        d = case.delivery
        console.print(f"  {_when(d.get('delivered_at'))}  {d.get('carrier_code') or ''} {d.get('tracking_number') or ''}"
                      + (f"  proof: {d['proof']}" if d.get("proof") else ""))
    else:
        console.print("  no delivery scan seen")
    if case.buyer_messages:
        console.print("[bold]Buyer messages[/bold]")
        for m in case.buyer_messages:
            console.print(f"  {_when(m.get('at'))}  {m.get('title') or ''}\n    {m.get('body')}")
    if case.refunds:
        console.print("[bold]Refunds[/bold]")
        for r in case.refunds:
            console.print(f"  {_when(r.get('at'))}  {r.get('refund_id')}  {_amount(r.get('total'))}  {r.get('reason')}")
    if case.returns:
        console.print("[bold]Returns[/bold]")
        for ret in case.returns:
            items = ", ".join(f"{i.quantity} x {i.sku} {i.reason}" for i in ret.items)
            console.print(f"  {ret.return_id}  {ret.status.value}  {items}"
                          + (f"  refunded {ret.refunded.amount} {ret.refunded.currency}" if ret.refunded else ""))
    console.print("[bold]Timeline[/bold]")
    for entry in case.timeline:
        console.print(f"  {entry.at.strftime('%Y-%m-%d %H:%M UTC')}  {entry.kind}: {entry.summary}")
    for gap in case.gaps:
        console.print(f"[yellow]missing:[/yellow] {gap}")


@cli.command("respond")
def respond(seller: str, claim_id: str, message: str = typer.Option(..., "--message", help="your answer to the claim"),
            evidence: list[str] = typer.Option(None, "--evidence", help="a reference (tracking, photo URL, ...)"),
            refund: str = typer.Option(None, "--refund", help="AMOUNT:CURRENCY to refund as part of the response"),
            nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Respond to an A-to-z claim or chargeback, with evidence and an optional refund."""
    money = None
    if refund:
        try:
            amount, currency = refund.split(":")
            money = Money(Decimal(amount), currency)
        except (ValueError, ArithmeticError):
            fail(f"bad --refund {refund!r}: use AMOUNT:CURRENCY, e.g. 7.49:USD", code=2, field="refund")
    request = RespondToClaim(claim_id=claim_id, message=message, evidence=list(evidence or []), refund=money)
    _show_claim(ask(nats_url, seller, "respond_to_claim", request, ClaimView), as_json)


@cli.command("appeal")
def appeal(seller: str, claim_id: str, message: str = typer.Option(..., "--message", help="why the decision is wrong"),
           evidence: list[str] = typer.Option(None, "--evidence", help="a reference (tracking, photo URL, ...)"),
           nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Appeal a claim decided against you."""
    request = AppealClaim(claim_id=claim_id, message=message, evidence=list(evidence or []))
    _show_claim(ask(nats_url, seller, "appeal_claim", request, ClaimView), as_json)


@cli.command("work")
def work(seller: str, hours: float = typer.Option(24.0, "--hours", help="due within this many hours"),
         nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """The seller's open work: what needs an action today (overdue first)."""
    result = ask(nats_url, seller, "open_work", OpenWork(as_of=datetime.now(UTC), horizon_hours=hours), WorkList,
                 "items")
    if as_json:
        print_json(result)
        return
    rows = table("due", "what", "id", "order", "action", ids=("id", "order", "what"))
    for i in result.items:
        rows.add_row(("[red]overdue[/red] " if i.overdue else "") + _when(i.due_at), i.kind, i.id, i.order_id,
                     i.action)
    console.print(rows if result.items else f"nothing due within {hours:g} hours, nothing overdue")


@cli.command("policy")
def policy(seller: str, nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """The return and claim rules in force for the seller."""
    print_json(ask(nats_url, seller, "get_return_policy", GetReturnPolicy(), ReturnPolicyView))


@cli.command("policy-set")
def policy_set(seller: str, file: Path = typer.Argument(..., help="a JSON SetReturnPolicy ({\"policy\": {...}})"),
               nats_url: str = NatsUrlOption, as_json: bool = JsonOption) -> None:
    """Set the seller's return and claim rules (printed back as JSON)."""
    print_json(ask(nats_url, seller, "set_return_policy", read_request(file, SetReturnPolicy), ReturnPolicyView))
