"""What the dashboard's index keeps, one record per part of a seller (so that consumers never write the same
record: a claim's facts touch only that claim's record, a measure's red flags only that measure's).

Keys in the bucket `dashboard_index`: `<seller>.<part>.<id>`, e.g. `acme.claim.C-1`,
`acme.flag.ATVPDKIKX0DER.orderDefectRate.mfn`, `acme.health.ATVPDKIKX0DER`.
"""

from datetime import datetime

import msgspec

HEALTH, ACCOUNT, FLAG = "health", "account", "flag"
ORDER, CLAIM, RETURN, MESSAGE = "order", "claim", "return", "message"
WORK_PARTS = (ORDER, CLAIM, RETURN, MESSAGE)


class MeasureRow(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    title: str
    rate: float | None
    status: str  # GOOD | BAD | NONE
    numerator: int
    denominator: int
    target_value: float
    target_condition: str
    window_days: int


class HealthPart(msgspec.Struct, frozen=True, kw_only=True):
    """The health service's last answer for the seller in one marketplace (asked when the seller's facts move)."""

    marketplace_id: str
    as_of: datetime
    account_status: str
    rating: int
    rating_band: str
    measures: list[MeasureRow] = []
    warnings: list[str] = []
    marketplace_status: str | None = None


class AccountPart(msgspec.Struct, frozen=True, kw_only=True):
    """The last account status change health published."""

    marketplace_id: str
    previous: str
    current: str
    rating: int
    rating_band: str
    bad: list[str] = []
    at: datetime


class Flag(msgspec.Struct, frozen=True, kw_only=True):
    """A measure's red flag: breached (open until recovered) and/or a breach forecast."""

    marketplace_id: str
    key: str
    title: str
    breached_at: datetime | None = None
    forecast_at: datetime | None = None
    within_days: float | None = None
    rate: float | None = None
    target_value: float | None = None
    recovered_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.breached_at is not None or self.forecast_at is not None


class WorkItem(msgspec.Struct, frozen=True, kw_only=True):
    """Something the seller has to do: ship an order, answer a claim, act on a return, reply to a buyer."""

    kind: str  # ORDER | CLAIM | RETURN | MESSAGE
    ref: str  # the order, claim, return or message id
    order_id: str
    what: str  # "ship", "respond", "appeal", "authorize", "refund", "reply"
    due_at: datetime | None = None
    missed: bool = False
    open: bool = True
    since: datetime


Part = HealthPart | AccountPart | Flag | WorkItem
PART_TYPES: dict[str, type] = {HEALTH: HealthPart, ACCOUNT: AccountPart, FLAG: Flag, ORDER: WorkItem,
                               CLAIM: WorkItem, RETURN: WorkItem, MESSAGE: WorkItem}


def split_key(key: str) -> tuple[str, str, str] | None:
    """`<seller>.<part>.<id>` -> (seller, part, id); None for a key that is not the index's."""
    seller, _, rest = key.partition(".")
    part, _, ident = rest.partition(".")
    return (seller, part, ident) if part in PART_TYPES and ident else None
