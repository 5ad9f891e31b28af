"""Builders of orders test data: Amazon-like values, fixed aware times, unique ids.

Tests get this module from the `make` fixture (services/orders/tests/conftest.py), e.g.
`make.placed(seller, order_id, make.item(quantity=2))`.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.market import (
    FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, OrderType, Window,
)
from sellerops.contracts.orders import ConfirmShipment, PackageDetail, PackageItem
from sellerops.orders import domain

PURCHASED = datetime(2026, 11, 1, 18, 22, 5, tzinfo=UTC)
PLACED_AT = PURCHASED + timedelta(seconds=36)
PAID_AT = PURCHASED + timedelta(minutes=31)
NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # when the seller confirms, unless a test says otherwise
SHIP_WINDOW = Window(datetime(2026, 11, 2, 7, 0, tzinfo=UTC), datetime(2026, 11, 4, 6, 59, 59, tzinfo=UTC))
TODAY = NOW.date()

MUG = "62915379184323"
COASTERS = "62915379184324"


def seller() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


def order_id() -> str:
    """A unique Amazon-style order id: 3-7-7 digits."""
    n = uuid.uuid4().int
    return f"{n % 1000:03d}-{n // 1000 % 10**7:07d}-{n // 10**10 % 10**7:07d}"


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC time in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def item(order_item_id: str = MUG, *, quantity: int = 1, sku: str = "MUG-CER-12OZ-BLK",
         price: str = "19.99", asin: str = "B0C7XK2L9Q") -> OrderItem:
    return OrderItem(order_item_id=order_item_id, sku=sku, quantity=quantity,
                     item_price=Money(Decimal(price), "USD"), asin=asin)


def coasters(quantity: int = 1) -> OrderItem:
    return item(COASTERS, quantity=quantity, sku="COASTER-CORK-4PK", price="8.49", asin="B09TQ4M2ZR")


def placed(seller: str, order_id: str, *items: OrderItem, occurred_at: datetime = PLACED_AT,
           purchased_at: datetime = PURCHASED, channel: FulfillmentChannel = FulfillmentChannel.MFN,
           order_type: OrderType = OrderType.STANDARD, ship_window: Window | None = SHIP_WINDOW,
           event_id: uuid.UUID | None = None, correlation_id: uuid.UUID | None = None) -> OrderPlaced:
    return OrderPlaced(
        event_id=event_id or uuid.uuid4(), seller=seller, occurred_at=occurred_at, order_id=order_id,
        correlation_id=correlation_id, fulfillment_channel=channel, purchased_at=purchased_at,
        items=list(items) or [item()], ship_window=ship_window, order_type=order_type,
        ship_service_level="Std US D2D Dom",
    )


def paid(seller: str, order_id: str, *, occurred_at: datetime = PAID_AT, authorized_at: datetime | None = None,
         event_id: uuid.UUID | None = None, correlation_id: uuid.UUID | None = None) -> OrderPaymentAuthorized:
    return OrderPaymentAuthorized(
        event_id=event_id or uuid.uuid4(), seller=seller, occurred_at=occurred_at, order_id=order_id,
        correlation_id=correlation_id, authorized_at=authorized_at,
    )


def package(*items: tuple[str, int], ship_date: date = TODAY, carrier_code: str = "UPS",
            carrier_name: str | None = None, tracking: str = "1Z999AA10123456784") -> PackageDetail:
    return PackageDetail(
        carrier_code=carrier_code, tracking_number=tracking, ship_date=ship_date,
        items=[PackageItem(i, q) for i, q in (items or [(MUG, 1)])], carrier_name=carrier_name,
        ship_method="UPS Ground" if carrier_code == "UPS" else None,
    )


def confirm(order_id: str, *items: tuple[str, int], request_id: str | None = None, **package_args) -> ConfirmShipment:
    return ConfirmShipment(order_id=order_id, package=package(*items, **package_args), request_id=request_id)


# ---- domain states, built through the domain itself ----


def pending(seller: str, order_id: str, *items: OrderItem, **placed_args) -> domain.Order:
    return domain.record_placement(None, placed(seller, order_id, *items, **placed_args))[0]


def unshipped(seller: str, order_id: str, *items: OrderItem, **placed_args) -> domain.Order:
    return domain.authorize_payment(pending(seller, order_id, *items, **placed_args), paid(seller, order_id))[0]


def shipped(seller: str, order_id: str) -> domain.Order:
    order = unshipped(seller, order_id)
    return domain.confirm_shipment(order, request=confirm(order_id), request_id=f"req-{order_id}", now=NOW)[0]
