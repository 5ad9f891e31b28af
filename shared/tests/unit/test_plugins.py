"""The plugin registry and loader: names, allowlist, and the real `sellerops.services` group."""

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import SimpleNamespace

import pytest

from sellerops.plugins import loader
from sellerops.plugins.spec import CARRIERS, SERVICES, Registry, ServicePlugin


@dataclass
class FakeEntryPoint:
    name: str
    target: object
    value: str = ""
    loads: list = field(default_factory=list)

    def load(self):
        self.loads.append(self.name)
        return self.target


def adds(name: str, item: object):
    return lambda registry: registry.add(name, item)


@pytest.fixture
def installed(monkeypatch):
    """Replace the installed entry points of every group with the list this returns."""
    plugins: list[FakeEntryPoint] = []
    asked: list[str] = []

    def fake_entry_points(*, group: str):
        asked.append(group)
        return list(plugins)

    monkeypatch.setattr(loader, "entry_points", fake_entry_points)
    return SimpleNamespace(plugins=plugins, asked=asked)


def test_a_registry_gives_back_what_was_added_by_name():
    registry: Registry[str] = Registry(CARRIERS)
    registry.add("ups", "UPS Ground")
    registry.add("fedex", "FedEx Home")

    assert registry.get("ups") == "UPS Ground"
    assert registry.names() == ["fedex", "ups"]
    assert sorted(registry) == ["FedEx Home", "UPS Ground"]
    assert len(registry) == 2


def test_a_name_registered_twice_is_refused_naming_the_group_and_the_name():
    registry: Registry[str] = Registry(CARRIERS)
    registry.add("ups", "UPS Ground")

    with pytest.raises(ValueError) as caught:
        registry.add("ups", "UPS Next Day Air")

    assert str(caught.value) == "sellerops.carriers: 'ups' is registered twice"
    assert registry.get("ups") == "UPS Ground"


def test_an_unknown_name_lists_what_is_installed():
    registry: Registry[str] = Registry(CARRIERS)
    registry.add("usps", "USPS")
    registry.add("ups", "UPS")

    with pytest.raises(KeyError) as caught:
        registry.get("dhl")

    assert caught.value.args[0] == "sellerops.carriers: no plugin named 'dhl' (installed: ups, usps)"


def test_an_unknown_name_in_an_empty_registry_says_none_are_installed():
    with pytest.raises(KeyError) as caught:
        Registry(CARRIERS).get("dhl")

    assert caught.value.args[0] == "sellerops.carriers: no plugin named 'dhl' (installed: none)"


def test_load_calls_register_of_every_plugin_of_the_group(installed):
    installed.plugins += [FakeEntryPoint("ups", SimpleNamespace(register=adds("ups", "UPS"))),
                          FakeEntryPoint("usps", adds("usps", "USPS"))]

    registry = loader.load(CARRIERS)

    assert (registry.group, registry.names()) == (CARRIERS, ["ups", "usps"])
    assert installed.asked == [CARRIERS]


def test_load_with_an_allowlist_does_not_even_import_the_others(installed):
    ups = FakeEntryPoint("ups", adds("ups", "UPS"))
    dhl = FakeEntryPoint("dhl", adds("dhl", "DHL"))
    installed.plugins += [ups, dhl]

    registry = loader.load(CARRIERS, allow=["ups", "fedex"])

    assert registry.names() == ["ups"]
    assert (ups.loads, dhl.loads) == (["ups"], [])


def test_load_registers_in_name_order_into_a_given_registry(installed):
    order: list[str] = []
    installed.plugins += [FakeEntryPoint(n, lambda r, n=n: order.append(n)) for n in ("usps", "dhl", "ups")]
    registry: Registry[str] = Registry(CARRIERS)

    assert loader.load(CARRIERS, registry) is registry
    assert order == ["dhl", "ups", "usps"]


def test_a_plugin_without_a_register_function_is_refused_naming_it(installed):
    installed.plugins.append(FakeEntryPoint("broken", SimpleNamespace(), value="acme_carriers.broken"))

    with pytest.raises(TypeError) as caught:
        loader.load(CARRIERS)

    assert str(caught.value) == (
        "sellerops.carriers: plugin 'broken' (acme_carriers.broken) has no register(registry)"
    )


def test_a_plugin_registering_a_taken_name_fails_the_load(installed):
    installed.plugins += [FakeEntryPoint("a", adds("ups", 1)), FakeEntryPoint("b", adds("ups", 2))]

    with pytest.raises(ValueError, match="'ups' is registered twice"):
        loader.load(CARRIERS)


def test_the_orders_service_is_registered_in_the_installed_services_group():
    assert "orders" in {ep.name for ep in entry_points(group=SERVICES)}


def test_the_installed_orders_service_loads_as_a_service_plugin():
    registry = loader.load(SERVICES, allow=["orders"])

    plugin = registry.get("orders")
    assert isinstance(plugin, ServicePlugin)
    assert plugin.name == "orders"
    assert callable(plugin.create_app)
