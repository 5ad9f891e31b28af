"""The dossier record and its parts, and what it knows: refunded amounts and units, units back, order facts."""

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import FulfillmentChannel, Money
from sellerops.contracts.orders import CanceledBy, PackageItem, RefundLine, RefundReason
from sellerops.contracts.returns import Disposition, EvidenceEntry
from sellerops.returns.domain.facts import OrderFacts

FBA_RETURN_MISSING = "fba_return_missing"
SEEN = 200  # event ids kept for idempotence: far more than one order ever gets


class Line(msgspec.Struct, frozen=True, kw_only=True):
    order_item_id: str
    sku: str
    quantity: int
    price: Money  # what was paid for the whole line


class Package(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    carrier_code: str
    tracking_number: str
    ship_date: date
    items: list[PackageItem]
    late: bool
    confirmed_at: datetime
    carrier_name: str | None = None
    ship_method: str | None = None


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof: str | None = None


class Message(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    at: datetime
    body: str
    title: str | None = None  # the subject line


class Refund(msgspec.Struct, frozen=True, kw_only=True):
    refund_id: str
    at: datetime
    lines: list[RefundLine]
    total: Money
    reason: RefundReason
    fully_refunded: bool = False


class Cancellation(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    by: CanceledBy
    at: datetime


class FbaReturn(msgspec.Struct, frozen=True, kw_only=True):
    return_id: str  # the LPN
    sku: str
    quantity: int
    disposition: Disposition
    center_id: str
    at: datetime
    order_item_id: str | None = None
    reason: str | None = None


class Dossier(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    seller: str
    channel: FulfillmentChannel | None = None
    purchased_at: datetime | None = None
    latest_delivery: datetime | None = None  # the promised delivery window's end (seller-fulfilled orders)
    lines: list[Line] = []
    packages: list[Package] = []
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    delivery: Delivery | None = None  # the latest delivery scan
    messages: list[Message] = []
    refunds: list[Refund] = []
    canceled: Cancellation | None = None
    customer_returns: list[FbaReturn] = []
    return_ids: list[str] = []
    claim_ids: list[str] = []
    timeline: list[EvidenceEntry] = []
    order_seen: bool = False
    fba_watch_due: datetime | None = None
    fba_claim_deadline: datetime | None = None
    fba_flagged: bool = False
    seen: list[str] = []
    updated_at: datetime


class _Step(NamedTuple):
    dossier: Dossier
    kind: str
    summary: str
    detail: dict[str, object] = {}
    events: list[Event] = []


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def _money(m: Money) -> str:
    return f"{m.amount} {m.currency}"


def _plain(**fields: object) -> dict[str, object]:
    """Detail as JSON values, so a case file reads the same before and after a round trip."""
    plain: dict[str, object] = msgspec.to_builtins({k: v for k, v in fields.items() if v is not None})
    return plain


def _package(p: Package) -> dict[str, object]:
    return {"package_number": p.number, "carrier_code": p.carrier_code, "carrier_name": p.carrier_name,
            "tracking_number": p.tracking_number, "ship_date": p.ship_date, "ship_method": p.ship_method,
            "items": p.items, "late": p.late, "confirmed_at": p.confirmed_at}


def refunded(dossier: Dossier) -> dict[str, Decimal]:
    """Refunded so far per order item, across refunds."""
    total: dict[str, Decimal] = {}
    for refund in dossier.refunds:
        for line in refund.lines:
            total[line.order_item_id] = total.get(line.order_item_id, Decimal(0)) + line.amount.amount
    return total


def units_refunded(dossier: Dossier) -> int:
    """Units the refunds cover: a whole line's quantity when refunded in full, else one (module docstring)."""
    lines = {x.order_item_id: x for x in dossier.lines}
    units = 0
    for item, amount in refunded(dossier).items():
        line = lines.get(item)
        units += line.quantity if line is not None and amount >= line.price.amount else 1 if amount > 0 else 0
    return units


def units_returned(dossier: Dossier) -> int:
    return sum(r.quantity for r in dossier.customer_returns)


def facts(dossier: Dossier) -> OrderFacts:
    return OrderFacts(order_id=dossier.order_id, channel=dossier.channel, purchased_at=dossier.purchased_at,
                      shipped_at=dossier.shipped_at, delivered_at=dossier.delivered_at,
                      paid={x.order_item_id: x.price for x in dossier.lines}, refunded=refunded(dossier),
                      skus={x.order_item_id: x.sku for x in dossier.lines},
                      quantities={x.order_item_id: x.quantity for x in dossier.lines})
