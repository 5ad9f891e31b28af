"""The fleet page: riskiest sellers first, filtered and paged from the index, never by asking health."""

from datetime import UTC, datetime, timedelta

import pytest

from sellerops.dashboard.domain.fleet import FleetQuery, SellerParts, fleet_page, row_of
from sellerops.dashboard.domain.parts import CLAIM, AccountPart, Flag, HealthPart, WorkItem
from sellerops.dashboard.web import views

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


def parts(status: str, rating: int, *, breached: bool = False, claims: int = 0, missed: bool = False) -> SellerParts:
    found = SellerParts(health={"M": HealthPart(marketplace_id="M", as_of=T0, account_status=status, rating=rating,
                                                rating_band="Healthy")})
    if breached:
        found.flags["M.odr"] = Flag(marketplace_id="M", key="odr", title="ODR", breached_at=T0)
    found.work[CLAIM] = {f"C{i}": WorkItem(kind=CLAIM, ref=f"C{i}", order_id="O", what="respond", since=T0,
                                           missed=missed) for i in range(claims)}
    return found


def test_sellers_come_riskiest_first_status_then_open_breaches_then_rating():
    rows = [row_of("calm", parts("NORMAL", 1000)), row_of("risky", parts("AT_RISK", 150)),
            row_of("breached", parts("NORMAL", 850, breached=True)), row_of("gone", parts("DEACTIVATED", 0)),
            row_of("low", parts("NORMAL", 700))]
    page = fleet_page(rows, FleetQuery())
    assert [r.seller for r in page.rows] == ["gone", "risky", "breached", "low", "calm"]
    assert page.by_status == {"DEACTIVATED": 1, "AT_RISK": 1, "NORMAL": 3, "UNKNOWN": 0}


def test_a_status_change_newer_than_healths_last_answer_is_what_the_row_shows():
    found = parts("NORMAL", 1000)
    found.account["M"] = AccountPart(marketplace_id="M", previous="NORMAL", current="AT_RISK", rating=150,
                                     rating_band="AtRisk", at=T0 + timedelta(minutes=1))
    row = row_of("s", found)
    assert (row.account_status, row.rating) == ("AT_RISK", 150)


def test_a_seller_health_has_not_answered_for_yet_is_unknown_and_listed_last():
    rows = [row_of("new", SellerParts()), row_of("known", parts("NORMAL", 1000))]
    assert [r.seller for r in fleet_page(rows, FleetQuery()).rows] == ["known", "new"]
    assert rows[0].account_status == "UNKNOWN"


def test_the_filter_takes_part_of_a_name_a_status_and_red_flags_only():
    rows = [row_of(f"seller-{i}", parts("NORMAL", 1000, breached=i % 3 == 0, claims=i % 2)) for i in range(10)]
    assert fleet_page(rows, FleetQuery(text="LER-1")).total == 1
    assert fleet_page(rows, FleetQuery(flagged=True)).total == 4
    assert fleet_page(rows, FleetQuery(status="AT_RISK")).total == 0
    assert fleet_page(rows, FleetQuery()).rows[0].claims in (0, 1)


def test_pages_hold_the_page_size_and_a_page_past_the_end_shows_the_last():
    rows = [row_of(f"s{i:03}", parts("NORMAL", 1000)) for i in range(120)]
    first = fleet_page(rows, FleetQuery(size=50))
    last = fleet_page(rows, FleetQuery(size=50, page=9))
    assert (len(first.rows), first.pages, last.page, len(last.rows)) == (50, 3, 3, 20)


def test_overdue_counts_work_whose_deadline_passed():
    assert row_of("s", parts("NORMAL", 1000, claims=2, missed=True)).overdue == 2


@pytest.mark.parametrize(("params", "field"), [
    ({"page": "x"}, "page"), ({"page": "0"}, "page"), ({"status": "HAPPY"}, "status"), ({"flagged": "maybe"}, "flagged"),
    ({"sort": "name"}, "sort"),
])
def test_a_bad_fleet_parameter_is_refused_naming_it(params, field):
    with pytest.raises(views.BadInput) as refused:
        views.fleet_query(params, size=50)
    assert refused.value.field == field


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2027-01-01"])
def test_a_bad_or_future_as_of_is_refused(value):
    with pytest.raises(views.BadInput, match="as_of"):
        views.as_of_of(value, T0)


def test_a_date_is_the_end_of_that_utc_day_and_today_is_now():
    assert views.as_of_of("2026-11-19", T0) == datetime(2026, 11, 19, 23, 59, 59, 999999, tzinfo=UTC)
    assert views.as_of_of("2026-11-20", T0) is None


@pytest.mark.parametrize("value", ["a b", "x" * 65, "acme.other", ""])
def test_a_malformed_seller_id_is_refused(value):
    with pytest.raises(views.BadInput, match="seller"):
        views.seller_of(value)


def test_the_trend_asks_every_step_back_to_its_reach_oldest_first_then_a_recent_moment():
    points = views.trend_points(T0, days=90, step=7, recent=timedelta(minutes=10))
    assert len(points) == 14
    assert points[0].label == "2026-08-22" and points[-2].label == "2026-11-14"
    assert points[-1].as_of == T0 - timedelta(minutes=10)
