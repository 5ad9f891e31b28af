"""Three nats-server nodes on loopback, one JetStream cluster, each run from the deploy template.

The template is deploy/base/nats-server.conf, the very file the Kubernetes StatefulSet mounts: each node gets
it copied unchanged beside an `auth/auth.conf` (empty unless `auth` is given) and fills its variables from the
environment, as a pod does. Used by the cluster tests and bench/bench_cluster.py.
"""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from sellerops.runtime.embedded import die_with_parent, free_port, nats_server_binary


class Node:
    """One node: its ports, folder and process. Stopped, killed and started again on the same ports and store."""

    def __init__(self, name: str, folder: Path, template: Path, auth: str) -> None:
        self.name, self.folder = name, folder
        self.client_port, self.route_port, self.monitor_port = free_port(), free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None
        (folder / "auth").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, folder / "nats-server.conf")
        (folder / "auth" / "auth.conf").write_text(auth)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    @property
    def route(self) -> str:
        return f"nats-route://127.0.0.1:{self.route_port}"

    def env(self, routes: list[str]) -> dict[str, str]:
        return {
            "NATS_SERVER_NAME": self.name, "NATS_CLIENT_LISTEN": f"127.0.0.1:{self.client_port}",
            "NATS_MONITOR_LISTEN": f"127.0.0.1:{self.monitor_port}", "NATS_ROUTE_LISTEN": f"127.0.0.1:{self.route_port}",
            "NATS_ROUTES": "[" + ", ".join(routes) + "]", "NATS_STORE_DIR": str(self.folder / "store"),
            "NATS_MAX_FILE_STORE": "1G", "NATS_PID_FILE": str(self.folder / "nats-server.pid"),
        }

    def start(self, routes: list[str]) -> None:
        with open(self.folder / "nats-server.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(nats_server_binary()), "-c", "nats-server.conf"], cwd=self.folder, env={**os.environ, **self.env(routes)},
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=die_with_parent)

    def monitor(self, path: str) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor_port}{path}", timeout=2) as reply:
                return json.loads(reply.read())
        except (OSError, ValueError):
            return None

    def alive(self) -> bool:
        return self._running() is not None

    def _running(self) -> subprocess.Popen[bytes] | None:
        """The node's process while it runs, else None."""
        process = self.process
        return process if process is not None and process.poll() is None else None

    def kill(self) -> None:
        """SIGKILL: the node is lost mid-stream, as a node failure or an OOM kill would."""
        if (process := self._running()) is not None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        if (process := self._running()) is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


class NatsCluster:
    """`size` nodes named n0..n{size-1} routed to each other; `urls` is what a client's --nats-url takes."""

    def __init__(self, folder: Path, template: Path, *, size: int = 3, auth: str = "") -> None:
        self.nodes = [Node(f"n{i}", Path(folder) / f"n{i}", template, auth) for i in range(size)]

    @property
    def urls(self) -> str:
        return ",".join(node.url for node in self.nodes)

    @property
    def routes(self) -> list[str]:
        return [node.route for node in self.nodes]

    def start(self, timeout: float = 60.0) -> "NatsCluster":
        for node in self.nodes:
            node.start(self.routes)
        self.wait_ready(timeout)
        return self

    def restart(self, node: Node, timeout: float = 60.0) -> None:
        node.start(self.routes)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        """Every live node answers /healthz ok (JetStream up, meta leader known, streams current)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.nodes:
                if node.process is not None and node.process.poll() is not None and node.process.returncode > 0:
                    raise RuntimeError(f"nats-server {node.name} exited with {node.process.returncode}; "
                                       f"see {node.folder / 'nats-server.log'}")
            if all((node.monitor("/healthz") or {}).get("status") == "ok" for node in self.nodes if node.alive()):
                return
            time.sleep(0.2)
        raise TimeoutError(f"the NATS cluster was not ready after {timeout}s; see the logs under {self.nodes[0].folder.parent}")

    def stream_leader(self, stream: str) -> Node | None:
        """The node leading `stream`'s replicas, as a live node's /jsz tells."""
        for node in self.nodes:
            if not node.alive():
                continue
            jsz = node.monitor("/jsz?streams=true") or {}
            for account in jsz.get("account_details") or []:
                for info in account.get("stream_detail") or []:
                    leader = (info.get("cluster") or {}).get("leader")
                    if info.get("name") == stream and leader:
                        return next((n for n in self.nodes if n.name == leader), None)
        return None

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def __enter__(self) -> "NatsCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        for node in self.nodes:
            node.kill()
