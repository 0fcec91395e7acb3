"""Who imports whom inside ``widgets/``, read from the source with ``ast`` (for tests).

Nothing is imported to find out, so a circle or a heavy import is caught even where
running the code would hide it (a circle that only bites in one import order, a lazy
import on a path no test takes).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ImportGraph", "find_cycles"]


def _module_name(package_root: Path, path: Path) -> str:
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST, *, module_level: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements that run, leaving out ``if TYPE_CHECKING:`` blocks; with
    ``module_level`` only those that run when the module is imported (not in functions)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if module_level and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


@dataclass
class ImportGraph:
    """Edges from each ``widgets`` module to the ``widgets`` modules and outside top-level
    packages (``pandas``, ``ipywidgets``, ...) it imports."""

    modules: dict[str, Path]
    edges: dict[str, set[str]]

    @classmethod
    def of(cls, package_root: Path, *, module_level: bool) -> ImportGraph:
        modules = {_module_name(package_root, p): p for p in sorted(package_root.rglob("*.py"))}
        edges = {}
        for name, path in modules.items():
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            is_package = path.name == "__init__.py"
            edges[name] = {
                target
                for node in _import_nodes(tree, module_level=module_level)
                for target in cls._targets(node, name, is_package, modules)
            }
        return cls(modules, edges)

    @staticmethod
    def _targets(
        node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: dict[str, Path]
    ) -> Iterator[str]:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                package = importer if is_package else importer.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # ``from package import module`` imports the module; otherwise the name's module.
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        for name in names:
            if name.split(".")[0] != "widgets":
                yield name.split(".")[0]
                continue
            # Importing a.b.c runs a/__init__ and a/b/__init__ first.
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                if prefix in modules and prefix != importer:
                    yield prefix

    def reach(self, start: str) -> dict[str, list[str]]:
        """Every module and outside package ``start`` imports, directly or not, each with
        one chain of imports that gets there."""
        paths: dict[str, list[str]] = {start: [start]}
        queue = [start]
        while queue:
            current = queue.pop(0)
            for target in sorted(self.edges.get(current, ())):
                if target not in paths:
                    paths[target] = [*paths[current], target]
                    queue.append(target)
        del paths[start]
        return paths


def find_cycles(graph: ImportGraph) -> list[list[str]]:
    """Each import circle once, as the chain of modules that closes it (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.edges.get(node, ())):
            if target not in graph.modules:
                continue
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
            if len(component) > 1 or node in graph.edges.get(node, ()):
                components.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return [_closing_chain(graph, component) for component in components]


def _closing_chain(graph: ImportGraph, component: list[str]) -> list[str]:
    """A readable circle inside one strongly connected component: a -> b -> ... -> a."""
    members = set(component)
    start = component[0]
    paths: dict[str, list[str]] = {start: [start]}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for target in sorted(graph.edges.get(current, ()) & members):
            if target == start:
                return [*paths[current], start]
            if target not in paths:
                paths[target] = [*paths[current], target]
                queue.append(target)
    return [*component, start]  # pragma: no cover - a component always closes
