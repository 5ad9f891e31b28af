"""Multi-channel fulfillment (MCF) orders: created here, fulfilled by the fulfillment service."""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id, PositiveCount
from sellerops.contracts.market import Sku
from sellerops.contracts.orders.events import PackageDetail
from sellerops.contracts.orders.requests import HistoryEntry
from sellerops.contracts.schema import SchemaStruct


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
