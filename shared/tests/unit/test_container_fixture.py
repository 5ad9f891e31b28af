"""SELLEROPS_TEST_NATS=container: where no Docker engine answers, the reason the tests are skipped."""

import pytest

from sellerops.testing import container


def test_no_docker_engine_is_reported_as_the_reason_to_skip(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    container.docker_engine_problem.cache_clear()
    try:
        problem = container.docker_engine_problem()
    finally:
        container.docker_engine_problem.cache_clear()
    assert problem is not None and problem.startswith("no Docker engine answers")


def test_the_container_is_set_up_with_its_client_and_monitor_ports_published_on_loopback_only(monkeypatch):
    pytest.importorskip("testcontainers")
    from testcontainers.core import container as testcontainers

    monkeypatch.setattr(testcontainers, "DockerClient", lambda **_: None)  # set up only: no engine is asked
    nats = container.ContainerNats()
    assert nats.container.ports == {str(container.CLIENT_PORT): ("127.0.0.1", nats.port),
                                    str(container.MONITOR_PORT): ("127.0.0.1", nats.monitor_port)}
    assert nats.url == f"nats://127.0.0.1:{nats.port}"
