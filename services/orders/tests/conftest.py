"""Fixtures of the orders tests. `make` is the factories module, loaded by path so that it works
whatever the rootdir or import mode (tests cannot `import factories` under --import-mode=importlib)."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

_NAME = "sellerops_orders_test_factories"


def _load_factories() -> ModuleType:
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).with_name("factories.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


@pytest.fixture(scope="session")
def make() -> ModuleType:
    return _load_factories()
