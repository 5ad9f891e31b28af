"""runtime.service.Service: one declaration gives the info, the host, the app, the document and the plugin."""

from datetime import UTC, datetime

from sellerops.contracts.market import OrderPaymentAuthorized
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.host import ConsumerSpec, EndpointSpec
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built, Service
from sellerops.runtime.settings import RuntimeSettings

ORDERS = ConsumerSpec(durable="example-market-order", source="market", entity="order")


class ExampleSettings:
    def __init__(self, runtime: RuntimeSettings | None = None) -> None:
        self.runtime = runtime or RuntimeSettings()


async def on_paid(evt: OrderPaymentAuthorized, *, seen: list) -> None:
    seen.append(evt)


async def echo(seller: str, request: str, *, prefix: str) -> str:
    return prefix + request


def build(resources: object, settings: ExampleSettings) -> Built:
    return Built(Dependencies(seen=[], prefix="> "))


SERVICE = Service(name="example", distribution="sellerops-shared", description="an example",
                  settings=ExampleSettings, consumers=(ORDERS,), routes={ORDERS: {OrderPaymentAuthorized: on_paid}},
                  endpoints=(EndpointSpec("echo", str, str, echo, "says it back"),), publishes=(), buckets=("b",),
                  build=build)


def test_the_declaration_gives_the_info_the_runner_and_the_credentials_read():
    info = SERVICE.service_info()

    assert (info.name, info.consumers, info.buckets) == ("example", (ORDERS,), ("b",))
    assert info.version  # the distribution's


def test_the_plugin_declares_everything_the_runner_and_the_demo_call():
    plugin = SERVICE.plugin("An example.")

    assert (plugin.name, plugin.description) == ("example", "An example.")
    assert plugin.create_host(clock=DrivenClock(datetime(2026, 1, 1, tzinfo=UTC))).info.name == "example"
    assert plugin.spec().routes == SERVICE.routes and plugin.info() == SERVICE.service_info()


def test_a_host_is_wired_from_what_the_composition_root_built():
    host = SERVICE.create_host(ExampleSettings())

    wiring = host._wire(None)  # noqa: SLF001  (what start() does once connected)

    assert [e.verb for e in wiring.endpoints] == ["echo"]
    assert set(wiring.events[ORDERS.durable]) == {OrderPaymentAuthorized}


def test_a_host_runs_on_the_runtime_settings_of_the_service_settings_given():
    settings = ExampleSettings(RuntimeSettings(answers_at_once=4))

    host = SERVICE.create_host(settings)

    assert host.settings is settings.runtime
