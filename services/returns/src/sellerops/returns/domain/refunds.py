"""A claim's refund as per-item refund lines (pure): the orders service refunds per item."""

from datetime import datetime
from decimal import Decimal

from sellerops.contracts.market import Money
from sellerops.contracts.orders import RefundLine, RefundReason
from sellerops.contracts.returns import RefundRequested
from sellerops.returns.domain.facts import OrderFacts
from sellerops.runtime.decisions import Cause, Refused, stamp


def left_to_refund(facts: OrderFacts, pending: dict[str, Decimal] | None = None) -> dict[str, Money]:
    """Per order item: paid, minus refunded (confirmed by orders), minus `pending` asks; never below zero."""
    pending = pending or {}
    return {item: Money(max(paid.amount - facts.refunded.get(item, Decimal(0)) - pending.get(item, Decimal(0)),
                            Decimal(0)), paid.currency) for item, paid in facts.paid.items()}


def claim_refund(facts: OrderFacts | None, amount: Money, *, seller: str, claim_id: str, refund_id: str,
                 cause: Cause, now: datetime) -> RefundRequested:
    """Spread `amount` over the order's items, first item first, never past what is left on an item."""
    if facts is None or not facts.paid:
        raise Refused("no order event was seen for this claim: nothing is known to have been paid", "$.refund")
    left = left_to_refund(facts)
    currency = next(iter(facts.paid.values())).currency
    if amount.currency != currency:
        raise Refused(f"the order was paid in {currency}", "$.refund.currency")
    total = sum((m.amount for m in left.values()), Decimal(0))
    if amount.amount <= 0 or amount.amount > total:
        raise Refused(f"refunding {amount.amount} {currency} is more than the {total} {currency} left to refund"
                      if amount.amount > 0 else "a refund must be more than zero", "$.refund.amount")
    lines, rest = [], amount.amount
    for item, money in sorted(left.items()):
        take = min(rest, money.amount)
        if take > 0:
            lines.append(RefundLine(item, Money(take, currency)))
            rest -= take
    return RefundRequested(**stamp(cause, RefundRequested, seller, now), refund_id=refund_id,
                           order_id=facts.order_id, lines=lines, reason=RefundReason.GENERAL_ADJUSTMENT,
                           claim_id=claim_id)
