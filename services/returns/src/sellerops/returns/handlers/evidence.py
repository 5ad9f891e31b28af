"""The order's dossier: evidence from every service, kept per order for refunds and case files."""

from datetime import datetime
from functools import partial

from sellerops.contracts.orders import OrderRefunded, OrderRefundRefused
from sellerops.contracts.returns import (
    ReturnPolicy,
)
from sellerops.returns.domain import dossier, returns
from sellerops.returns.ports import Publisher, Store
from sellerops.returns.handlers.common import apply_once, policy_of


async def on_evidence(evt: dossier.Folded, *, dossiers: Store, publish: Publisher, policies: Store,
                      default_policy: ReturnPolicy) -> None:
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    await apply_once(dossiers, evt.seller, evt.order_id, str(evt.event_id),
                     partial(dossier.apply, event=evt, policy=policy), publish=publish, new=evt.opens_aggregate)


async def on_order_refunded(evt: OrderRefunded, *, returns_store: Store, dossiers: Store, publish: Publisher,
                            policies: Store, default_policy: ReturnPolicy) -> None:
    """The one record of money returned: the dossier keeps it; the order's returns learn of their refunds."""
    policy = await policy_of(evt.seller, policies=policies, default=default_policy)
    found = await apply_once(dossiers, evt.seller, evt.order_id, str(evt.event_id),
                             partial(dossier.apply, event=evt, policy=policy), publish=publish)
    for return_id in found.return_ids:
        await apply_once(returns_store, evt.seller, return_id, str(evt.event_id),
                         partial(returns.refunded, evt=evt, policy=policy), publish=publish)


async def on_refund_refused(evt: OrderRefundRefused, *, returns_store: Store, dossiers: Store,
                            publish: Publisher) -> None:
    found = await dossiers.load(evt.seller, evt.order_id)
    for return_id in found.return_ids if found is not None else []:
        await apply_once(returns_store, evt.seller, return_id, str(evt.event_id),
                         partial(returns.refund_refused, evt=evt), publish=publish)


async def on_dossier_deadline(key: str, kind: str, due: datetime, *, dossiers: Store, publish: Publisher) -> None:
    seller, order_id = key.split(".", 1)
    await apply_once(dossiers, seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                     partial(dossier.deadline_passed, kind=kind, due=due), publish=publish)
