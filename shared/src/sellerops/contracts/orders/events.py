"""The orders service's events about a marketplace order (source `orders`)."""

from datetime import date
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount, Timestamp
from sellerops.contracts.market import Destination, FulfillmentChannel, Money, OrderType, Sku, Window
from sellerops.contracts.schema import SchemaStruct


class OrderStatus(str, Enum):
    """Seller Central / Orders API v0 spellings ("Canceled" with one l)."""

    PENDING = "Pending"
    PENDING_AVAILABILITY = "PendingAvailability"
    UNSHIPPED = "Unshipped"
    PARTIALLY_SHIPPED = "PartiallyShipped"
    SHIPPED = "Shipped"
    CANCELED = "Canceled"
    UNFULFILLABLE = "Unfulfillable"

    @classmethod
    def parse(cls, text: str) -> "OrderStatus":
        wanted = text.replace("_", "").replace("-", "").lower()
        for status in cls:
            if status.value.lower() == wanted:
                return status
        raise ValueError(f"unknown order status {text!r}; one of {', '.join(s.value for s in cls)}")


class PackageItem(SchemaStruct, frozen=True):
    order_item_id: Id
    quantity: PositiveCount


class PackageDetail(SchemaStruct, frozen=True, kw_only=True):
    """One package of a shipment confirmation (SP-API confirmShipment packageDetail)."""

    carrier_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    ship_date: date
    items: Annotated[list[PackageItem], msgspec.Meta(min_length=1)]
    carrier_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    ship_method: str | None = None
    package_reference_id: str | None = None


class OrderLine(SchemaStruct, frozen=True, kw_only=True):
    order_item_id: Id
    sku: Sku
    quantity_ordered: PositiveCount
    quantity_shipped: Count = 0
    item_price: Money


class _OrderEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "orders"
    entity: ClassVar[str] = "order"
    key_field: ClassVar[str] = "order_id"

    order_id: Id


