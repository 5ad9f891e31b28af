"""The in-memory fleet index: records decoded into a seller's parts, rows kept current, ranking redone on change."""

from datetime import UTC, datetime

import msgspec

from sellerops.dashboard.adapters import FleetIndex
from sellerops.dashboard.domain.parts import HealthPart
from sellerops.runtime.state import Processed, Record

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def health(status: str, rating: int) -> bytes:
    part = HealthPart(marketplace_id="M", as_of=T0, account_status=status, rating=rating, rating_band="Healthy")
    return msgspec.json.encode(Record(part, [Processed("m1", [])]))


def test_a_load_makes_each_sellers_row_and_a_later_write_moves_it_up_the_ranking():
    index = FleetIndex()
    index.load([("calm.health.M", health("NORMAL", 1000)), ("other.health.M", health("NORMAL", 900)),
                ("stray-key", b"{}")])
    assert [r.seller for r in index.ranked()] == ["other", "calm"]
    index.put("calm.health.M", health("AT_RISK", 150))
    index.changed()
    assert [r.seller for r in index.ranked()] == ["calm", "other"]


def test_a_deleted_record_leaves_the_sellers_parts():
    index = FleetIndex()
    index.load([("calm.health.M", health("NORMAL", 1000))])
    index.put("calm.health.M", None)
    index.changed()
    assert index.parts["calm"].health == {} and index.rows["calm"].account_status == "UNKNOWN"


async def test_a_burst_of_writes_makes_each_sellers_row_once_a_moment_later_and_wakes_readers_once():
    import asyncio

    from sellerops.dashboard import adapters

    index = FleetIndex()
    index.load([("calm.health.M", health("NORMAL", 1000))])
    version = index.version
    made = []
    real = adapters.row_of
    adapters.row_of = lambda seller, parts: made.append(seller) or real(seller, parts)
    try:
        for rating in range(900, 100, -100):
            index.put("calm.health.M", health("AT_RISK", rating), row=False)
            index._row_soon("calm")  # noqa: SLF001  (what follow does per write)
        assert made == [] and index.rows["calm"].rating == 1000, "not per write"
        await asyncio.sleep(adapters.ROWS_EVERY_S * 2)
    finally:
        adapters.row_of = real

    assert made == ["calm"] and index.rows["calm"].rating == 200
    assert index.version == version + 1
