"""What the dashboard handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sellerops.contracts.health import AccountHealth, GetAccountHealth
from sellerops.runtime.clock import Clock

AskHealth = Callable[[str, GetAccountHealth], Awaitable[AccountHealth]]
Touch = Callable[[str], None]  # the seller's facts moved: ask health for its numbers soon


class Parts(Protocol):
    async def apply(self, seller: str, part: str, ident: str, message_id: str,
                    fold: Callable[[Any], Any], *, new: bool = False) -> None: ...


__all__ = ["AskHealth", "Clock", "Parts", "Touch"]
