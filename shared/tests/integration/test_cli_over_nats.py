"""The CLI's own checks against a real nats-server: a seller no stream knows is said to be unknown."""

import json

import pytest

from sellerops.testing.helpers import run_cli

pytestmark = pytest.mark.nats
PLACED = ('{"type": "market.order_placed.v1", "seller": "acme", "order_id": "113-0000001-0000001", '
          '"fulfillment_channel": "MFN", "purchased_at": "2026-11-20T14:03:00Z", "occurred_at": "2026-11-20T14:03:00Z", '
          '"items": [{"order_item_id": "41234567890123", "sku": "MUG", "quantity": 1, '
          '"item_price": {"amount": "14.99", "currency": "USD"}}]}\n')


def test_a_fact_query_for_a_seller_no_stream_knows_says_unknown_seller(nats_url, capsys, tmp_path):
    code, out, err = run_cli(["orders", "list", "ghost", "--json", "--nats-url", nats_url], capsys)
    assert code == 1
    assert json.loads(out) == {"code": "not_found", "field": "seller", "message": json.loads(out)["message"]}
    assert "unknown seller 'ghost'" in json.loads(out)["message"]

    events = tmp_path / "placed.jsonl"
    events.write_text(PLACED)
    assert run_cli(["events", "publish", str(events), "--nats-url", nats_url], capsys)[0] == 0
    code, out, err = run_cli(["orders", "list", "acme", "--nats-url", nats_url], capsys)
    assert code == 1  # known now: past the check, and no orders service answers on this server
    assert "no answer from the orders service" in err and "unknown seller" not in err
    code, out, err = run_cli(["health", "ghost", "--nats-url", nats_url], capsys)
    assert code == 1 and "unknown seller 'ghost'" in err, "a spotless report for a seller never seen is not given"


def test_publish_with_shift_to_now_dates_the_file_up_to_now_and_a_second_run_is_deduplicated(nats_url, capsys,
                                                                                             tmp_path):
    events = tmp_path / "placed.jsonl"
    events.write_text(PLACED)
    code, out, _ = run_cli(["events", "publish", str(events), "--shift-to-now", "--json", "--nats-url", nats_url],
                           capsys)
    assert code == 0 and json.loads(out)["published"] == 1
    code, out, _ = run_cli(["events", "publish", str(events), "--shift-to-now", "--json", "--nats-url", nats_url],
                           capsys)
    assert code == 0 and json.loads(out)["deduplicated"] == 1 and json.loads(out)["published"] == 0
