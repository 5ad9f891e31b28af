"""The health service's built-in plugins, registered through the same entry points as anyone's (see its
pyproject.toml): every built-in of a service is registered here, whatever module implements it."""

from typing import Any

from sellerops.health import metrics
from sellerops.plugins.spec import Registry


def register_metrics(registry: Registry[Any]) -> None:
    """The account-health metrics (`sellerops.metrics`)."""
    metrics.register(registry)
