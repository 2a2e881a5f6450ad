"""The package's layers (docs/architecture.md): imports point one way, no cycles, and every
module starts with a docstring line that says its one job."""

from __future__ import annotations

import ast
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


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that `name` imports, anywhere in its body."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
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


def test_every_module_says_its_job() -> None:
    missing = []
    for name, path in MODULES.items():
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
        if not doc or not doc.splitlines()[0].strip():
            missing.append(name)
    assert not missing, missing
