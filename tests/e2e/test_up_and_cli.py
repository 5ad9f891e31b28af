"""sellerops as a user runs it: `sellerops up`, then the CLI, then Ctrl-C (SIGTERM), then `up` again."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from sellerops.runtime.embedded import die_with_parent, free_port  # die_with_parent: a killed test run takes `up` with it
from sellerops.testing.helpers import poll  # noqa: F401  (the other e2e modules import it from here)

pytestmark = [pytest.mark.nats, pytest.mark.slow]
EXAMPLES = Path(__file__).parents[2] / "examples" / "orders.jsonl"


def sellerops(*args: str, url: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "sellerops.cli.main", *args, "--nats-url", url],
                            capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"sellerops {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


# The example files are dated November 2026 and replayed whenever the tests run: a deadline already past when
# first seen (an order's auto-cancel a week after its ship-by date) waits this long before it fires, so the
# walkthroughs' seller actions on those orders come first, as README tells a reader to set it.
HISTORY_SETTLE_S = "600"


def start_up(data_dir: Path, port: int, log) -> subprocess.Popen:
    env = {**os.environ, "SELLEROPS_LOG_FORMAT": "json", "SELLEROPS_DELIVERY_DEADLINE_SETTLE_S": HISTORY_SETTLE_S}
    return subprocess.Popen([sys.executable, "-m", "sellerops.cli.main", "up", "--data-dir", str(data_dir),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                            preexec_fn=die_with_parent)


def wait_until_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = sellerops("status", "--json", url=url, check=False)
        if result.returncode == 0 and json.loads(result.stdout)["services"]:
            return
        time.sleep(0.5)
    raise AssertionError("sellerops up did not become ready")


TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def shifted_copy(example: Path, tmp_path: Path, last_at: datetime) -> Path:
    """The example file with every time moved by the same amount so its last fact happened at `last_at`: the
    example stays inside live windows and deadlines whatever today's date."""
    text = example.read_text()
    last_fact = max(datetime.fromisoformat(json.loads(line)["occurred_at"]) for line in text.splitlines())
    shift = last_at - last_fact
    moved = TIMESTAMP.sub(lambda m: (datetime.fromisoformat(m.group()) + shift).strftime("%Y-%m-%dT%H:%M:%SZ"), text)
    copy = tmp_path / example.name
    copy.write_text(moved)
    return copy


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


class Up:
    """`sellerops up` on a free loopback port, its data and log in a test's folder; stoppable and restartable."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.data, self.log_path = folder / "data", folder / "up.log"
        self.log = self.log_path.open("wb")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = start_up(self.data, self.port, self.log)
        wait_until_ready(self.url)

    def stop(self) -> int:
        """Ctrl-C, as a user stops it (SIGTERM); its exit code."""
        return stop(self.process)


@contextmanager
def system_up(folder: Path) -> Iterator[Up]:
    """The system running for the block; killed if the block left it running, and its log checked for crashes."""
    up = Up(folder)
    try:
        up.start()
        yield up
    finally:
        if up.process is not None and up.process.poll() is None:
            up.process.kill()
        up.log.close()
    assert b"service_crashed" not in up.log_path.read_bytes()


def test_up_runs_the_system_the_cli_drives_it_and_data_survives_a_restart(tmp_path):
    with system_up(tmp_path) as up:
        url = up.url
        published = sellerops("events", "publish", str(EXAMPLES), url=url)
        assert "published 4" in published.stdout
        again = sellerops("events", "publish", str(EXAMPLES), url=url)
        assert "already there (deduplicated) 4" in again.stdout

        def unshipped() -> list[str]:
            listed = sellerops("orders", "list", "demo-seller", "--status", "unshipped", "--json", url=url)
            return [o["order_id"] for o in json.loads(listed.stdout)["orders"]]

        deadline = time.monotonic() + 60  # longer than ack_wait (30 s): a stalled delivery comes back within it
        while unshipped() != ["113-0000001-0000001"] and time.monotonic() < deadline:
            time.sleep(0.2)
        if unshipped() != ["113-0000001-0000001"]:  # say what happened to the order, not just that it is missing
            seen = sellerops("orders", "get", "demo-seller", "113-0000001-0000001", "--json", url=url, check=False)
            raise AssertionError(f"order 113-0000001-0000001 is not listed as Unshipped; it is: {seen.stdout[-3000:]}"
                                 f" {seen.stderr[-500:]}")
        sellerops("orders", "confirm-shipment", "demo-seller", "113-0000001-0000001", "--carrier", "UPS",
                  "--tracking", "1Z999AA10123456784", "--item", "41234567890123:2", "--ship-date", "2026-11-21", url=url)
        refused = sellerops("orders", "confirm-shipment", "demo-seller", "113-0000003-0000003", "--carrier", "UPS",
                            "--tracking", "1Z9", "--item", "41234567891111:1", url=url, check=False)
        assert refused.returncode == 1 and "only Unshipped or PartiallyShipped orders ship" in refused.stderr
        assert up.stop() == 0

        up.start()  # the same data folder: what was accepted before is there
        order = json.loads(sellerops("orders", "get", "demo-seller", "113-0000001-0000001", "--json", url=url).stdout)
        assert order["status"] == "Shipped" and order["packages"][0]["tracking_number"] == "1Z999AA10123456784"
        assert up.stop() == 0


def test_publishing_a_file_with_bad_lines_reports_each_by_line_number_and_keeps_the_good_ones(tmp_path, nats_url):
    lines = EXAMPLES.read_text().splitlines()
    bad = tmp_path / "mixed.jsonl"
    bad.write_text("\n".join([lines[0], "{not json", '{"type": "market.nope.v1"}',
                              lines[2].replace('"quantity": 1', '"quantity": 0'), lines[3]]) + "\n")
    result = sellerops("events", "publish", str(bad), url=nats_url, check=False)
    assert result.returncode == 1
    assert "line 2: not JSON" in result.stderr
    assert "line 3: unknown event type 'market.nope.v1'" in result.stderr
    assert "line 4:" in result.stderr and "$.items[0].quantity" in result.stderr
    assert "published 2" in result.stdout


def test_the_asyncapi_document_lists_every_event_and_request(tmp_path):
    out = tmp_path / "asyncapi.json"
    subprocess.run([sys.executable, "-m", "sellerops.cli.main", "asyncapi", "-o", str(out)], check=True, timeout=60)
    doc = json.loads(out.read_text())
    assert doc["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in doc["channels"].values()}
    assert "market.{seller}.order.placed" in addresses
    assert "orders.{seller}.order.shipped" in addresses
    assert "req.orders.{seller}.confirm_shipment" in addresses


def test_tail_prints_the_events_that_flow_on_a_subject(nats_url):
    tail = subprocess.Popen([sys.executable, "-m", "sellerops.cli.main", "events", "tail", "market.>", "--count", "2",
                             "--json", "--nats-url", nats_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "tailing market.>" in tail.stderr.readline()
        sellerops("events", "publish", str(EXAMPLES), url=nats_url)
        out, _ = tail.communicate(timeout=30)
    finally:
        if tail.poll() is None:
            tail.kill()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["event"]["type"] for line in lines] == ["market.order_placed.v1", "market.order_payment_authorized.v1"]
    assert lines[0]["subject"] == "market.demo-seller.order.placed"
    assert lines[0]["headers"]["Nats-Msg-Id"] == lines[0]["event"]["event_id"]
