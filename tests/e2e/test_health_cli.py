"""Account health as a user sees it: `sellerops up`, the example orders with a claim and a 1-star feedback,
then `sellerops health` as JSON, as a table, and as of a past moment (from history, naming the orders)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .test_up_and_cli import poll as eventually
from .test_up_and_cli import sellerops, shifted_copy, system_up

pytestmark = [pytest.mark.nats, pytest.mark.slow]
EXAMPLE = Path(__file__).parents[2] / "examples" / "health.jsonl"
DEFECTIVE = ["113-0000012-0000012", "113-0000013-0000013"]  # the claim's order, the 1-star feedback's order


def recent_copy(tmp_path: Path) -> Path:
    """The example moved so its last fact was an hour ago: inside the live windows whatever today's date, and
    every ship-by date still ahead (no late shipment)."""
    return shifted_copy(EXAMPLE, tmp_path, datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))


def test_orders_a_claim_and_negative_feedback_make_the_order_defect_rate_bad_in_the_cli(tmp_path):
    with system_up(tmp_path) as up:
        url = up.url

        def health(*args: str) -> dict | None:
            result = sellerops("health", "demo-seller", "--json", *args, url=url, check=False)
            return json.loads(result.stdout) if result.returncode == 0 else None

        def odr(found: dict | None) -> tuple[int, int] | None:
            if found is None:
                return None
            m = next(m for m in found["measures"] if m["key"] == "orderDefectRate.mfn")
            return m["numerator"], m["denominator"]

        assert "published 10" in sellerops("events", "publish", str(recent_copy(tmp_path)), url=url).stdout
        found = eventually(lambda: (h := health()) and odr(h) == (2, 4) and h)
        assert found, f"the ODR never showed 2 defects in 4 orders; last answer: {health()}"
        m = next(m for m in found["measures"] if m["key"] == "orderDefectRate.mfn")
        assert m["status"] == "BAD" and m["rate"] == 0.5
        assert (found["account_status"], found["rating"], found["rating_band"]) == ("AT_RISK", 150, "AtRisk")
        assert not found["from_history"]

        table = sellerops("health", "demo-seller", url=url).stdout
        assert "Order Defect Rate" in table and "50.00%" in table and "< 1.00%" in table
        assert "Account Health Rating: 150 AtRisk" in table and "Account status: AT_RISK" in table

        moment = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
        past = health("--as-of", moment)
        assert past["from_history"] and odr(past) == (2, 4)
        assert past["why"]["orderDefectRate:defects.mfn"] == DEFECTIVE

        bad = sellerops("health", "demo-seller", "--as-of", "last week", url=url, check=False)
        assert bad.returncode == 2 and "--as-of" in bad.stderr
        assert up.stop() == 0
