"""The package's layers (docs/architecture.md): imports point one way, no cycles, the jobs use
the subpackages through their APIs, private names stay in their layer, every module starts with
a docstring line that says its one job, and no module is longer than 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "titletemplate"
# Layer of each subpackage; top-level modules are the core (0) unless named here.
LAYERS = {"ooxml": 1, "template": 2, "ingest": 2, "reports": 3}
JOBS = {
    "runreport": 4, "batch": 5, "bundle": 5, "demo": 6, "cliout": 7, "cliguard": 7, "cli": 8,
    "__main__": 9,
}  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _source(node: ast.ImportFrom, package: list[str]) -> str:
    """The absolute module a `from ... import` reads from, inside `package`."""
    if not node.level:
        return node.module or ""
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports, anywhere in its body."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            source = _source(node, package)
            for alias in node.names:
                target = f"{source}.{alias.name}"
                out.add(target if target in MODULES else source)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> tuple[int, str]:
    parts = name.split(".")
    if len(parts) == 1:
        return 0, ""
    if parts[1] in LAYERS:
        return LAYERS[parts[1]], parts[1]
    return JOBS.get(parts[1], 0), parts[1] if parts[1] in JOBS else ""


def test_imports_point_one_way() -> None:
    backwards = []
    for name, deps in GRAPH.items():
        level, group = _layer(name)
        for dep in deps:
            dep_level, dep_group = _layer(dep)
            if dep_level > level or (dep_level == level > 0 and dep_group != group):
                backwards.append(f"{name} -> {dep}")
    assert not backwards, backwards


def test_no_import_cycles() -> None:
    cycles = []

    def walk(node: str, stack: list[str]) -> None:
        for dep in sorted(GRAPH[node]):
            if dep in stack:
                cycles.append(" -> ".join([*stack[stack.index(dep) :], dep]))
            elif dep not in done:
                walk(dep, [*stack, dep])
        done.add(node)

    done: set[str] = set()
    for name in sorted(GRAPH):
        if name not in done:
            walk(name, [name])
    assert not cycles, sorted(set(cycles))


MAX_LINES = 400  # STYLE.md: aim for 100-400 lines; split along a real seam beyond


def test_every_module_is_at_most_400_lines() -> None:
    """Every module of the package, with no exceptions."""
    long = {
        name: n for name, path in MODULES.items()
        if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }  # fmt: skip
    assert long == {}, f"split these along a real seam: {long}"


def test_every_module_says_its_job() -> None:
    missing = []
    for name, path in MODULES.items():
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
        if not doc or not doc.splitlines()[0].strip():
            missing.append(name)
    assert not missing, missing


def _from_imports(path: Path) -> list[tuple[str, str]]:
    """(source module, imported name) of every `from ... import` in the file, resolved."""
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            source = _source(node, package)
            found += [(source, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


def _api(subpackage: str) -> list[str]:
    """The names in the subpackage's `__all__`."""
    tree = ast.parse((PACKAGE / subpackage / "__init__.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return []


def test_every_subpackage_exports_an_api() -> None:
    for subpackage in LAYERS:
        names = _api(subpackage)
        assert names, f"titletemplate/{subpackage}/__init__.py has no __all__"
        module = __import__(f"titletemplate.{subpackage}", fromlist=names)
        assert [n for n in names if not hasattr(module, n)] == [], subpackage


def test_jobs_import_subpackages_through_their_api() -> None:
    """batch, bundle, demo, the command line: `from titletemplate.ingest import X` with X in
    ingest's __all__, never `from titletemplate.ingest.store import X`."""
    wrong = []
    for job in JOBS:
        path = PACKAGE / f"{job}.py"
        for source, name in _from_imports(path):
            parts = source.split(".")
            if parts[0] != "titletemplate":
                continue
            whole = len(parts) == 1 and name in LAYERS  # `from . import ingest`
            if whole or (len(parts) > 2 and parts[1] in LAYERS):
                wrong.append(f"{job}: {source} import {name}")
            elif len(parts) == 2 and parts[1] in LAYERS and name not in _api(parts[1]):
                wrong.append(f"{job}: {source} import {name} (not in its __all__)")
    assert not wrong, wrong


def test_private_names_stay_in_their_layer() -> None:
    """Nothing imports a `_name` or a `_module` from another layer."""
    wrong = []
    for name, path in MODULES.items():
        for source, imported in _from_imports(path):
            if not source.startswith("titletemplate"):
                continue
            target = f"{source}.{imported}" if f"{source}.{imported}" in MODULES else source
            private = imported.startswith("_") and imported not in {"__version__"}
            private |= any(p.startswith("_") and p != "__main__" for p in target.split("."))
            if private and target in MODULES and _layer(target) != _layer(name):
                wrong.append(f"{name} -> {source}.{imported}")
    assert not wrong, wrong


def test_the_campaign_status_loads_no_reader_or_archive_library() -> None:
    """`titletemplate status` reads a SQLite file: the subpackage APIs load their names on
    first use (lazyapi.py), so it does not pay for openpyxl, py7zr or calamine at start."""
    code = (
        "import sys; from titletemplate.reports import report_status;"
        " from titletemplate.ingest import Store;"
        " print(' '.join(m for m in ('openpyxl', 'py7zr', 'python_calamine') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
