"""A per-message log line turned into a periodic summary (Tally)."""

import structlog
from structlog.testing import capture_logs

from sellerops.runtime.logging import Tally


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_thousands_of_repeats_make_one_info_line_then_one_summary_a_minute():
    clock = FakeMonotonic()
    with capture_logs() as logs:
        tally = Tally(structlog.get_logger("t"), "notification_skipped_old_event", every_s=60, monotonic=clock)
        for n in range(5000):
            clock.now = n * 0.02  # 100 s in all
            tally.add("market.order_placed.v1", seller="acme")
    infos = [entry for entry in logs if entry["log_level"] == "info"]
    assert [entry["event"] for entry in infos] == ["notification_skipped_old_event",
                                                   "notification_skipped_old_event_summary"]
    assert infos[1]["count"] == 3000 and infos[1]["by"] == {"market.order_placed.v1": 3000}
    assert sum(entry["log_level"] == "debug" for entry in logs) == 4999


def test_a_flush_reports_what_was_counted_and_nothing_when_nothing_was():
    clock = FakeMonotonic()
    with capture_logs() as logs:
        tally = Tally(structlog.get_logger("t"), "skipped", monotonic=clock)
        tally.add("a")
        tally.add("a")
        tally.add("b")
        tally.flush()
        tally.flush()
    summaries = [entry for entry in logs if entry["event"] == "skipped_summary"]
    assert len(summaries) == 1 and summaries[0]["by"] == {"a": 1, "b": 1}
