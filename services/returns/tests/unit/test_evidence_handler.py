"""The evidence handler over the real stores (in-memory KV): an order's placement opens its dossier with a
create and no read; a dossier that a buyer message opened first takes the order's facts all the same."""

from collections import defaultdict
from datetime import UTC, datetime

from sellerops.contracts.returns import BuyerMessageReceived, ReturnPolicy
from sellerops.returns.adapters import DOSSIERS, stores
from sellerops.returns.handlers import evidence
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher
from sellerops.testing.helpers import fact, order_recorded

T0 = datetime(2026, 11, 20, 15, tzinfo=UTC)


def service() -> tuple[dict, dict[str, FakeKeyValue]]:
    kvs: dict[str, FakeKeyValue] = defaultdict(FakeKeyValue)
    built = stores(kvs, keep=64, keep_dossier=64)
    return {"dossiers": built["dossiers"], "policies": built["policies"], "publish": RecordingPublisher(),
            "default_policy": ReturnPolicy()}, kvs


async def test_an_order_recorded_opens_its_dossier_without_reading_it_first() -> None:
    deps, kvs = service()

    await evidence.on_evidence(order_recorded("acme", "O-1", T0), **deps)

    assert kvs[DOSSIERS].gets == 0
    assert (await deps["dossiers"].load("acme", "O-1")).order_seen


async def test_a_dossier_a_buyer_message_opened_first_still_takes_the_order() -> None:
    deps, _ = service()
    await evidence.on_evidence(fact(BuyerMessageReceived, "acme", T0, order_id="O-1", message_id="M1",
                                    title="Where is my order?", body="It has not arrived."), **deps)

    await evidence.on_evidence(order_recorded("acme", "O-1", T0), **deps)

    found = await deps["dossiers"].load("acme", "O-1")
    assert found.order_seen and len(found.timeline) == 2
