"""Every service registers its built-in plugins in one place: its `plugin.builtins` module."""

from importlib.metadata import entry_points

from sellerops.plugins.loader import load
from sellerops.plugins.spec import CARRIERS, CHANNELS, METRICS, PLACEMENT, SOURCING

BUILTIN_GROUPS = (PLACEMENT, SOURCING, CARRIERS, METRICS, CHANNELS)


def test_every_built_in_plugin_of_a_service_is_registered_from_its_plugin_builtins_module():
    found = {(group, ep.name): ep.value for group in BUILTIN_GROUPS for ep in entry_points(group=group)
             if ep.value.startswith("sellerops.")}

    assert found, "the workspace's services are installed"
    misplaced = {k: v for k, v in found.items() if ".plugin.builtins:register_" not in v}
    assert misplaced == {}


def test_the_built_in_plugins_load_through_the_same_path_as_anyone_s():
    assert {"minimal", "distributed", "optimal"} <= set(load(PLACEMENT).names())
    assert {"webhook", "email", "log"} <= set(load(CHANNELS).names())
