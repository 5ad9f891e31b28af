"""`sellerops up` on a NATS cluster, and `up` keeping its own nats-server alive (or stopping when it cannot)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sellerops.runtime.embedded import die_with_parent, free_port  # die_with_parent: a killed test run takes `up` with it
from sellerops.testing.cluster import NatsCluster
from sellerops.testing.helpers import poll

pytestmark = [pytest.mark.nats, pytest.mark.slow]
REPO = Path(__file__).parents[2]
EXAMPLES = REPO / "examples" / "orders.jsonl"
TEMPLATE = REPO / "deploy" / "base" / "nats-server.conf"
SHIPPABLE = "113-0000001-0000001"


def sellerops(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sellerops.cli.main", *args, "--nats-url", url],
                          capture_output=True, text=True, timeout=60)


def start_up(args: list[str], log_path: Path, **env: str) -> subprocess.Popen:
    env = {**os.environ, "SELLEROPS_LOG_FORMAT": "json", "SELLEROPS_DELIVERY_DEADLINE_SETTLE_S": "600", **env}
    with log_path.open("ab") as log:
        return subprocess.Popen([sys.executable, "-m", "sellerops.cli.main", "up", *args], stdout=log,
                                stderr=subprocess.STDOUT, env=env, preexec_fn=die_with_parent)


def logged(log_path: Path, event: str) -> list[dict]:
    lines = (json.loads(line) for line in log_path.read_text(errors="replace").splitlines() if line.startswith("{"))
    return [line for line in lines if line.get("event") == event]


def unshipped_order_listed(url: str) -> bool:
    listed = sellerops("orders", "list", "demo-seller", "--status", "unshipped", "--json", url=url)
    return listed.returncode == 0 and SHIPPABLE in listed.stdout


def wait_ready(url: str, process: subprocess.Popen, log_path: Path) -> None:
    def ready() -> bool:
        assert process.poll() is None, f"up exited {process.returncode}: {log_path.read_text()[-3000:]}"
        result = sellerops("status", "--json", url=url)
        return result.returncode == 0 and bool(json.loads(result.stdout)["services"])

    assert poll(ready, timeout=90), f"up did not become ready: {log_path.read_text()[-3000:]}"


def take_port_once_free(sock: socket.socket, port: int, within_s: float = 0.4) -> None:
    """Listen on `port` as soon as the killed server has let go of it (well before `up` tries it, >= 0.5 s)."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def finish(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


def test_up_runs_every_service_against_a_three_node_cluster_given_as_a_comma_separated_url(tmp_path):
    with NatsCluster(tmp_path / "cluster", TEMPLATE) as cluster:
        log_path = tmp_path / "up.log"
        up = start_up(["--nats-url", cluster.urls], log_path, SELLEROPS_NATS_REPLICAS="3")
        try:
            wait_ready(cluster.urls, up, log_path)
            assert "published 4" in sellerops("events", "publish", str(EXAMPLES), url=cluster.urls).stdout
            assert poll(lambda: unshipped_order_listed(cluster.urls), timeout=90), "the order went through the cluster"
            assert finish(up) == 0
        finally:
            finish(up)
    assert "invalid connect url" not in log_path.read_text()
    assert not logged(log_path, "service_crashed")


def test_up_starts_its_nats_server_again_after_it_is_killed_and_the_services_carry_on(tmp_path):
    port, log_path = free_port(), tmp_path / "up.log"
    url = f"nats://127.0.0.1:{port}"
    up = start_up(["--data-dir", str(tmp_path / "data"), "--port", str(port)], log_path)
    try:
        wait_ready(url, up, log_path)
        [supervised] = logged(log_path, "nats_server_supervised")
        os.kill(supervised["pid"], signal.SIGKILL)

        assert poll(lambda: logged(log_path, "nats_server_restarted"), timeout=60), log_path.read_text()[-3000:]
        assert "published 4" in sellerops("events", "publish", str(EXAMPLES), url=url).stdout
        assert poll(lambda: unshipped_order_listed(url), timeout=90), "the services reconnected and took the new events"
        assert finish(up) == 0
    finally:
        finish(up)
    assert not logged(log_path, "service_crashed"), "the services rode out the outage without dying"


def test_up_stops_everything_with_a_clear_error_when_its_nats_server_cannot_be_started_again(tmp_path):
    port, log_path = free_port(), tmp_path / "up.log"
    url = f"nats://127.0.0.1:{port}"
    up = start_up(["--data-dir", str(tmp_path / "data"), "--port", str(port)], log_path)
    squatter = socket.socket()
    try:
        wait_ready(url, up, log_path)
        [supervised] = logged(log_path, "nats_server_supervised")
        children = [line["pid"] for line in logged(log_path, "service_started")]
        os.kill(supervised["pid"], signal.SIGKILL)
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        take_port_once_free(squatter, port)  # another program takes the port before `up` can start NATS again

        code = up.wait(timeout=90)
    finally:
        squatter.close()
        finish(up)
    output = " ".join(log_path.read_text().split())  # the error as printed, wrapped to the terminal's width
    assert code == 1
    assert "stopped everything: nats-server killed by signal SIGKILL and could not be started again" in output
    assert f"port {port} on 127.0.0.1 is already in use" in output
    assert all(not Path(f"/proc/{pid}").exists() for pid in children), "no service was left running"
