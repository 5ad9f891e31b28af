"""Use cases as short recipes: fold a fact into the seller's part it concerns, then mark the seller touched so
its numbers are asked of the health service soon (health publishes only crossings; the rates move with
every fact)."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable

import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import (
    AccountStatusChanged, GetAccountHealth, MetricBreached, MetricBreachForecast, MetricRecovered,
)
from sellerops.contracts.market import DEFAULT_MARKETPLACE
from sellerops.dashboard.domain import folding
from sellerops.dashboard.domain.parts import ACCOUNT, CLAIM, FLAG, HEALTH, MESSAGE, ORDER, RETURN
from sellerops.dashboard.ports import AskHealth, Parts, Touch

log = structlog.get_logger("sellerops.dashboard")
WORK_FOLDS = {ORDER: folding.order_work, CLAIM: folding.claim_work, RETURN: folding.return_work,
              MESSAGE: folding.message_work}


async def on_work_fact(evt: Event, *, part: str, parts: Parts, touch: Touch) -> None:
    """An order, claim, return or buyer message moved: its work item follows."""
    fold = WORK_FOLDS[part]
    await parts.apply(evt.seller, part, evt.aggregate_id, str(evt.event_id), lambda found: fold(found, evt),
                      new=evt.opens_aggregate)
    touch(evt.seller)


async def on_red_flag(evt: MetricBreached | MetricRecovered | MetricBreachForecast, *, parts: Parts,
                      touch: Touch) -> None:
    """health published a breach, a recovery or a forecast for one measure."""
    ident = f"{evt.marketplace_id}.{evt.key}"
    await parts.apply(evt.seller, FLAG, ident, str(evt.event_id), lambda found: folding.flag(found, evt))
    touch(evt.seller)


async def on_account_status(evt: AccountStatusChanged, *, parts: Parts, touch: Touch) -> None:
    await parts.apply(evt.seller, ACCOUNT, evt.marketplace_id, str(evt.event_id),
                      lambda found: folding.account(found, evt))
    touch(evt.seller)


async def on_health_input(evt: Event, *, touch: Touch) -> None:
    """A market fact health counts (feedback, a delivery, a scan): only the numbers move."""
    touch(evt.seller)


async def refresh(seller: str, marketplace_id: str, *, ask: AskHealth, parts: Parts) -> None:
    """Ask health for the seller's numbers now and keep the answer (the later one wins)."""
    health = await ask(seller, GetAccountHealth(marketplace_id=marketplace_id))
    new = folding.health_part(health)
    await parts.apply(seller, HEALTH, marketplace_id, f"health/{health.as_of.isoformat()}",
                      lambda found: folding.newer_health(found, new))


class Refresher:
    """Refreshes touched sellers each round for `rounds` rounds in a row (health counts the same facts a moment
    after we see them), and every known seller each `all_every_s` (windows move on with no fact to say so)."""

    def __init__(self, refresh_one: Callable[[str, str], Awaitable[None]], *, every_s: float, rounds: int,
                 all_every_s: float, sellers: Callable[[], Iterable[str]], marketplace_of: Callable[[str], str | None],
                 concurrency: int = 8) -> None:
        self._refresh = refresh_one
        self._every_s = every_s
        self._rounds = rounds
        self._all_every_s = all_every_s
        self._sellers = sellers
        self._marketplace_of = marketplace_of  # the marketplace a seller's numbers are shown for
        self._limit = asyncio.Semaphore(concurrency)
        self.pending: dict[str, int] = {}

    def touch(self, seller: str) -> None:
        self.pending[seller] = self._rounds

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        last_all = loop.time()
        while True:
            await asyncio.sleep(self._every_s)
            due = list(self.pending)
            self.pending = {s: n - 1 for s, n in self.pending.items() if n > 1}
            if loop.time() - last_all >= self._all_every_s:
                due = sorted(set(due) | set(self._sellers()))
                last_all = loop.time()
            await asyncio.gather(*(self._one(seller) for seller in due))

    async def _one(self, seller: str) -> None:
        async with self._limit:
            try:
                await self._refresh(seller, self._marketplace_of(seller) or DEFAULT_MARKETPLACE)
            except Exception as exc:  # noqa: BLE001  (asked again next round)
                log.warning("dashboard_refresh_failed", seller=seller, error=f"{type(exc).__name__}: {exc}")
                self.pending.setdefault(seller, 1)
