"""The notifications service's built-in plugins, registered through the same entry points as anyone's (see its
pyproject.toml): every built-in of a service is registered here, whatever module implements it."""

from typing import Any

from sellerops.notifications import channels
from sellerops.plugins.spec import Registry


def register_channels(registry: Registry[Any]) -> None:
    """The delivery channels (webhook, email, ...) (`sellerops.channels`)."""
    channels.register(registry)
