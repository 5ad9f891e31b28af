"""The returns service's open work: what is due, soonest first."""

from datetime import datetime
from typing import Annotated

import msgspec

from sellerops.contracts.schema import SchemaStruct


class OpenWork(SchemaStruct, frozen=True, kw_only=True):
    as_of: datetime
    horizon_hours: float = 24.0
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page (ask it with the same `as_of`)


class WorkItem(SchemaStruct, frozen=True, kw_only=True):
    kind: str  # authorize_return, refund_return, respond_to_claim, appeal_claim, auto_close
    id: str  # the return or claim id
    order_id: str
    due_at: datetime
    overdue: bool
    action: str  # what to do, in words


class WorkList(SchemaStruct, frozen=True, kw_only=True):
    items: list[WorkItem]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)
