"""What every recipe of the service does: read the seller's policy and the order's facts, apply once, publish."""

from collections.abc import Callable, Sequence
from typing import Any

from sellerops.contracts.envelope import Event
from sellerops.contracts.returns import (
    ReturnPolicy,
)
from sellerops.returns.domain.policy import POLICY_KEY
from sellerops.returns.domain import dossier
from sellerops.returns.domain.facts import OrderFacts
from sellerops.returns.ports import Publisher, Store
from sellerops.runtime.decisions import NotFound, refusals


async def policy_of(seller: str, *, policies: Store, default: ReturnPolicy) -> ReturnPolicy:
    record = await policies.load(seller, POLICY_KEY)
    return record.policy if record is not None else default


async def facts_of(seller: str, order_id: str, *, dossiers: Store) -> OrderFacts | None:
    found = await dossiers.load(seller, order_id)
    return dossier.facts(found) if found is not None and found.order_seen else None


async def apply_once(store: Store, seller: str, aggregate_id: str, message_id: str, rule: Callable, *,
                     publish: Publisher, also: Sequence[Event] = (), new: bool = False) -> Any:
    """Decide and save once per message id, then publish what it decided (after `also`, events the request
    decided outside the aggregate, such as a refund for the orders service). `new`: the message normally opens
    the aggregate (its record is created without a read first)."""
    applied = await store.apply(seller, aggregate_id, message_id, rule, new=new)
    await publish([*also, *applied.events])
    return applied.state


async def fact_about(evt: Event, aggregate_id: str, what: str, rule: Callable, *, store: Store,
                     publish: Publisher) -> None:
    """A market fact about one return or claim; one about an aggregate never recorded raises, so it is kept
    in the dead letters with the reason instead of being dropped."""
    if await apply_once(store, evt.seller, aggregate_id, str(evt.event_id), rule, publish=publish) is None:
        raise LookupError(f"no {what} {aggregate_id} for seller {evt.seller}")


async def request_about(seller: str, aggregate_id: str, what: str, verb: str, rule: Callable, *,
                        store: Store, publish: Publisher, also: Sequence[Event] = ()) -> Any:
    """A seller's request about one return or claim: not found, or refused naming the field, or done."""
    with refusals(f"{what}_id"):
        if await store.load(seller, aggregate_id) is None:
            raise NotFound(f"{what} {aggregate_id} not found")
        return await apply_once(store, seller, aggregate_id, verb, rule, publish=publish, also=also)
