"""Market facts: what integrations publish about the marketplace (source `market`)."""

from decimal import Decimal
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id, PositiveCount, Timestamp
from sellerops.contracts.schema import SchemaStruct

DEFAULT_MARKETPLACE = "ATVPDKIKX0DER"  # amazon.com
MarketplaceId = Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{1,32}$")]

CurrencyCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
Sku = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class FulfillmentChannel(str, Enum):
    MFN = "MFN"  # shipped by the seller
    AFN = "AFN"  # shipped by the fulfillment network


class OrderType(str, Enum):
    STANDARD = "StandardOrder"
    LONG_LEAD_TIME = "LongLeadTimeOrder"
    PREORDER = "Preorder"
    BACK_ORDER = "BackOrder"
    SOURCING_ON_DEMAND = "SourcingOnDemandOrder"


class Money(SchemaStruct, frozen=True):
    amount: Decimal
    currency: CurrencyCode

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("amount must not be negative")


class OrderItem(SchemaStruct, frozen=True, kw_only=True):
    order_item_id: Id
    sku: Sku
    quantity: PositiveCount
    item_price: Money
    asin: str | None = None
    title: str | None = None


class Window(SchemaStruct, frozen=True):
    earliest: Timestamp
    latest: Timestamp


class Destination(SchemaStruct, frozen=True, kw_only=True):
    """Where an order goes, as far as the marketplace tells a seller (ORDER_CHANGE's DestinationPostalCode):
    enough to pick the nearest fulfillment center, no buyer name or street."""

    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    country_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")] = "US"
    state_or_region: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class _MarketOrderFact(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    marketplace_id: str = "ATVPDKIKX0DER"


class OrderPlaced(_MarketOrderFact, frozen=True, kw_only=True, tag="market.order_placed.v1"):
    """A buyer placed an order (integrations publish it when the marketplace reports a new order)."""

    fact: ClassVar[str] = "placed"
    opens_aggregate: ClassVar[bool] = True

    fulfillment_channel: FulfillmentChannel
    purchased_at: Timestamp
    items: Annotated[list[OrderItem], msgspec.Meta(min_length=1)]
    ship_window: Window | None = None
    delivery_window: Window | None = None
    order_type: OrderType = OrderType.STANDARD
    ship_service_level: str = "Standard"
    is_prime: bool = False
    is_business_order: bool = False
    destination: Destination | None = None


class OrderPaymentAuthorized(
    _MarketOrderFact, frozen=True, kw_only=True, tag="market.order_payment_authorized.v1"
):
    """The marketplace authorized the buyer's payment: a Pending order may now ship."""

    fact: ClassVar[str] = "payment_authorized"

    authorized_at: Timestamp | None = None


class OrderBuyerCancelRequested(
    _MarketOrderFact, frozen=True, kw_only=True, tag="market.order_buyer_cancel_requested.v1"
):
    """The buyer asked to cancel (the marketplace's order-cancel option; BuyerRequestedCancel)."""

    fact: ClassVar[str] = "buyer_cancel_requested"

    reason: str = "BuyerCanceled"
    # The order's status at the marketplace when the request was read (the notification's or getOrders'
    # OrderStatus): "Unshipped"/"Pending" = still open there, waiting for the seller's answer; "Canceled" =
    # the marketplace already canceled it for the buyer. None = not known (the 30-minute buyer window decides).
    order_status: str | None = None
