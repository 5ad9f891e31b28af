"""Facts in, index parts out: pure functions of (the part as it was, the event), no I/O, no clock.

Each returns the new part (or the old one unchanged). Applying the same event twice gives the same part,
so a redelivery changes nothing even when its id has left the record's processed list.
"""

from datetime import datetime

import msgspec

from sellerops.contracts.health import (
    AccountHealth, AccountStatusChanged, MetricBreached, MetricBreachForecast, MetricRecovered,
)
from sellerops.contracts.envelope import Event
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyMissed,
)
from sellerops.contracts.orders import (
    OrderCanceled, OrderRecorded, OrderReleased, OrderShipByMissed, OrderShipped, OrderStatus,
)
from sellerops.contracts.returns import (
    ClaimAppealed, ClaimAppealResolved, ClaimDeadlineMissed, ClaimDecided, ClaimRecorded, ClaimResponded,
    ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnRecorded, ReturnStatus, ReturnStatusChanged,
)
from sellerops.dashboard.domain.parts import (
    CLAIM, MESSAGE, ORDER, RETURN, AccountPart, Flag, HealthPart, MeasureRow, WorkItem,
)

replace = msgspec.structs.replace
RETURN_ACTION = {ReturnStatus.PENDING_AUTHORIZATION: "authorize", ReturnStatus.PENDING_REFUND: "refund"}


def health_part(health: AccountHealth) -> HealthPart:
    """The parts of health's answer the fleet page shows."""
    return HealthPart(
        marketplace_id=health.marketplace_id, as_of=health.as_of, account_status=health.account_status.value,
        rating=health.rating, rating_band=health.rating_band.value, warnings=list(health.warnings),
        marketplace_status=health.marketplace_status.value if health.marketplace_status else None,
        measures=[MeasureRow(key=m.key, title=m.title, rate=m.rate, status=m.status.value, numerator=m.numerator,
                             denominator=m.denominator, target_value=m.target.value,
                             target_condition=m.target.condition.value, window_days=m.window_days)
                  for m in health.measures])


def newer_health(found: HealthPart | None, new: HealthPart) -> HealthPart | None:
    """Keep the later answer (two replicas may ask at once and write in either order)."""
    return found if found is not None and found.as_of > new.as_of else new


def account(found: AccountPart | None, evt: AccountStatusChanged) -> AccountPart | None:
    if found is not None and found.at > evt.occurred_at:
        return found
    return AccountPart(marketplace_id=evt.marketplace_id, previous=evt.previous.value, current=evt.current.value,
                       rating=evt.rating, rating_band=evt.rating_band.value, bad=list(evt.bad), at=evt.occurred_at)


def flag(found: Flag | None, evt: MetricBreached | MetricRecovered | MetricBreachForecast) -> Flag:
    """A breach stays open until its recovery; a forecast until the breach or the recovery."""
    base = found or Flag(marketplace_id=evt.marketplace_id, key=evt.key, title=evt.title)
    common = {"rate": evt.rate, "target_value": evt.target.value, "title": evt.title}
    if isinstance(evt, MetricBreached):
        if base.recovered_at is not None and base.recovered_at > evt.occurred_at:
            return base
        return replace(base, breached_at=evt.occurred_at, forecast_at=None, within_days=None, **common)
    if isinstance(evt, MetricRecovered):
        if base.breached_at is not None and base.breached_at > evt.occurred_at:
            return base
        return replace(base, breached_at=None, forecast_at=None, within_days=None, recovered_at=evt.occurred_at,
                       **common)
    if base.breached_at is not None:
        return base
    return replace(base, forecast_at=evt.occurred_at, within_days=evt.within_days, **common)


def _item(kind: str, ref: str, order_id: str, what: str, due_at: datetime | None, at: datetime) -> WorkItem:
    return WorkItem(kind=kind, ref=ref, order_id=order_id, what=what, due_at=due_at, since=at)


def order_work(found: WorkItem | None, evt: Event) -> WorkItem | None:
    """A seller-fulfilled order is work until it shipped or was canceled; due by its latest ship date."""
    if isinstance(evt, OrderRecorded | OrderReleased):
        if evt.fulfillment_channel is not FulfillmentChannel.MFN or (found is not None and not found.open):
            return found
        due = evt.ship_window.latest if evt.ship_window else (found.due_at if found else None)
        return replace(found, due_at=due) if found else _item(ORDER, evt.order_id, evt.order_id, "ship", due,
                                                              evt.occurred_at)
    if found is None:
        return None
    if (isinstance(evt, OrderShipped) and evt.status is OrderStatus.SHIPPED) or isinstance(evt, OrderCanceled):
        return replace(found, open=False)
    if isinstance(evt, OrderShipByMissed):
        return replace(found, missed=True)
    return found


def claim_work(found: WorkItem | None, evt: Event) -> WorkItem | None:
    """A claim is work while a response or an appeal is due."""
    if isinstance(evt, ClaimRecorded):
        if found is not None:
            return found
        return _item(CLAIM, evt.claim_id, evt.order_id, "respond", evt.response_due_at, evt.occurred_at)
    if found is None:
        return None
    if isinstance(evt, ClaimResponded | ClaimAppealed | ClaimAppealResolved):
        return replace(found, open=False)
    if isinstance(evt, ClaimDecided):
        if evt.appeal_due_at is None:
            return replace(found, open=False)
        return replace(found, what="appeal", due_at=evt.appeal_due_at, missed=False, open=True)
    if isinstance(evt, ClaimDeadlineMissed):
        return replace(found, missed=True)
    return found


def return_work(found: WorkItem | None, evt: Event) -> WorkItem | None:
    """A return is work while it waits for the seller: to authorize it, or to refund the item that came back."""
    if isinstance(evt, ReturnRecorded | ReturnStatusChanged):
        if found is not None and found.since > evt.occurred_at:
            return found
        what = RETURN_ACTION.get(evt.status)
        if what is None:
            return replace(found, open=False, since=evt.occurred_at) if found else None
        changed = found is None or found.what != what
        return _item(RETURN, evt.return_id, evt.order_id, what, None if changed else found.due_at,
                     evt.occurred_at) if changed else found
    if found is None:
        return None
    if isinstance(evt, ReturnDeadlineApproaching):
        return replace(found, due_at=evt.due_at)
    if isinstance(evt, ReturnDeadlineMissed):
        return replace(found, due_at=evt.due_at, missed=True)
    return found


def message_work(found: WorkItem | None, evt: Event) -> WorkItem | None:
    """A buyer message is work until it is answered or marked as needing no response."""
    if isinstance(evt, BuyerMessageAwaitingReply):
        return found or _item(MESSAGE, evt.message_id, evt.order_id, "reply", evt.reply_due_at, evt.occurred_at)
    if found is None:
        return None
    if isinstance(evt, BuyerMessageReplied | BuyerMessageNoResponseNeeded):
        return replace(found, open=False)
    if isinstance(evt, BuyerMessageReplyMissed):
        return replace(found, missed=True)
    return found
