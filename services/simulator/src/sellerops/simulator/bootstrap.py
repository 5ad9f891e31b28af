"""The demo's composition root: every installed service on one driven clock, with the environment their
settings read."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sellerops.plugins.loader import load
from sellerops.plugins.spec import SERVICES
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.host import ServiceHost


def service_hosts(clock: DrivenClock) -> list[ServiceHost]:
    """Every installed service, built on the shared clock (the `create_host` its plugin declares); a service
    whose plugin declares none is named rather than run on the wrong clock."""
    found = []
    for plugin in load(SERVICES):
        if plugin.create_host is None:
            raise RuntimeError(f"service {plugin.name!r} declares no create_host(clock=...): the demo cannot run "
                               "it on simulated time")
        found.append(plugin.create_host(clock=clock))
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
