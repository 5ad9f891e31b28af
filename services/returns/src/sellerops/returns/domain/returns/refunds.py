"""Refunds asked of the orders service, their confirmation or refusal, and completing by hand."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

import msgspec

from sellerops.contracts.market import Money
from sellerops.contracts.orders import OrderRefunded, OrderRefundRefused, RefundLine
from sellerops.contracts.returns import CompleteReturn, RefundRequested, RefundReturn, ReturnPolicy
from sellerops.returns.domain.facts import OrderFacts
from sellerops.returns.domain.refunds import left_to_refund
from sellerops.returns.domain.returns.model import FINISHED, RS, ZERO_DECIMAL, Decision, Return, _Emit, _closed, _idle
from sellerops.runtime.decisions import Cause, NotFound, Refused


def refund(ret: Return | None, request: RefundReturn, *, facts: OrderFacts | None, refund_id: str, cause: Cause,
           now: datetime) -> Decision:
    """Ask the orders service to refund: by default what is left of the returned items' price."""
    if ret is None:
        raise NotFound("return not found")
    if refund_id in ret.refunds:
        return ret, []
    if ret.status in FINISHED:
        raise _closed(ret)
    if ret.status is not RS.PENDING_REFUND and not request.keep_item:
        raise Refused(f"the item of return {ret.return_id} has not come back: refund with keep_item to refund "
                      "without the return", "$.keep_item")
    if facts is None:
        raise Refused(f"no order event was seen for order {ret.order_id}: nothing is known to have been paid",
                      "$.return_id")
    lines, partial = _refund_lines(ret, request, facts)
    emit = _Emit(ret, cause, now)
    emit(RefundRequested, refund_id=refund_id, lines=lines, reason=request.reason)
    ret = msgspec.structs.replace(
        _idle(ret, now), refunds=[*ret.refunds, refund_id], refund_lines={**ret.refund_lines, refund_id: lines},
        refund_pending=[*ret.refund_pending, refund_id], partial=partial,
        keep_item=ret.keep_item or (request.keep_item and ret.status is not RS.PENDING_REFUND))
    return emit.done(ret)


def _refund_lines(ret: Return, request: RefundReturn, facts: OrderFacts) -> tuple[list[RefundLine], bool]:
    """The lines to refund, and whether they leave part of what the return is owed (partial)."""
    left = _left(ret, facts)
    owed = _owed(ret, facts, left)
    if request.lines is None:
        lines = [RefundLine(item, money) for item, money in owed.items() if money.amount > 0]
        if not lines:
            raise Refused(f"nothing is left to refund for return {ret.return_id}", "$.return_id")
        return lines, False
    if not request.lines:
        raise Refused("a refund needs at least one line", "$.lines")
    asked: dict[str, Decimal] = {}
    for n, line in enumerate(request.lines):
        asked[line.order_item_id] = asked.get(line.order_item_id, Decimal(0)) + line.amount.amount
        _check_line(ret, line, f"$.lines[{n}]", facts, asked[line.order_item_id], left)
    return request.lines, any(asked.get(item, 0) < money.amount for item, money in owed.items())


def _check_line(ret: Return, line: RefundLine, path: str, facts: OrderFacts, asked: Decimal,
                left: dict[str, Money]) -> None:
    """`asked`: what the request's lines so far ask for the line's item."""
    item, money = line.order_item_id, line.amount
    if item not in facts.paid:
        raise Refused(f"order {ret.order_id} has no item {item} with a known price", f"{path}.order_item_id")
    if item not in {i.order_item_id for i in ret.items}:
        raise Refused(f"item {item} is not part of return {ret.return_id}", f"{path}.order_item_id")
    if money.currency != facts.paid[item].currency:
        raise Refused(f"item {item} was paid in {facts.paid[item].currency}", f"{path}.amount.currency")
    if money.amount <= 0:
        raise Refused("a refund line must be more than zero", f"{path}.amount.amount")
    if asked > left[item].amount:
        raise Refused(f"refunding {asked} {money.currency} for item {item} is more than the {left[item].amount} "
                      f"left of the {facts.paid[item].amount} paid (refunded {facts.refunded.get(item, 0)}, "
                      f"asked and pending {_pending(ret).get(item, 0)})", f"{path}.amount.amount")


def _pending(ret: Return) -> dict[str, Decimal]:
    return _sum_lines(ret.refund_lines[r] for r in ret.refund_pending if r in ret.refund_lines)


