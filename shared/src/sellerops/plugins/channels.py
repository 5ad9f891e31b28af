"""The `sellerops.channels` extension point: a way to deliver a notification (webhook, email, log, ...).

A plugin module exposes `register(registry)` and adds a `ChannelPlugin` under its name. The service builds
each channel once with its settings (`SELLEROPS_NOTIFICATIONS_CHANNELS='{"email": {"host": ...}}'`) and
calls `send` once per attempt. `send` never raises for a delivery problem: it answers an `Outcome` saying
whether it worked and, if not, whether trying again can help. Retries, backoff, quiet hours and the
circuit breaker are the service's; a channel makes one attempt.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sellerops.contracts.notifications import Endpoint
from sellerops.plugins.spec import CHANNELS, Registry

__all__ = ["CHANNELS", "Channel", "ChannelPlugin", "Message", "Outcome", "registry"]


@dataclass(frozen=True)
class Message:
    """One notification for one endpoint. `delivery_id` is stable across attempts (receivers dedupe on it)."""

    delivery_id: str
    notification_id: str
    seller: str
    kind: str
    severity: str
    title: str
    body: str
    created_at: datetime
    about: str  # the event type behind it
    payload: Mapping[str, Any] = field(default_factory=dict)  # the JSON document a webhook posts


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str  # "200", "503 Service Unavailable", "timeout after 10.0 s", ...
    retry: bool = True  # False: trying again cannot help (a 4xx other than 429, a bad address)
    retry_after_s: float | None = None  # the receiver's Retry-After, when it gave one
    duration_ms: float = 0.0


class Channel(Protocol):
    name: str

    async def send(self, endpoint: Endpoint, message: Message) -> Outcome: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class ChannelPlugin:
    name: str
    description: str
    create: Callable[[Mapping[str, Any]], Channel]  # settings for this channel -> the channel
    needs_target: bool = True  # an endpoint must name a target (URL, address)
    # Why an endpoint cannot work, checked when a seller sets it: (field, reason), e.g. ("secret", "too short").
    check_endpoint: Callable[[Endpoint], tuple[str, str] | None] | None = None


def registry() -> Registry[ChannelPlugin]:
    return Registry(CHANNELS)
