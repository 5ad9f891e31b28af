"""The integration SDK alone: `sellerops-shared` built as a wheel and installed into an empty virtualenv, with
no service beside it, publishes valid market facts with stable ids, and documents them for other languages."""

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nats, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

INTEGRATION = textwrap.dedent('''
    import asyncio, json, sys
    from decimal import Decimal
    from sellerops.client import InvalidFact, MarketClient
    from sellerops.contracts.market import Money, OrderItem, OrderPaymentAuthorized, OrderPlaced
    from sellerops.contracts.streams import stream_name

    async def main(url):
        out = {}
        async with await MarketClient.connect(url) as market:
            placed = market.fact(OrderPlaced, seller="acme", source_id="orders-api/113-0000001-0000001",
                                 order_id="113-0000001-0000001", fulfillment_channel="MFN",
                                 purchased_at="2026-11-30T10:00:00Z",
                                 items=[OrderItem(order_item_id="1", sku="MUG", quantity=1,
                                                  item_price=Money(Decimal("9.99"), "USD"))])
            paid = market.fact(OrderPaymentAuthorized, seller="acme", source_id="sp-api/notif-1",
                               order_id="113-0000001-0000001")
            first = await market.publish(placed, paid)
            # the integration restarts and reads the same notification again: the same source, the same id
            again = market.fact(OrderPaymentAuthorized, seller="acme", source_id="sp-api/notif-1",
                                order_id="113-0000001-0000001")
            second = await market.publish(again)
            out["first"] = [first.published, first.duplicates]
            out["second"] = [second.published, second.duplicates]
            out["same_id"] = str(paid.event_id) == str(again.event_id)
            try:
                market.fact(OrderPlaced, seller="acme", source_id="x", order_id="113-0000002-0000002",
                            fulfillment_channel="MFN", purchased_at="2026-11-30T10:00:00Z",
                            items=[{"order_item_id": "1", "sku": "MUG", "quantity": 0,
                                    "item_price": {"amount": "9.99", "currency": "USD"}}])
            except InvalidFact as exc:
                out["invalid_path"] = exc.path
            js = market._nc.jetstream()
            out["stream_messages"] = (await js.stream_info(stream_name("market"))).state.messages
        print(json.dumps(out))

    asyncio.run(main(sys.argv[1]))
''')


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        pytest.fail("uv is needed to build the wheel (run the tests with `uv run pytest`)")
    return found


@pytest.fixture(scope="module")
def sdk_python(tmp_path_factory) -> Path:
    """A virtualenv holding sellerops-shared (built from this tree) and its locked dependencies, nothing else."""
    uv, where = _uv(), tmp_path_factory.mktemp("sdk")
    run = dict(check=True, cwd=ROOT, capture_output=True, text=True, timeout=300)
    subprocess.run([uv, "build", "--package", "sellerops-shared", "--wheel", "--out-dir", str(where / "dist")], **run)
    locked = subprocess.run([uv, "export", "--package", "sellerops-shared", "--no-hashes", "--no-emit-workspace",
                             "--no-dev", "--frozen"], **run).stdout
    (where / "requirements.txt").write_text(locked)
    subprocess.run([uv, "venv", str(where / "venv")], **run)
    python = where / "venv" / "bin" / "python"
    install = [uv, "pip", "install", "--python", str(python), "-r", str(where / "requirements.txt"),
               *map(str, (where / "dist").glob("*.whl"))]
    # the locked versions are in uv's cache after `uv sync`; the index is asked only for what is not
    if subprocess.run([*install, "--offline"], cwd=ROOT, capture_output=True, timeout=300).returncode != 0:
        subprocess.run(install, **run)
    return python


def test_the_shared_package_alone_publishes_market_facts_with_stable_ids(sdk_python, nats_url, tmp_path):
    script = tmp_path / "integration.py"
    script.write_text(INTEGRATION)
    done = subprocess.run([str(sdk_python), str(script), nats_url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["first"] == [2, 0]
    assert out["second"] == [0, 1], "the same source published again is dropped as a duplicate"
    assert out["same_id"] is True
    assert out["invalid_path"] == "$.items[0].quantity"
    assert out["stream_messages"] == 2


def test_no_service_comes_with_the_shared_package(sdk_python):
    for module in ("sellerops.orders", "sellerops.health", "sellerops.integrations", "sellerops.simulator"):
        done = subprocess.run([str(sdk_python), "-c", f"import {module}"], capture_output=True, text=True, timeout=60)
        assert "ModuleNotFoundError" in done.stderr, module


def test_the_asyncapi_document_of_the_shared_package_alone_describes_every_market_fact(sdk_python, tmp_path):
    from sellerops.contracts.catalog import event_types

    out = tmp_path / "asyncapi.json"
    cli = sdk_python.parent / "sellerops"
    subprocess.run([str(cli), "asyncapi", "-o", str(out)], check=True, capture_output=True, timeout=120)
    doc = json.loads(out.read_text())
    published = {name.removeprefix("integration:"): operation for name, operation in doc["operations"].items()
                 if name.startswith("integration:")}
    market = {tag for tag, event in event_types().items() if event.source == "market"}
    assert set(published) == market
    placed = published["market.order_placed.v1"]
    assert placed["action"] == "send"
    assert doc["channels"][placed["channel"]["$ref"].rsplit("/", 1)[1]]["address"] == "market.{seller}.order.placed"
    assert "Nats-Msg-Id" in placed["description"] and "uuid5(" in placed["description"]
    schema = json.dumps(doc["components"]["schemas"])
    assert "purchased_at" in schema and "fulfillment_channel" in schema
