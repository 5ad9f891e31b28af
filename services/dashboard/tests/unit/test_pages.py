"""The pages over HTTP with the index filled by hand and health faked: what they show, and the 400/404 pages."""

import asyncio
from datetime import UTC, date, datetime

import pytest
from starlette.testclient import TestClient

from sellerops.contracts.health import (
    AccountHealth, AccountStatus, GetAccountHealth, Measure, RatingBand, Status, Target, TargetCondition,
)
from sellerops.contracts.requests import ErrorReply
from sellerops.dashboard.adapters import FleetIndex
from sellerops.dashboard.domain.fleet import SellerParts, row_of
from sellerops.dashboard.domain.parts import CLAIM, Flag, HealthPart, WorkItem
from sellerops.dashboard.web.pages import Deps, create_web
from sellerops.dashboard.web.probe import ServicesView
from sellerops.runtime.dead_letters import DeadLetter
from sellerops.runtime.requests import RequestFailed

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def health(seller: str, query: GetAccountHealth) -> AccountHealth:
    rate = 0.5 if query.as_of is None else 0.25
    odr = Measure(key="orderDefectRate.mfn", metric="orderDefectRate", title="Order Defect Rate", window_days=60,
                  date_from=date(2026, 9, 22), date_to=date(2026, 11, 20), numerator=2, denominator=4, rate=rate,
                  status=Status.BAD, target=Target(value=0.01, condition=TargetCondition.LESS_THAN))
    return AccountHealth(seller=seller, marketplace_id=query.marketplace_id, as_of=query.as_of or NOW,
                         from_history=query.as_of is not None, account_status=AccountStatus.AT_RISK, rating=150,
                         rating_band=RatingBand.AT_RISK, measures=[odr], report={},
                         why={"orderDefectRate:defects.mfn": ["113-1", "113-2"]} if query.as_of else {})


class Probe:
    latest = ServicesView(dead_letters=[DeadLetter(sequence=7, time=None, service="orders", original_subject="market.x",
                                                   reason="undecodable event: boom", deliveries=5, data=b"{}",
                                                   headers={})], dead_letter_count=1)

    async def fresh(self) -> ServicesView:
        return self.latest


@pytest.fixture
def made():
    index = FleetIndex()
    parts = SellerParts(health={"ATVPDKIKX0DER": HealthPart(marketplace_id="ATVPDKIKX0DER", as_of=NOW,
                                                            account_status="AT_RISK", rating=150,
                                                            rating_band="AtRisk")},
                        flags={"x": Flag(marketplace_id="ATVPDKIKX0DER", key="orderDefectRate.mfn", title="ODR",
                                         breached_at=NOW, rate=0.5)})
    parts.work[CLAIM] = {"AZ-1": WorkItem(kind=CLAIM, ref="AZ-1", order_id="113-1", what="respond", since=NOW,
                                          due_at=NOW)}
    index.parts["acme"] = parts
    index.rows["acme"] = row_of("acme", parts)
    replayed: list[int] = []

    async def ask(seller, query):
        if seller == "broken":
            raise ValueError("a bug")
        if seller == "slow":
            raise TimeoutError
        return health(seller, query)

    async def ask_order(seller, ref):
        raise RequestFailed(ErrorReply(code="not_found", message=f"no health facts for order {ref.order_id}"))

    async def replay(sequence: int) -> int:
        replayed.append(sequence)
        return 1

    def client(operator: bool = False) -> TestClient:
        return TestClient(create_web(Deps(index=index, probe=Probe(), ask_health=ask, ask_order=ask_order,
                                          replay=replay, now=lambda: NOW, operator=operator, page_size=50,
                                          trend_days=90, trend_step_days=7)), raise_server_exceptions=False)

    return client, replayed, index


def test_the_fleet_page_lists_each_seller_with_its_status_rating_and_open_work(made):
    page = made[0]().get("/")
    assert page.status_code == 200
    assert 'data-seller="acme"' in page.text and ">AT_RISK<" in page.text and 'data-field="claims">1<' in page.text


def test_the_seller_page_shows_healths_answer_the_alerts_and_the_open_work(made):
    page = made[0]().get("/sellers/acme")
    assert page.status_code == 200
    assert "50.00%" in page.text and "2 / 4" in page.text and 'data-flag="orderDefectRate.mfn"' in page.text
    assert 'data-ref="AZ-1"' in page.text and 'href="/sellers/acme/orders/113-1"' in page.text


def test_a_fragment_is_the_live_part_alone(made):
    page = made[0]().get("/sellers/acme?fragment=1")
    assert "<html" not in page.text and 'data-field="rating">150<' in page.text


def test_the_trend_is_time_travel_answers_oldest_first_with_the_orders_behind_the_last(made):
    trend = made[0]().get("/sellers/acme/trend.json").json()
    assert len(trend["days"]) == 14 and trend["series"]["orderDefectRate.mfn"]["rates"] == [0.25] * 14
    assert trend["why"] == {"orderDefectRate:defects.mfn": ["113-1", "113-2"]}


@pytest.mark.parametrize(("path", "status", "says"), [
    ("/sellers/nobody", 404, "no facts about seller"),
    ("/sellers/bad%20seller", 400, "parameter seller"),
    ("/sellers/acme?as_of=2026-02-30", 400, "parameter as_of"),
    ("/sellers/acme?marketplace=us", 400, "parameter marketplace"),
    ("/?page=-1", 400, "parameter page"),
    ("/nowhere", 404, "nothing at /nowhere"),
    ("/sellers/acme/orders/113-9", 404, "no health facts for order 113-9"),
])
def test_bad_input_gets_a_page_that_says_what_was_wrong_never_a_traceback(made, path, status, says):
    page = made[0]().get(path)
    assert page.status_code == status and says in page.text.replace("&#39;", "'")
    assert "Traceback" not in page.text and "<html" in page.text


def test_a_failure_is_a_plain_error_page_and_health_not_answering_a_503(made):
    client, _, index = made
    index.parts["broken"] = index.parts["slow"] = SellerParts()
    page = client().get("/sellers/broken")
    assert page.status_code == 500, page.text
    assert "a bug" not in page.text, page.text[page.text.find("a bug") - 200:]
    assert "the reason is in the dashboard" in page.text
    page = client().get("/sellers/slow")
    assert page.status_code == 503 and "did not answer" in page.text


def test_the_replay_button_is_for_operators_only(made):
    client, replayed, _ = made
    assert "Replay</button>" not in client().get("/services").text
    assert client().post("/services/deadletters/7/replay").status_code == 403
    answer = client(operator=True).post("/services/deadletters/7/replay", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"], replayed) == (303, "/services", [7])
    assert "Replay</button>" in client(operator=True).get("/services").text


def test_a_replay_posted_from_another_site_is_refused(made):
    client, replayed, _ = made
    answer = client(operator=True).post("/services/deadletters/7/replay", headers={"origin": "http://evil.example"})
    assert answer.status_code == 403 and replayed == []


async def test_live_pages_wake_when_the_index_moves():
    index = FleetIndex()
    waiting = asyncio.create_task(index.wait_change(index.version, timeout=5))
    await asyncio.sleep(0.01)
    index.changed()
    assert await waiting == 1
    assert await index.wait_change(1, timeout=0.01) == 1
