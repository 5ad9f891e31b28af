"""The README's returns walk-through, as a user runs it: `sellerops up`, the example files, the CLI."""

import json
from pathlib import Path

import pytest

from .test_up_and_cli import poll as eventually
from .test_up_and_cli import sellerops, system_up

pytestmark = [pytest.mark.nats, pytest.mark.slow]
EXAMPLES = Path(__file__).parents[2] / "examples"
ORDER = "113-0000001-0000001"


def test_a_return_is_refunded_and_a_claim_answered_from_the_cli_with_one_record_of_money_back(tmp_path):
    with system_up(tmp_path) as up:
        url = up.url

        def ask(*args: str) -> dict:
            return json.loads(sellerops(*args, "--json", url=url).stdout)

        sellerops("events", "publish", str(EXAMPLES / "orders.jsonl"), url=url)
        eventually(lambda: [o["order_id"] for o in ask("orders", "list", "demo-seller", "--status", "unshipped")[
            "orders"]] == [ORDER])
        sellerops("orders", "confirm-shipment", "demo-seller", ORDER, "--carrier", "UPS", "--tracking",
                  "1Z999AA10123456784", "--item", "41234567890123:2", "--ship-date", "2026-11-21", url=url)
        assert "published 6" in sellerops("events", "publish", str(EXAMPLES / "returns.jsonl"), url=url).stdout

        def pending_refund() -> dict | None:
            listed = ask("returns", "list", "demo-seller")["returns"]
            return listed[0] if listed and listed[0]["status"] == "PendingRefund" else None

        ret = eventually(pending_refund)
        assert ret and ret["in_policy"] and ret["rma"], "in policy: authorized at once, with an RMA"
        claims = eventually(lambda: len(ask("returns", "claims", "demo-seller")["claims"]) == 2 and
                            ask("returns", "claims", "demo-seller")["claims"])
        assert {c["claim_id"]: c["order_known"] for c in claims} == {"AZ-2001": True, "AZ-2002": False}

        case = eventually(lambda: (c := ask("returns", "claim", "demo-seller", "AZ-2001"))["returns"] and c)
        assert case["delivery"]["proof"] == "signed by: R. LOPEZ"
        assert case["shipments"][0]["tracking_number"] == "1Z999AA10123456784"
        assert [m["message_id"] for m in case["buyer_messages"]] == ["MSG-7Q2K9D"]
        unknown = sellerops("returns", "claim", "demo-seller", "AZ-2002", url=url).stdout
        assert "order never seen" in unknown and "missing: no delivery scan" in unknown

        sellerops("returns", "refund", "demo-seller", "RTN-1001", url=url)
        done = eventually(lambda: (r := ask("returns", "get", "demo-seller", "RTN-1001"))["status"] == "Completed"
                          and r)
        assert done and done["refunded"] == {"amount": "7.50", "currency": "USD"}
        again = sellerops("returns", "close", "demo-seller", "RTN-1001", "--reason", "late", url=url, check=False)
        assert again.returncode == 1 and "Completed" in again.stderr and "$.return_id" in again.stderr

        sellerops("returns", "respond", "demo-seller", "AZ-2001", "--message", "Refunded the rest of the order.",
                  "--evidence", "1Z999AA10123456784", "--refund", "7.49:USD", url=url)
        order = eventually(lambda: (o := ask("orders", "get", "demo-seller", ORDER))["refunded"] and
                           o["refunded"][0]["amount"]["amount"] == "14.99" and o)
        assert order, "both refunds reached the order: one record of money back"
        assert up.stop() == 0
