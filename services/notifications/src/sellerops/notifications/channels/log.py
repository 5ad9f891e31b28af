"""The `log` channel: one structlog line per notification (`notification_delivered_to_log`). Always ok.

Needs no target and takes no settings; useful in development and as a fallback an operator can watch.
"""

from collections.abc import Mapping
from typing import Any

import structlog

from sellerops.contracts.notifications import Endpoint
from sellerops.plugins.channels import ChannelPlugin, Message, Outcome

__all__ = ["EVENT", "LOGGER", "PLUGIN", "LogChannel"]

EVENT = "notification_delivered_to_log"
LOGGER = "sellerops.notifications.channels.log"


class LogChannel:
    name = "log"

    async def send(self, endpoint: Endpoint, message: Message) -> Outcome:
        # A fresh proxy per line: a logger cached on first use would keep writing past a reconfiguration.
        structlog.get_logger(LOGGER).info(
            EVENT, seller=message.seller, kind=message.kind, severity=message.severity, title=message.title,
            delivery_id=message.delivery_id, notification_id=message.notification_id, about=message.about,
            endpoint=endpoint.id)
        return Outcome(ok=True, detail="logged", retry=False)

    async def close(self) -> None:
        return None


def _create(settings: Mapping[str, Any]) -> LogChannel:
    if settings:
        raise ValueError(f"the log channel takes no settings (got {', '.join(sorted(settings))})")
    return LogChannel()


PLUGIN = ChannelPlugin(
    name="log",
    description="Writes one structured log line per notification (notification_delivered_to_log)",
    create=_create,
    needs_target=False,
)
