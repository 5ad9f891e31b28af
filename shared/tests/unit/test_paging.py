"""runtime.paging: pages cut by count and by size, cursors that go on after the last item given."""

from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from sellerops.contracts.requests import RequestError
from sellerops.runtime.paging import page


class Item(msgspec.Struct):
    key: str
    at: datetime
    text: str = ""


T0 = datetime(2026, 11, 2, tzinfo=UTC)
ITEMS = [Item(f"k{n:03d}", T0 + timedelta(minutes=n)) for n in range(25)]


def walk(items, **options):
    cursor, pages = None, []
    while True:
        taken, cursor = page(items, cursor=cursor, **options)
        pages.append([i.key for i in taken])
        if cursor is None:
            return pages


def test_pages_by_count_give_every_item_once_in_order():
    pages = walk(ITEMS, key=lambda i: i.key, limit=10)

    assert [len(p) for p in pages] == [10, 10, 5]
    assert [key for found in pages for key in found] == [i.key for i in ITEMS]


def test_pages_by_size_stop_before_the_byte_budget():
    big = [Item(f"k{n:03d}", T0, "x" * 100) for n in range(25)]

    pages = walk(big, key=lambda i: i.key, limit=1000, max_bytes=1000)

    assert all(len(msgspec.json.encode([Item(k, T0, "x" * 100) for k in p])) <= 1000 for p in pages)
    assert [key for found in pages for key in found] == [i.key for i in big]


def test_newest_first_pages_go_on_after_the_cursor_by_time_then_key():
    newest = sorted(ITEMS, key=lambda i: (i.at, i.key), reverse=True)

    pages = walk(newest, key=lambda i: (i.at, i.key), limit=7, newest_first=True)

    assert [key for found in pages for key in found] == [i.key for i in newest]


def test_an_item_removed_between_pages_shifts_nothing_else():
    _first, cursor = page(ITEMS, key=lambda i: i.key, cursor=None, limit=5)
    rest = [i for i in ITEMS if i.key != "k006"]

    second, _ = page(rest, key=lambda i: i.key, cursor=cursor, limit=5)

    assert [i.key for i in second] == ["k005", "k007", "k008", "k009", "k010"]


def test_a_cursor_no_page_gave_is_refused_naming_the_field():
    with pytest.raises(RequestError) as refused:
        page(ITEMS, key=lambda i: i.key, cursor="not*base64!", limit=5)

    assert refused.value.reply.field == "$.cursor"


def test_a_time_with_microseconds_after_a_whole_second_is_not_skipped_by_the_cursor():
    whole = Item("a", T0)
    later = [Item("b", T0 + timedelta(microseconds=500_000)), Item("c", T0 + timedelta(seconds=1))]
    west = Item("d", (T0 + timedelta(seconds=2)).astimezone(timezone(timedelta(hours=-5))))  # 19:00:02-05:00

    pages = walk([whole, *later, west], key=lambda i: (i.at, i.key), limit=1)

    assert [key for found in pages for key in found] == ["a", "b", "c", "d"]
