"""Bulk shipment confirmation: the Seller Central shipping-confirmation template, row by row."""

from datetime import date
from typing import Annotated, Literal

import msgspec

from sellerops.contracts.envelope import Id, PositiveCount
from sellerops.contracts.schema import SchemaStruct


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