class OrderRecorded(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_recorded.v1"):
    """orders recorded a newly placed order (status Pending, or Unshipped if payment came first)."""

    fact: ClassVar[str] = "recorded"
    opens_aggregate: ClassVar[bool] = True

    status: OrderStatus
    fulfillment_channel: FulfillmentChannel
    order_type: OrderType
    purchased_at: Timestamp
    lines: list[OrderLine]
    ship_window: Window | None = None
    delivery_window: Window | None = None
    is_prime: bool = False
    marketplace_id: str = "ATVPDKIKX0DER"


class OrderReleased(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_released.v1"):
    """orders released an order for shipping once its payment was authorized (status Unshipped).

    AFN orders are shipped by the fulfillment service from this event; MFN orders by the seller.
    """

    fact: ClassVar[str] = "released"

    fulfillment_channel: FulfillmentChannel
    lines: list[OrderLine]
    ship_window: Window | None = None
    destination: Destination | None = None  # AFN: where the network ships it from the nearest center


class OrderShipped(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_shipped.v1"):
    """orders recorded a confirmed package; `status` says whether the whole order has now shipped.

    `late` is true when the confirmation was recorded after the latest ship date (it counts
    in the Late Shipment Rate, which uses the recording time, not the typed ship date).
    """

    fact: ClassVar[str] = "shipped"

    package: PackageDetail
    package_number: PositiveCount
    status: OrderStatus
    fulfillment_channel: FulfillmentChannel
    confirmed_at: Timestamp
    late: bool
    latest_ship_date: Timestamp | None = None


class CanceledBy(str, Enum):
    BUYER = "buyer"
    SELLER = "seller"
    MARKETPLACE = "marketplace"


class OrderCanceled(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_canceled.v1"):
    """orders canceled an order; `counts_against_seller` says whether it enters the cancel rate."""

    fact: ClassVar[str] = "canceled"

    reason: str
    canceled_by: CanceledBy
    counts_against_seller: bool
    previous_status: OrderStatus
    fulfillment_channel: FulfillmentChannel | None = None


class SellerCancelReason(str, Enum):
    """Seller Central's cancel reasons (order-acknowledgement feed CancelReason values)."""

    NO_INVENTORY = "NoInventory"
    SHIPPING_ADDRESS_UNDELIVERABLE = "ShippingAddressUndeliverable"
    CUSTOMER_EXCHANGE = "CustomerExchange"
    BUYER_CANCELED = "BuyerCanceled"
    GENERAL_ADJUSTMENT = "GeneralAdjustment"
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision"
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = "RiskAssessmentInformationNotValid"
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure"
    CUSTOMER_RETURN = "CustomerReturn"
    MERCHANDISE_NOT_RECEIVED = "MerchandiseNotReceived"


class OrderCancelRequested(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_cancel_requested.v1"):
    """orders recorded a buyer's cancellation request that waits for the seller to approve or decline."""

    fact: ClassVar[str] = "cancel_requested"

    reason: str
    requested_at: Timestamp


class OrderCancelRequestDeclined(
    _OrderEvent, frozen=True, kw_only=True, tag="orders.order_cancel_request_declined.v1"
):
    """A buyer's cancellation request was declined: by the seller, or because the order had shipped."""

    fact: ClassVar[str] = "cancel_request_declined"

    declined_by: CanceledBy | None  # None: declined automatically
    reason: str


class OrderShipByAtRisk(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_ship_by_at_risk.v1"):
    """An unshipped seller-fulfilled order is close to its latest ship date."""

    fact: ClassVar[str] = "ship_by_at_risk"

    latest_ship_date: Timestamp
    units_unshipped: Count


class OrderShipByMissed(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_ship_by_missed.v1"):
    """An order passed its latest ship date without being fully confirmed: any confirmation now is late."""

    fact: ClassVar[str] = "ship_by_missed"

    latest_ship_date: Timestamp
    units_unshipped: Count


class OrderBecameAvailable(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_became_available.v1"):
    """A pre-order reached its release (earliest ship) date: Pending, or Unshipped when already paid."""

    fact: ClassVar[str] = "became_available"

    status: OrderStatus


class OrderUnfulfillable(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_unfulfillable.v1"):
    """The fulfillment network reported it cannot fulfil an AFN order."""

    fact: ClassVar[str] = "unfulfillable"

    reason: str


class OrderTrackingCorrected(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_tracking_corrected.v1"):
    """The seller corrected the carrier or tracking number of a confirmed package."""

    fact: ClassVar[str] = "tracking_corrected"

    package_number: PositiveCount
    carrier_code: str
    tracking_number: str
    previous_carrier_code: str
    previous_tracking_number: str
    carrier_name: str | None = None


class OrderPackageUpdated(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_package_updated.v1"):
    """The seller changed the ship date or ship method of a confirmed package (a shipping-confirmation re-upload)."""

    fact: ClassVar[str] = "package_updated"

    package_number: PositiveCount
    ship_date: date
    previous_ship_date: date
    ship_method: str | None = None
    previous_ship_method: str | None = None


class RefundReason(str, Enum):
    """Seller Central refund reasons (payment-adjustment feed AdjustmentReason values)."""

    NO_INVENTORY = "NoInventory"
    CUSTOMER_RETURN = "CustomerReturn"
    GENERAL_ADJUSTMENT = "GeneralAdjustment"
    COULD_NOT_SHIP = "CouldNotShip"
    DIFFERENT_ITEM = "DifferentItem"
    ABANDONED = "Abandoned"
    CUSTOMER_CANCEL = "CustomerCancel"
    PRICE_ERROR = "PriceError"
    PRODUCT_OUT_OF_STOCK = "ProductOutofStock"
    CUSTOMER_ADDRESS_INCORRECT = "CustomerAddressIncorrect"
    EXCHANGE = "Exchange"
    OTHER = "Other"
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision"
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = "RiskAssessmentInformationNotValid"
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure"
    TRANSACTION_RECORD = "TransactionRecord"


class RefundLine(SchemaStruct, frozen=True):
    order_item_id: Id
    amount: Money


class OrderRefunded(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_refunded.v1"):
    """Money was returned to the buyer for some items of an order (the one record of money returned)."""

    fact: ClassVar[str] = "refunded"

    refund_id: str
    lines: list[RefundLine]
    total: Money
    reason: RefundReason
    fully_refunded: bool


class OrderRefundRefused(_OrderEvent, frozen=True, kw_only=True, tag="orders.order_refund_refused.v1"):
    """A refund asked for by event (returns' RefundRequested) was refused: `field` names what is wrong."""

    fact: ClassVar[str] = "refund_refused"

    refund_id: str
    message: str
    field: str | None = None
