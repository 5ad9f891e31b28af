"""The module set keeps its promises: a pure domain, handlers that reach the world only through ports."""

import ast
from pathlib import Path

import sellerops.fulfillment as package

ROOT = Path(package.__file__).parent
IO_MODULES = {"structlog", "logging", "pathlib", "importlib.resources", "zipcodes", "nats", "faststream", "os", "io"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_domain_module_reads_files_logs_or_talks_to_nats():
    for path in sorted((ROOT / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text())
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        touched = {m for m in imported(path) if m.split(".")[0] in IO_MODULES or m in IO_MODULES}
        assert not touched and "open" not in calls, f"{path.relative_to(ROOT)}: {sorted(touched)}"


def test_handlers_import_only_ports_domain_contracts_and_the_runtime():
    for path in sorted((ROOT / "handlers").glob("*.py")):
        ours = {m for m in imported(path) if m.startswith("sellerops.fulfillment")}
        strays = {m for m in ours if not m.startswith(("sellerops.fulfillment.domain", "sellerops.fulfillment.ports",
                                                        "sellerops.fulfillment.handlers"))}
        assert not strays, f"{path.name} imports {sorted(strays)}"


def test_every_handler_is_a_short_recipe():
    long = []
    for path in sorted((ROOT / "handlers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                lines = node.end_lineno - body[0].lineno + 1 if body else 0
                if lines > 20:
                    long.append(f"{path.name}:{node.name} ({lines} lines)")
    assert not long, long
