"""The seller's open work across returns and claims, and the seller's return rules."""

from datetime import timedelta

from sellerops.contracts.returns import (
    GetReturnPolicy, OpenWork, ReturnPolicy,
    ReturnPolicyView, SetReturnPolicy, WorkItem, WorkList,
)
from sellerops.returns.domain.policy import POLICY_KEY, PolicyRecord
from sellerops.returns.domain import claims, returns
from sellerops.returns.ports import Clock, Store
from sellerops.runtime.paging import page


async def open_work(seller: str, query: OpenWork, *, returns_store: Store, claims_store: Store) -> WorkList:
    """What needs the seller's action: overdue, or due within the horizon; soonest first."""
    horizon = timedelta(hours=query.horizon_hours)
    items = [i async for r in returns_store.scan(seller) for i in returns.work_items(r, now=query.as_of,
                                                                                     horizon=horizon)]
    items += [i async for c in claims_store.scan(seller) for i in claims.work_items(c, now=query.as_of,
                                                                                    horizon=horizon)]
    taken, after = page(sorted(items, key=_soonest), key=_soonest, cursor=query.cursor, limit=query.limit)
    return WorkList(items=taken, next_cursor=after)


def _soonest(item: WorkItem) -> tuple:
    return item.due_at, item.kind, item.id  # unique: a return or claim has at most one item of a kind


async def set_return_policy(seller: str, request: SetReturnPolicy, *, policies: Store, clock: Clock,
                            default_policy: ReturnPolicy) -> ReturnPolicyView:
    now = clock.now()

    def replace(_: PolicyRecord | None) -> tuple[PolicyRecord, list]:
        return PolicyRecord(request.policy, now), []

    await policies.apply(seller, POLICY_KEY, f"set/{now.isoformat()}", replace)
    return await get_return_policy(seller, GetReturnPolicy(), policies=policies, default_policy=default_policy)


async def get_return_policy(seller: str, query: GetReturnPolicy, *, policies: Store,
                            default_policy: ReturnPolicy) -> ReturnPolicyView:
    record = await policies.load(seller, POLICY_KEY)
    if record is None:
        return ReturnPolicyView(seller=seller, policy=default_policy, custom=False)
    return ReturnPolicyView(seller=seller, policy=record.policy, custom=True, updated_at=record.updated_at)
