"""The demo's composition root: every installed service on one driven clock, with the environment their
settings read."""

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sellerops.plugins.loader import load
from sellerops.plugins.spec import SERVICES
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.host import ServiceHost


def service_hosts(clock: DrivenClock) -> list[ServiceHost]:
    """Every installed service, built on the shared clock.

    The plugin spec (`ServicePlugin`) declares `create_app(settings=None)`, which builds a service on the wall
    clock. The demo needs each service on its driven clock, which every service's app module offers beside
    `create_app` as `create_host(settings=None, *, clock=None)`; until the spec declares it, it is found there,
    and a service without one is named rather than run on the wrong clock.
    """
    found = []
    for plugin in load(SERVICES):
        module = importlib.import_module(plugin.create_app.__module__)
        create_host = getattr(module, "create_host", None)
        if create_host is None:
            raise RuntimeError(f"service {plugin.name!r} has no create_host(clock=...) in {module.__name__}: "
                               "the demo cannot run it on simulated time")
        found.append(create_host(clock=clock))
    return found


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set environment variables for the block, then put back what was there (the caller's process goes on)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
