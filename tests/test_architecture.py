"""The tree is the pipeline: packages import each other through their surfaces, never in a
circle, and the storage layout is spelled out once (docs/design.md, "Layout")."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "layers" / "core" / "newsprism"
HANDLERS = sorted((REPO / "functions").glob("*/app.py"))
STORAGE_PREFIXES = ("raw/", "classified/", "digests/", "manifest/", "state/")
KEYS_MODULE = "newsprism.documents._keys"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported(name: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every newsprism module that ``name`` imports, deferred imports too.

    ``from package import submodule`` is an import of the submodule; the implicit import of
    a parent package when a submodule is imported is not counted, as Python runs the parent
    first whatever the child imports.
    """
    known = modules()
    package = owning_package(name)
    for node in ast.walk(tree(known[name])):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield node.lineno, f"{base}.{alias.name}"
                elif base in known:
                    yield node.lineno, base


def owning_package(name: str) -> str:
    """The package a module belongs to: ``newsprism.fetch.parse`` for its ``_feeds``."""
    return name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    graph = {name: {target for _, target in imported(name)} - {name} for name in modules()}
    cycles = []
    # Tarjan's strongly connected components: any component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert cycles == []


def test_packages_reach_each_other_only_through_their_surface() -> None:
    """A module's private modules (``_name``) are its package's own business."""
    trespasses = []
    for name in modules():
        home = owning_package(name)
        for line, target in imported(name):
            private = [part for part in target.split(".") if part.startswith("_")]
            if not private:
                continue
            target_home = target.rpartition(".")[0]
            if target_home != home:
                trespasses.append(f"{modules()[name].relative_to(REPO)}:{line} imports {target}")
    assert trespasses == []


def test_handlers_call_stages_through_package_surfaces() -> None:
    trespasses = []
    for handler in HANDLERS:
        for node in ast.walk(tree(handler)):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("newsprism")):
                continue
            names = [*node.module.split("."), *(alias.name for alias in node.names)]
            if any(name.startswith("_") for name in names):
                trespasses.append(f"{handler.relative_to(REPO)}:{node.lineno} {node.module}")
    assert trespasses == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=module_name)
def test_modules_stay_readable(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.relative_to(REPO)} has {lines} lines"


@pytest.mark.parametrize("path", HANDLERS, ids=lambda path: path.parent.name)
def test_handlers_are_thin(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < 25, f"{path.relative_to(REPO)} has {lines} lines"


def strings(module: ast.Module) -> Iterator[ast.Constant]:
    """Every string constant except docstrings."""
    docstrings = {id(node.body[0].value) for node in ast.walk(module)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(module):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            yield node


def test_the_storage_layout_is_spelled_out_in_one_module() -> None:
    spelled = []
    for name, path in modules().items():
        if name == KEYS_MODULE:
            continue
        for node in strings(tree(path)):
            text = str(node.value).lstrip("^")
            if text.startswith(STORAGE_PREFIXES):
                spelled.append(f"{path.relative_to(REPO)}:{node.lineno} {text!r}")
    assert spelled == []


def test_the_topic_id_pattern_is_written_once() -> None:
    written = [name for name, path in modules().items()
               for node in strings(tree(path)) if "[a-z0-9][a-z0-9-]" in str(node.value)]
    assert written == [KEYS_MODULE]
