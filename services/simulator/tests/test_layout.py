"""The simulator is a product, not a test helper: none of its modules needs a test package."""

import pkgutil
import subprocess
import sys

import sellerops.simulator


def test_importing_every_simulator_module_loads_no_test_package():
    modules = [m.name for m in pkgutil.walk_packages(sellerops.simulator.__path__, "sellerops.simulator.")]
    assert "sellerops.simulator.demo" in modules and "sellerops.simulator.domain.seller" in modules
    check = (f"import importlib, sys\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
             "print(sorted(m for m in sys.modules if m.startswith(('sellerops.testing', 'pytest', '_pytest'))))")
    loaded = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]", f"the simulator imports test packages: {loaded}"
