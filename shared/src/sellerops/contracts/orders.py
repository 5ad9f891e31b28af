"""Events, commands and queries of the orders service (source `orders`)."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, ClassVar, Literal

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


# ---- requests (request-reply, served by the orders service) ----


class ConfirmShipment(SchemaStruct, frozen=True, kw_only=True):
    """Confirm one shipped package. `request_id` makes a retried request safe (same answer, no change)."""

    order_id: Id
    package: PackageDetail
    request_id: Id | None = None


class GetOrder(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id


class CancelOrder(SchemaStruct, frozen=True, kw_only=True):
    """The seller cancels an order that has not shipped; it counts against the seller unless it answers
    a buyer's request (reason BuyerCanceled with a request pending)."""

    order_id: Id
    reason: SellerCancelReason
    request_id: Id | None = None


class AnswerCancelRequest(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id
    approve: bool
    request_id: Id | None = None


class RefundOrder(SchemaStruct, frozen=True, kw_only=True):
    """Refund some or all of what was paid per item; `request_id` is the refund's id (retry-safe)."""

    order_id: Id
    lines: Annotated[list[RefundLine], msgspec.Meta(min_length=1)]
    reason: RefundReason
    request_id: Id | None = None


class CorrectTracking(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id
    package_number: PositiveCount
    carrier_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    carrier_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    request_id: Id | None = None


class HistoryEntry(SchemaStruct, frozen=True, kw_only=True):
    """One event of an order's timeline."""

    at: datetime
    type: str
    event_id: str
    summary: str


class ListOrders(SchemaStruct, frozen=True, kw_only=True):
    """Newest first; filters combine. `cursor` is the `next_cursor` of the previous page."""

    status: OrderStatus | None = None
    purchased_from: datetime | None = None
    purchased_to: datetime | None = None
    ship_by_to: datetime | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 100
    cursor: str | None = None


class ListAtRisk(SchemaStruct, frozen=True, kw_only=True):
    """Unshipped seller-fulfilled orders whose latest ship date is within `within_hours` (or past), soonest
    first. `cursor` is the `next_cursor` of the previous page."""

    within_hours: Annotated[float, msgspec.Meta(ge=0)] = 24.0
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 100
    cursor: str | None = None


class OrderView(SchemaStruct, frozen=True, kw_only=True):
    """An order as the orders service knows it."""

    order_id: str
    seller: str
    status: OrderStatus | None
    fulfillment_channel: FulfillmentChannel | None = None
    order_type: OrderType | None = None
    purchased_at: datetime | None = None
    payment_authorized_at: datetime | None = None
    lines: list[OrderLine] = []
    ship_window: Window | None = None
    delivery_window: Window | None = None
    is_prime: bool = False
    destination: Destination | None = None
    packages: list[PackageDetail] = []
    late_shipment: bool = False
    cancel_request: str | None = None
    canceled_by: CanceledBy | None = None
    cancel_reason: str | None = None
    refunded: list[RefundLine] = []
    history: list[HistoryEntry] = []
    updated_at: datetime | None = None


class OrderList(SchemaStruct, frozen=True, kw_only=True):
    """One page, newest first: `next_cursor` is set when more orders follow (the page stops at `limit` or at the
    size one reply can carry, whichever comes first)."""

    orders: list[OrderView]
    truncated: bool = False
    next_cursor: str | None = None


class AtRiskOrder(SchemaStruct, frozen=True, kw_only=True):
    order_id: str
    status: OrderStatus
    latest_ship_date: datetime
    hours_left: float
    units_unshipped: int


class AtRiskList(SchemaStruct, frozen=True, kw_only=True):
    """One page: `next_cursor` is set when more orders follow (the page stops at `limit` or at the size one
    reply can carry, whichever comes first)."""

    orders: list[AtRiskOrder]
    as_of: datetime
    next_cursor: str | None = None


# ---- bulk shipment confirmation (the Seller Central shipping-confirmation template) ----

Clearable = Literal["carrier_name", "ship_method"]


class ConfirmationRow(SchemaStruct, frozen=True, kw_only=True):
    """One row of a shipping-confirmation file. None is a blank cell: a new package goes without it and a
    confirmed package keeps what it has. `clear` names the optional fields the row set to NULL."""

    line: PositiveCount
    order_id: Id
    ship_date: date
    order_item_id: Id | None = None
    quantity: PositiveCount | None = None
    carrier_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    carrier_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    ship_method: Annotated[str, msgspec.Meta(min_length=1)] | None = None
    clear: list[Clearable] = []


class ConfirmShipments(SchemaStruct, frozen=True, kw_only=True):
    """Confirm or update packages from the rows of a shipping-confirmation file, each row wholly or not at all.

    `batch_id` names the file (the CLI sends a hash of its bytes): sending the same file again applies
    nothing twice. `dry_run` decides every row against the current orders and saves nothing.
    """

    rows: list[ConfirmationRow]
    batch_id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$(?!\n)")]
    dry_run: bool = False


class RowResult(SchemaStruct, frozen=True, kw_only=True):
    """What became of one row: `field` is the template column at fault; `changed` is false when the
    orders already said what the row says (a row sent again, or an update that changes nothing)."""

    line: PositiveCount
    order_id: str
    ok: bool
    reason: str | None = None
    field: str | None = None
    changed: bool = False


class ConfirmShipmentsResult(SchemaStruct, frozen=True, kw_only=True):
    results: list[RowResult]


# ---- multi-channel fulfillment (MCF) orders: created here, fulfilled by the fulfillment service ----


class McfStatus(str, Enum):
    """Fulfillment Outbound API statuses (note MCF's "Cancelled", two l's, unlike Orders' "Canceled")."""

    NEW = "New"
    RECEIVED = "Received"
    PLANNING = "Planning"
    PROCESSING = "Processing"
    CANCELLED = "Cancelled"
    COMPLETE = "Complete"
    COMPLETE_PARTIALLED = "CompletePartialled"
    UNFULFILLABLE = "Unfulfillable"
    INVALID = "Invalid"


class ShippingSpeed(str, Enum):
    STANDARD = "Standard"
    EXPEDITED = "Expedited"
    PRIORITY = "Priority"


class FillPolicy(str, Enum):
    FILL_OR_KILL = "FillOrKill"
    FILL_ALL = "FillAll"
    FILL_ALL_AVAILABLE = "FillAllAvailable"


class FulfillmentAction(str, Enum):
    """Ship: fulfil at once. Hold: reserve the units and wait for the seller's release (`ReleaseMcfOrder`);
    a held order not released within the hold limit (14 days by default) is cancelled."""

    SHIP = "Ship"
    HOLD = "Hold"


Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Address(SchemaStruct, frozen=True, kw_only=True):
    name: Text
    address_line1: Text
    city: Text
    state_or_region: Text
    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    country_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
    address_line2: Text | None = None
    phone: Annotated[str, msgspec.Meta(max_length=30)] | None = None


class McfItem(SchemaStruct, frozen=True, kw_only=True):
    item_id: Id  # sellerFulfillmentOrderItemId
    seller_sku: Sku
    quantity: PositiveCount


class _McfEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "orders"
    entity: ClassVar[str] = "mcf_order"
    key_field: ClassVar[str] = "mcf_order_id"

    mcf_order_id: Id


class McfOrderRequested(_McfEvent, frozen=True, kw_only=True, tag="orders.mcf_order_requested.v1"):
    """orders validated a multi-channel fulfillment order; the fulfillment service fulfils it."""

    fact: ClassVar[str] = "requested"

    destination: Address
    items: list[McfItem]
    shipping_speed: ShippingSpeed
    fill_policy: FillPolicy
    displayable_order_id: str | None = None
    fulfillment_action: FulfillmentAction = FulfillmentAction.SHIP


class McfOrderReleased(_McfEvent, frozen=True, kw_only=True, tag="orders.mcf_order_released.v1"):
    """The seller released a held MCF order (FulfillmentAction Hold -> Ship): the network may ship it now."""

    fact: ClassVar[str] = "released"


class McfOrderCancelRequested(_McfEvent, frozen=True, kw_only=True, tag="orders.mcf_order_cancel_requested.v1"):
    """The seller asked to cancel an MCF order; the fulfillment service confirms with status Cancelled."""

    fact: ClassVar[str] = "cancel_requested"


class CreateMcfOrder(SchemaStruct, frozen=True, kw_only=True):
    mcf_order_id: Id  # sellerFulfillmentOrderId: the seller's own id, also what makes a retry safe
    destination: Address
    items: Annotated[list[McfItem], msgspec.Meta(min_length=1)]
    shipping_speed: ShippingSpeed = ShippingSpeed.STANDARD
    fill_policy: FillPolicy = FillPolicy.FILL_OR_KILL
    displayable_order_id: str | None = None
    fulfillment_action: FulfillmentAction = FulfillmentAction.SHIP


class ReleaseMcfOrder(SchemaStruct, frozen=True, kw_only=True):
    mcf_order_id: Id


class CancelMcfOrder(SchemaStruct, frozen=True, kw_only=True):
    mcf_order_id: Id
    request_id: Id | None = None


class GetMcfOrder(SchemaStruct, frozen=True, kw_only=True):
    mcf_order_id: Id


class McfOrderView(SchemaStruct, frozen=True, kw_only=True):
    mcf_order_id: str
    seller: str
    status: McfStatus
    destination: Address
    items: list[McfItem]
    shipping_speed: ShippingSpeed
    fill_policy: FillPolicy
    requested_at: datetime
    displayable_order_id: str | None = None
    fulfillment_action: FulfillmentAction = FulfillmentAction.SHIP
    released_at: datetime | None = None  # when the seller released a held order
    cancel_requested: bool = False
    status_reason: str | None = None  # why the network last moved it (an Unfulfillable or Invalid order says why)
    packages: list[PackageDetail] = []
    history: list[HistoryEntry] = []
    updated_at: datetime | None = None
