"""How the contracts are laid out: they import nothing of the project, and a source split into topic modules
still answers every name from its package."""

import ast
import importlib
import pkgutil
from pathlib import Path

import msgspec
import pytest

import sellerops.contracts

CONTRACTS = Path(sellerops.contracts.__file__).parent
MODULES = sorted(CONTRACTS.rglob("*.py"))
PACKAGES = sorted(p.parent.name for p in CONTRACTS.glob("*/__init__.py"))


def project_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "sellerops"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CONTRACTS)))
def test_a_contracts_module_imports_nothing_of_the_project_but_the_contracts(path):
    outside = {name for name in project_imports(path) if not name.startswith("sellerops.contracts")}
    assert not outside, f"{path.name} imports {sorted(outside)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CONTRACTS)))
def test_a_contracts_module_stays_within_about_three_hundred_lines(path):
    assert len(path.read_text().splitlines()) <= 300, f"split {path.name} by topic"


def test_the_big_sources_are_packages_of_topic_modules():
    assert set(PACKAGES) >= {"returns", "orders", "inbound", "inventory", "health", "notifications"}


@pytest.mark.parametrize("package", PACKAGES)
def test_a_source_package_answers_every_struct_and_enum_of_its_topic_modules(package):
    parent = importlib.import_module(f"sellerops.contracts.{package}")
    for info in pkgutil.iter_modules(parent.__path__):
        topic = importlib.import_module(f"{parent.__name__}.{info.name}")
        for name, value in vars(topic).items():
            defined_here = isinstance(value, type) and value.__module__ == topic.__name__
            if defined_here and not name.startswith("_"):
                assert getattr(parent, name, None) is value, f"sellerops.contracts.{package} lacks {name}"
                assert name in parent.__all__


def test_a_re_exported_event_is_the_class_the_catalog_decodes_into():
    from sellerops.contracts import catalog
    from sellerops.contracts.returns import ClaimFiled

    assert catalog.event_type(ClaimFiled.type_tag()) is ClaimFiled
    assert issubclass(ClaimFiled, msgspec.Struct)
