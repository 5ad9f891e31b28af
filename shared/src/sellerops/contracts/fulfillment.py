"""Facts the fulfillment service reports (source `fulfillment`): what the network did with orders.

The orders service follows them for AFN orders (it never ships those itself) and for multi-channel
fulfillment (MCF) orders it created. Fulfillment's own issue builds the service that publishes them;
the contracts come first so orders can follow them already.
"""

from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id, Timestamp
from sellerops.contracts.orders import McfStatus, PackageItem
from sellerops.contracts.schema import SchemaStruct


class _FulfillmentOrderFact(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "order"
    key_field: ClassVar[str] = "order_id"

    order_id: Id


class NetworkPackage(SchemaStruct, frozen=True, kw_only=True):
    carrier_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    shipped_at: Timestamp
    items: Annotated[list[PackageItem], msgspec.Meta(min_length=1)]


class AfnOrderShipped(_FulfillmentOrderFact, frozen=True, kw_only=True, tag="fulfillment.order_shipped.v1"):
    """The fulfillment network shipped a package of an AFN order."""

    fact: ClassVar[str] = "shipped"

    package: NetworkPackage


class AfnOrderUnfulfillable(
    _FulfillmentOrderFact, frozen=True, kw_only=True, tag="fulfillment.order_unfulfillable.v1"
):
    """The fulfillment network cannot fulfil an AFN order (no sellable stock, restricted destination...)."""

    fact: ClassVar[str] = "unfulfillable"

    reason: str


class McfOrderStatusChanged(Event, frozen=True, kw_only=True, tag="fulfillment.mcf_order_status_changed.v1"):
    """The fulfillment network moved a multi-channel fulfillment order to a new status."""

    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "mcf_order"
    fact: ClassVar[str] = "status_changed"
    key_field: ClassVar[str] = "mcf_order_id"

    mcf_order_id: Id
    status: McfStatus
    reason: str | None = None
    packages: list[NetworkPackage] = []