def _sum_lines(asks: Iterable[Iterable[RefundLine]]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for lines in asks:
        for line in lines:
            total[line.order_item_id] = total.get(line.order_item_id, Decimal(0)) + line.amount.amount
    return total


def _left(ret: Return, facts: OrderFacts) -> dict[str, Money]:
    """What is left to refund per order item, counting this return's asks still pending."""
    return left_to_refund(facts, _pending(ret))


def _owed(ret: Return, facts: OrderFacts, left: dict[str, Money]) -> dict[str, Money]:
    """Per returned item: its share of the line's price (the units returned of those ordered), less what this
    return already asked for, never more than is left."""
    units: dict[str, int] = {}
    for returned in ret.items:
        units[returned.order_item_id] = units.get(returned.order_item_id, 0) + returned.quantity
    asked = _sum_lines(ret.refund_lines.values())
    owed: dict[str, Money] = {}
    for item, quantity in units.items():
        if item not in facts.paid:
            continue
        paid, ordered = facts.paid[item], facts.quantities.get(item)
        share = paid.amount
        if ordered and quantity < ordered:
            share = (paid.amount * quantity / ordered).quantize(
                Decimal(1) if paid.currency in ZERO_DECIMAL else Decimal("0.01"))
        amount = min(share - asked.get(item, Decimal(0)), left[item].amount)
        owed[item] = Money(max(amount, Decimal(0)), paid.currency)
    return owed


def refunded(ret: Return | None, evt: OrderRefunded, *, policy: ReturnPolicy) -> Decision:
    """The orders service refunded one of this return's refunds: in full (nothing else pending, nothing
    partial) completes it; a partial refund starts the no-update window."""
    if ret is None or evt.refund_id not in ret.refund_pending:
        return ret, []
    emit, at = _Emit(ret, Cause.of(evt), evt.occurred_at), evt.occurred_at
    total = evt.total if ret.refunded_total is None else Money(ret.refunded_total.amount + evt.total.amount,
                                                                ret.refunded_total.currency)
    ret = msgspec.structs.replace(ret, refund_pending=[r for r in ret.refund_pending if r != evt.refund_id],
                                  refunds_confirmed=[*ret.refunds_confirmed, evt.refund_id], refunded_total=total)
    emit.notes.append(f"refund {evt.refund_id} confirmed: {evt.total.amount} {evt.total.currency}")
    if ret.status in FINISHED:
        return emit.done(ret)
    if ret.partial:
        return emit.done(msgspec.structs.replace(ret, close_at=at + timedelta(days=policy.partial_refund_close_days)))
    if not ret.refund_pending:
        ret = emit.status(ret, RS.COMPLETED, automatic=True, reason="refunded in full")
    return emit.done(ret)


def refund_refused(ret: Return | None, evt: OrderRefundRefused) -> Decision:
    """The orders service refused a refund: it no longer counts, and the refund is due again."""
    if ret is None or evt.refund_id not in ret.refund_pending:
        return ret, []
    emit = _Emit(ret, Cause.of(evt), evt.occurred_at)
    emit.notes.append(f"refund {evt.refund_id} refused: {evt.message}" + (f" ({evt.field})" if evt.field else ""))
    lines = {r: x for r, x in ret.refund_lines.items() if r != evt.refund_id}
    # What was refused is no longer covered: any refund left covers only part of what is owed.
    ret = msgspec.structs.replace(ret, refund_pending=[r for r in ret.refund_pending if r != evt.refund_id],
                                  refund_lines=lines, partial=bool(lines))
    return emit.done(ret)


def complete(ret: Return | None, request: CompleteReturn, *, cause: Cause, now: datetime) -> Decision:
    """The seller completes a partly refunded return (refunded in lieu of the return, a buyer cancel, ...)."""
    if ret is None:
        raise NotFound("return not found")
    if ret.status is RS.COMPLETED and ret.reason == request.reason:
        return ret, []
    if ret.status in FINISHED:
        raise _closed(ret)
    if not (ret.partial and ret.refunds_confirmed):
        raise Refused(f"return {ret.return_id} has no partial refund: only a partly refunded return is completed "
                      "by hand", "$.return_id")
    emit = _Emit(ret, cause, now)
    return emit.done(emit.status(ret, RS.COMPLETED, reason=request.reason))
