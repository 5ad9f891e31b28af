"""`sellerops orders confirm-shipments` on a real template file, against the orders service over a real nats-server."""

import asyncio
import sys
from datetime import timedelta

import pytest

from sellerops.contracts.orders import GetOrder, OrderView
from sellerops.orders import subscribers
from sellerops.orders.app import create_host
from sellerops.orders.domain.carriers import ups_mod10
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, orders_settings, paid, placed
from .test_orders_over_nats import types_for

pytestmark = pytest.mark.nats

HEADER = "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method"
A, B, C, UNKNOWN = "111-0000051-0000051", "111-0000052-0000052", "111-0000053-0000053", "111-0000059-0000059"


def ups(n: int) -> str:
    body = f"999AA1{n:09d}"
    return f"1Z{body}{ups_mod10(body)}"


def template() -> str:
    day, before = T0.date().isoformat(), (T0 - timedelta(days=2)).date().isoformat()
    rows = [
        [A, "", "", day, "UPS", "", ups(1), "UPS Ground"],  # 2: every unit of A
        [B, "item-1", "1", day, "UPS", "", ups(2), ""],  # 3: one of B's two units
        [B, "item-1", "5", day, "UPS", "", ups(3), ""],  # 4: more than is left
        [C, "", "", day, "Speedy", "", "SP123", ""],  # 5: unknown carrier code
        [UNKNOWN, "", "", day, "UPS", "", ups(4), ""],  # 6: no such order
        [C, "", "", day, "UPS", "", "1Z999AA10123456785", ""],  # 7: bad check digit
        [A, "", "", day, "UPS", "", ups(1), "UPS Ground"],  # 8: line 2 again
        ["113-45", "", "", day, "UPS", "", ups(5), ""],  # 9: not an order id
        [C, "", "", before, "UPS", "", ups(6), ""],  # 10: shipped before it was ordered
        [B, "item-1", "", day, "UPS", "", ups(7), ""],  # 11: B's last unit
    ]
    return "\n".join([HEADER, *("\t".join(r) for r in rows)]) + "\n"


async def sellerops(*args: str, url: str) -> tuple[int, list[str], str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sellerops.cli.main", *args, "--nats-url", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, out.decode().splitlines(), err.decode()


async def status(nc, seller: str, order_id: str) -> str:
    return (await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)).status.value


async def test_a_template_file_dry_runs_then_applies_good_rows_only_and_a_second_run_applies_nothing(
        nats_url, nc, seller, tmp_path):
    js = nc.jetstream()
    file = tmp_path / "ship-confirm.txt"
    file.write_text(template())
    async with running(create_host(orders_settings(nats_url)).app()):
        await JetStreamPublisher(js)([placed(seller, A, quantity=2), paid(seller, A), placed(seller, B, quantity=2),
                                      paid(seller, B), placed(seller, C), paid(seller, C)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        released = len(await read_stream(js, "ORDERS"))

        code, dry, _ = await sellerops("orders", "confirm-shipments", seller, str(file), "--dry-run", url=nats_url)

        assert code == 1
        assert dry[-1] == "dry run, nothing saved: would apply 3 rows, failed 7"
        assert [await status(nc, seller, o) for o in (A, B, C)] == ["Unshipped"] * 3
        assert len(await read_stream(js, "ORDERS")) == released

        code, real, _ = await sellerops("orders", "confirm-shipments", seller, str(file), url=nats_url)

        assert code == 1
        assert real[:-1] == dry[:-1]
        assert real[-1] == "applied 3 rows, failed 7"
        report = dict(line.split("\t", 1) for line in real[:-1])
        assert [report[n] for n in ("2", "3", "11")] == [f"{A}\tOK", f"{B}\tOK", f"{B}\tOK"]
        assert report["4"].startswith(f"{B}\tquantity: item item-1: 5 to ship but only 1 unshipped")
        assert report["5"].startswith(f"{C}\tcarrier-code: unknown carrier code 'Speedy'")
        assert report["6"] == f"{UNKNOWN}\torder-id: order {UNKNOWN} not found"
        assert report["7"].startswith(f"{C}\ttracking-number: '1Z999AA10123456785' is not a valid UPS")
        assert report["8"] == f"{A}\tduplicate of line 2"
        assert report["9"].startswith("113-45\torder-id: '113-45' is not an order id of 3-7-7 digits")
        assert report["10"].startswith(f"{C}\tship-date: ship date") and "before the order date" in report["10"]
        assert [await status(nc, seller, o) for o in (A, B, C)] == ["Shipped", "Shipped", "Unshipped"]
        events = await read_stream(js, "ORDERS")

        code, again, _ = await sellerops("orders", "confirm-shipments", seller, str(file), url=nats_url)

        assert code == 1
        assert [line.endswith("\tOK") for line in again[:-1]] == [line.endswith("\tOK") for line in real[:-1]]
        assert again[-1] == "applied 3 rows, failed 7; 3 of the 3 changed nothing (already so)"
        assert len(await read_stream(js, "ORDERS")) == len(events)

    assert types_for(events, A)[2:] == ["orders.order_shipped.v1"]
    assert types_for(events, B)[2:] == ["orders.order_shipped.v1", "orders.order_shipped.v1"]
    assert types_for(events, C)[2:] == []


async def test_a_re_upload_overwrites_with_values_keeps_blanks_and_clears_nulls(nats_url, nc, seller, tmp_path):
    js = nc.jetstream()
    day = T0.date().isoformat()
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(f"{HEADER}\n{A}\t\t\t{day}\tUPS\t\t{ups(1)}\tUPS Ground\n")
    second.write_text(f"{HEADER}\n{A}\t\t\t{day}\t\t\t{ups(1).lower()}\tNULL\n")
    async with running(create_host(orders_settings(nats_url)).app()):
        await JetStreamPublisher(js)([placed(seller, A), paid(seller, A)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))

        assert (await sellerops("orders", "confirm-shipments", seller, str(first), url=nats_url))[0] == 0
        code, report, _ = await sellerops("orders", "confirm-shipments", seller, str(second), url=nats_url)

        assert (code, report) == (0, [f"2\t{A}\tOK", "applied 1 row, failed 0"])
        view = await call(nc, "orders", seller, "get_order", GetOrder(order_id=A), OrderView)
        assert [(p.carrier_code, p.tracking_number, p.ship_method) for p in view.packages] == [("UPS", ups(1), None)]
        assert types_for(await read_stream(js, "ORDERS"), A)[2:] == [
            "orders.order_shipped.v1", "orders.order_package_updated.v1"]


async def test_a_file_without_the_template_header_is_refused_whole_with_exit_code_2(tmp_path, nats_url):
    file = tmp_path / "orders.txt"
    file.write_text("order\tdate\n111-0000051-0000051\t2026-11-02\n")

    code, out, err = await sellerops("orders", "confirm-shipments", "acme", str(file), url=nats_url)

    assert (code, out) == (2, [])
    assert "line 1 has no column order-id or ship-date" in " ".join(err.split())


async def test_a_missing_file_exits_with_code_2(tmp_path, nats_url):
    code, _, err = await sellerops("orders", "confirm-shipments", "acme", str(tmp_path / "nope.txt"), url=nats_url)

    assert code == 2 and "cannot read" in " ".join(err.split())
