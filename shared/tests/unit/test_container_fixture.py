"""SELLEROPS_TEST_NATS=container: where no Docker engine answers, the reason the tests are skipped."""

from sellerops.testing import container


def test_no_docker_engine_is_reported_as_the_reason_to_skip(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-such-docker.sock")
    container.docker_engine_problem.cache_clear()
    try:
        problem = container.docker_engine_problem()
    finally:
        container.docker_engine_problem.cache_clear()
    assert problem is not None and problem.startswith("no Docker engine answers")
