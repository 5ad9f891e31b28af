"""`GET /health/<seller>` and the account-health gauges on the service's HTTP port: the handlers built on
in-memory stores, the ASGI app called directly (no NATS, no socket); one test runs the real service."""

import asyncio
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime

import msgspec
import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.health import DEFAULT_MARKETPLACE, AccountHealth, GetAccountHealth, Status
from sellerops.health import bootstrap, handlers, subscribers
from sellerops.health.adapters import BUCKETS, stores
from sellerops.health.app import create_host
from sellerops.health.settings import HealthSettings
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.embedded import free_port
from sellerops.runtime.observability import Metrics, asgi_app
from sellerops.runtime.settings import NatsSettings, RuntimeSettings
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher
from sellerops.testing.helpers import eventually, running

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SELLER = "acme"
ODR_DAY = {"orderDefectRate:orders.mfn": 10, "orderDefectRate:defects.mfn": 1, "orderDefectRate:claims.mfn": 1}


class Service:
    """The health handlers on fake buckets, with the HTTP app a pod would serve."""

    def __init__(self) -> None:
        self.metrics = Metrics("health")
        self.stores = stores({name: FakeKeyValue() for name in BUCKETS}, keep=64, keep_day=512)
        rules, forecast = bootstrap.rules_of(HealthSettings())
        self.deps, self.checker = bootstrap.build(
            stores=self.stores, publish=RecordingPublisher(), clock=DrivenClock(NOW),
            metrics=bootstrap.load_metrics(), rules=rules, forecast=forecast, history=self.history,
            gauges=bootstrap.prometheus_gauges(self.metrics.registry))
        self.app = asgi_app(self.metrics, self.ready, bootstrap.http_routes(self.deps))

    @staticmethod
    async def history(seller: str) -> list:
        return []

    @staticmethod
    async def ready() -> bool:
        return True

    async def get(self, path: str, query: str = "") -> tuple[int, str, bytes]:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": []}
        await self.app(scope, receive, send)
        start, body = sent
        return start["status"], dict(start["headers"])[b"content-type"].decode(), body["body"]


@pytest.fixture
async def service() -> Service:
    found = Service()
    await found.stores["days"].add(SELLER, f"{DEFAULT_MARKETPLACE}.2026-11-19", "seed", ODR_DAY)
    return found


async def test_get_health_answers_the_same_json_as_the_request(service) -> None:
    status, kind, body = await service.get(f"/health/{SELLER}", f"marketplace={DEFAULT_MARKETPLACE}")
    assert (status, kind) == (200, "application/json")
    assert body == encode(await service.deps(handlers.get_account_health, SELLER, GetAccountHealth()))
    odr = json.loads(body)["measures"][0]
    assert (odr["key"], odr["numerator"], odr["denominator"], odr["status"]) == ("orderDefectRate.mfn", 1, 10, "BAD")


async def test_as_of_in_the_past_is_answered_from_history(service) -> None:
    status, _, body = await service.get(f"/health/{SELLER}", "as_of=2026-11-19T00:00:00Z")
    assert status == 200
    past = msgspec.json.decode(body, type=AccountHealth)
    assert past.from_history and past.as_of == datetime(2026, 11, 19, tzinfo=UTC)
    assert all(m.status is Status.NONE for m in past.measures), "the fake history is empty"


@pytest.mark.parametrize(("query", "param", "words"), [
    ("as_of=2026-11-20", "as_of", "datetime"),
    ("as_of=yesterday", "as_of", "datetime"),
    ("as_of=2026-11-19T00:00:00", "as_of", "timezone"),
    ("as_of=2026-11-21T00:00:00Z", "as_of", "in the future"),
    ("marketplace=amazon.com", "marketplace", "parameter marketplace"),
    ("asof=2026-11-19T00:00:00Z", "asof", "unknown parameter"),
])
async def test_a_bad_parameter_is_a_400_naming_it(service, query, param, words) -> None:
    status, kind, body = await service.get(f"/health/{SELLER}", query)
    error = json.loads(body)
    assert (status, kind, error["code"], error["field"]) == (400, "application/json", "invalid", param)
    assert words in error["message"]


async def test_unknown_paths_are_404_and_a_bad_seller_a_400(service) -> None:
    assert (await service.get("/nope"))[0] == 404
    assert (await service.get("/health/"))[0] == 404
    assert (await service.get(f"/health/{SELLER}/orders"))[0] == 404
    status, _, body = await service.get("/health/acme.eu")
    assert status == 400 and json.loads(body)["field"] == "seller"
    assert (await service.get("/healthz"))[:2] == (200, "text/plain")


async def test_a_failing_route_answers_500_with_the_reason() -> None:
    async def broken(rest: str, query: dict) -> tuple[int, bytes, str]:
        raise RuntimeError("store unreachable")

    service = Service()
    service.app = asgi_app(service.metrics, service.ready, {"/broken/": broken})
    status, _, body = await service.get("/broken/x")
    assert status == 500 and json.loads(body) == {"code": "internal", "message": "RuntimeError: store unreachable",
                                                  "field": None}


async def test_a_check_sets_the_rate_status_and_rating_gauges(service) -> None:
    await service.checker.check(SELLER, DEFAULT_MARKETPLACE)
    status, kind, body = await service.get("/metrics")
    text = body.decode()
    assert status == 200 and kind.startswith("text/plain")
    labels = f'marketplace="{DEFAULT_MARKETPLACE}",measure="orderDefectRate.mfn",seller="{SELLER}"'
    assert f"sellerops_account_health_rate{{{labels}}} 0.1" in text
    assert f"sellerops_account_health_status{{{labels}}} 1.0" in text, "BAD"
    assert f'sellerops_account_health_rating{{marketplace="{DEFAULT_MARKETPLACE}",seller="{SELLER}"}} 150.0' in text


@pytest.mark.nats
async def test_the_running_service_serves_the_route_on_its_http_port(nats_url, seller) -> None:
    port = free_port()
    runtime = RuntimeSettings(nats=NatsSettings(url=[nats_url]), http_port=port)
    async with running(create_host(HealthSettings(runtime=runtime)).app()):
        async def fetch(path: str) -> tuple[int, bytes]:
            def get() -> tuple[int, bytes]:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as found:  # noqa: S310
                        return found.status, found.read()
                except urllib.error.HTTPError as exc:
                    return exc.code, exc.read()
                except OSError:
                    return 0, b""

            return await asyncio.to_thread(get)

        async def answered() -> tuple[int, bytes] | None:
            found = await fetch(f"/health/{seller}?marketplace={DEFAULT_MARKETPLACE}")
            return found if found[0] else None

        status, body = await eventually(answered)
        assert status == 200 and json.loads(body)["seller"] == seller
        status, body = await fetch(f"/health/{seller}?as_of=soon")
        assert status == 400 and json.loads(body)["field"] == "as_of"
