"""The project's layout rules (DESIGN.md, issue 12), checked on the source with ``ast``.

The graph covers the project's own modules: ``vision``, ``coach``, ``cli``, ``ui``,
``synth`` and ``app.py``. An edge A -> B is any import of B written in A: module level or
inside a function, inside ``try`` or not, ``import x.y``, ``from x import y`` (y counts as
the module ``x.y`` when that file exists, else as ``x``), relative imports, and
``importlib.import_module("x.y")`` / ``__import__("x.y")`` with a literal name; a module
that calls ``import_module`` on a computed name also depends on every string constant in it
that names a project module (a registry such as ``cli.main.COMMAND_MODULES``). Imports
under ``if TYPE_CHECKING:`` count as well (shown as "type only"): two modules that need each
other's types are still a knot, and the way out is a third module holding the shared type.
Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``; those implicit edges are
left out (a package facade would otherwise sit in a cycle with every submodule it names).

Rules:

(a) No import cycles between project modules; each strongly connected component of the
    graph is printed with the shortest cycle through each of its modules.
(b) ``vision`` imports nothing from ``coach``, ``ui``, ``synth``, ``cli`` or ``app``; and no
    product module (everything but ``synth``) imports ``synth``: it is test and sample
    tooling that the wheel does not install.
(c) No module kept only to re-export names; importers name the module that defines the
    thing. Concretely:
    1. a module that defines no public name of its own (a function, class or assignment
       whose name does not start with ``_``; ``__all__`` and other dunders do not count)
       but imports from project modules or has a module-level ``__getattr__`` is
       re-export-only. A package ``__init__`` with nothing but a docstring is fine: it
       only marks the package;
    2. in a module that is not a package ``__init__``, a name imported at module level from
       another project module must be used there: listed in ``__all__`` or never used means
       it is kept for importers elsewhere. A package ``__init__`` that defines something
       may present names of its submodules (its public face), as long as rule 1 holds;
    3. a module-level ``__getattr__`` (lazy re-export) outside package ``__init__`` files.
(d) A guard around the import of a project module must not swallow a broken module: a
    ``try`` whose body imports a project module (or calls ``import_module`` on a computed
    name) may not have a handler for ``ImportError``, ``Exception``, ``BaseException`` or
    everything that does not re-raise. Optional third-party packages may still be guarded.
    Checked on the source, and at run time on ``ui.engines.load``: a module that exists but
    fails to import must raise, not come back as "not available".
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("vision", "coach", "cli", "ui", "synth")
TOP_MODULES = ("app",)
PROJECT = PACKAGES + TOP_MODULES
VISION_MAY_NOT_IMPORT = ("coach", "ui", "synth", "cli", "app")
SWALLOWING = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    line: int
    in_function: bool
    kind: str = "import"           # "import" | "type only" | "registry"

    def __str__(self) -> str:
        where = "in a function" if self.in_function else "module level"
        if self.kind != "import":
            where += f", {self.kind}"
        return f"{self.src} -> {self.dst} ({_path(self.src)}:{self.line}, {where})"


def _module_files() -> dict[str, Path]:
    files = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    for name in TOP_MODULES:
        if (ROOT / f"{name}.py").is_file():
            files[name] = ROOT / f"{name}.py"
    return files


MODULES = _module_files()


def _path(module: str) -> str:
    return str(MODULES[module].relative_to(ROOT))


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=_path(module))


def _resolve(name: str) -> str | None:
    """The project module an imported dotted name lands in (longest existing prefix)."""
    if name.split(".")[0] not in PROJECT:
        return None
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _literal_import(node: ast.Call) -> str | None:
    """``importlib.import_module("x")`` / ``import_module("x")`` / ``__import__("x")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    arg = node.args[0]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _targets(module: str, node: ast.AST) -> list[str]:
    """Project modules one import node (or literal import_module call) names."""
    if isinstance(node, ast.Import):
        found = [_resolve(a.name) for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = _absolute(module, node)
        found = [_resolve(f"{base}.{a.name}") if f"{base}.{a.name}" in MODULES
                 else _resolve(base) for a in node.names]
    elif isinstance(node, ast.Call) and _literal_import(node):
        found = [_resolve(_literal_import(node))]
    else:
        return []
    return [t for t in dict.fromkeys(found) if t is not None and t != module]


def _walk(node: ast.AST, in_function: bool = False, type_only: bool = False):
    """(node, in_function, type_only) for every node below ``node``; ``type_only`` inside
    ``if TYPE_CHECKING:`` bodies."""
    for child in ast.iter_child_nodes(node):
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                  ast.Lambda))
        yield child, in_function, type_only
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield child.test, in_function, type_only
            for sub in child.body:
                yield sub, in_function, True
                yield from _walk(sub, in_function, True)
            for sub in child.orelse:
                yield sub, in_function, type_only
                yield from _walk(sub, in_function, type_only)
            continue
        yield from _walk(child, inner, type_only)


def _computed_import(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and not _literal_import(node)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module")


def _module_edges(module: str, tree: ast.Module) -> list[Edge]:
    edges, registry = [], False
    for node, in_function, type_only in _walk(tree):
        registry = registry or _computed_import(node)
        for target in _targets(module, node):
            edges.append(Edge(module, target, node.lineno, in_function,
                              "type only" if type_only else "import"))
    if registry:
        literal_args = {id(n.args[0]) for n in ast.walk(tree)
                        if isinstance(n, ast.Call) and _literal_import(n)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    node.value in MODULES and node.value != module and \
                    id(node) not in literal_args:
                edges.append(Edge(module, node.value, node.lineno, False, "registry"))
    return edges


def _edges() -> list[Edge]:
    return [e for module in MODULES for e in _module_edges(module, _tree(module))]


EDGES = _edges()


def _graph() -> dict[str, set[str]]:
    graph = {m: set() for m in MODULES}
    for e in EDGES:
        graph[e.src].add(e.dst)
    return graph


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        comp.append(member)
                        if member == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


def _shortest_cycle(graph, start: str, members: set[str]) -> list[str]:
    prev = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return []


def import_cycles() -> list[list[str]]:
    """Every distinct shortest cycle through each module of each cyclic component."""
    graph = _graph()
    cycles, seen = [], set()
    for comp in _components(graph):
        for start in comp:
            cycle = _shortest_cycle(graph, start, set(comp))
            key = frozenset(zip(cycle, cycle[1:], strict=False))
            if cycle and key not in seen:
                seen.add(key)
                cycles.append(cycle)
    return cycles


def test_graph_sees_every_kind_of_import():
    assert {"vision.footprint", "coach.store", "cli.main", "app"} <= set(MODULES)
    snippet = ast.parse(
        "import importlib\n"
        "from . import batch\n"
        "from cli.footprint_cmd import run\n"
        "if TYPE_CHECKING:\n    import coach.store\n"
        "def f():\n    import vision.footprint.anatomy as a\n"
        "    importlib.import_module('ui.engines')\n"
        "    return importlib.import_module(NAME)\n"
        "NAMES = ('coach.plan', 'not.a.module')\n")
    edges = {(e.dst, e.in_function, e.kind) for e in _module_edges("cli.main", snippet)}
    assert edges == {("cli.batch", False, "import"), ("cli.footprint_cmd", False, "import"),
                     ("coach.store", False, "type only"),
                     ("vision.footprint.anatomy", True, "import"),
                     ("ui.engines", True, "import"), ("coach.plan", False, "registry")}
    assert any(e.src == "cli.main" and e.dst == "cli.footprint_cmd" for e in EDGES)


def test_no_import_cycles():
    cycles = import_cycles()
    for cycle in cycles:
        print("import cycle:", " -> ".join(cycle))
        for a, b in zip(cycle, cycle[1:], strict=False):
            print("    ", next(e for e in EDGES if e.src == a and e.dst == b))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def _top(module: str) -> str:
    return module.split(".")[0]


def test_vision_imports_nothing_from_coach_ui_synth_cli():
    _assert_none([f"vision imports outside itself: {e}" for e in EDGES
                  if _top(e.src) == "vision" and _top(e.dst) in VISION_MAY_NOT_IMPORT])


def test_product_code_does_not_import_synth():
    _assert_none([f"product code imports test tooling: {e}" for e in EDGES
                  if _top(e.src) != "synth" and _top(e.dst) == "synth"])


def _defined_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _public(names) -> set[str]:
    return {n for n in names if not n.startswith("_")}


def _all_names(tree: ast.Module) -> set[str]:
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and \
                    isinstance(node.value, (ast.List, ast.Tuple)):
                return {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return set()


def _project_imports_at_top(module: str, tree: ast.Module) -> dict[str, int]:
    """Names bound at module level by imports from other project modules -> line."""
    bound = {}
    for node, in_function, _ in _walk(tree):
        if in_function or not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if not _targets(module, node):
            continue
        for alias in node.names:
            if alias.name == "*":
                bound["*"] = node.lineno
            elif isinstance(node, ast.Import):
                bound[(alias.asname or alias.name).split(".")[0]] = node.lineno
            else:
                bound[alias.asname or alias.name] = node.lineno
    return bound


def _used_names(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, (ast.Load, ast.Del))}


def reexport_violations() -> list[str]:
    out = []
    for module in MODULES:
        tree = _tree(module)
        defined = _defined_names(tree)
        imported = _project_imports_at_top(module, tree)
        has_getattr = "__getattr__" in defined
        if not _public(defined - {"__all__"}) and (imported or has_getattr):
            out.append(f"{_path(module)}: re-export-only module (defines nothing of its own; "
                       f"imports {', '.join(sorted(imported)) or 'lazily via __getattr__'})")
            continue
        if _is_package(module):
            continue
        if has_getattr:
            out.append(f"{_path(module)}: module-level __getattr__ (a lazy re-export)")
        exported, used = _all_names(tree), _used_names(tree)
        kept = sorted(n for n in imported if n == "*" or n in exported or n not in used)
        if kept:
            out.append(f"{_path(module)}: imports kept only for importers elsewhere (unused "
                       f"here or listed in __all__): {', '.join(kept)}")
    return out


def _assert_none(problems: list[str]) -> None:
    for p in problems:
        print(p)
    assert not problems, "\n".join(problems)


def test_no_reexport_only_modules():
    _assert_none(reexport_violations())


def _imports_project(module: str, body: list[ast.stmt]) -> bool:
    for stmt in body:
        for node in [stmt, *ast.walk(stmt)]:
            if _targets(module, node):
                return True
            if _computed_import(node):
                return True        # a computed module name: assume it is ours
    return False


def _swallows(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type
    names = set()
    if kinds is None:
        names.add("BaseException")
    else:
        for n in ast.walk(kinds):
            if isinstance(n, ast.Name):
                names.add(n.id)
            elif isinstance(n, ast.Attribute):
                names.add(n.attr)
    reraises = any(isinstance(n, ast.Raise) for n in ast.walk(handler))
    return bool(names & SWALLOWING) and not reraises


def import_guard_violations() -> list[str]:
    out = []
    for module in MODULES:
        for node, _, _ in _walk(_tree(module)):
            if isinstance(node, ast.Try) and _imports_project(module, node.body):
                for handler in node.handlers:
                    if _swallows(handler):
                        out.append(f"{_path(module)}:{handler.lineno}: a failing import of a "
                                   f"project module is swallowed here")
    return out


def test_import_guards_do_not_swallow_broken_modules():
    _assert_none(import_guard_violations())


@pytest.fixture
def broken_modules(tmp_path, monkeypatch):
    """Modules that exist but fail to import, on sys.path for one test."""
    (tmp_path / "fc_layout_missing_dep.py").write_text("import fc_layout_no_such_package\n")
    (tmp_path / "fc_layout_bad_name.py").write_text("from os import fc_layout_no_such_name\n")
    (tmp_path / "fc_layout_raises.py").write_text("raise RuntimeError('half-written')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield ("fc_layout_missing_dep", "fc_layout_bad_name", "fc_layout_raises")
    for name in list(sys.modules):
        if name.startswith("fc_layout_"):
            del sys.modules[name]


def test_engine_guard_lets_a_broken_module_fail_loudly(broken_modules):
    engines = pytest.importorskip("ui.engines", reason="ui.engines needs streamlit")
    for name in broken_modules:
        with pytest.raises(Exception) as exc:
            engines.load(name)
        assert "fc_layout" in str(exc.value) or "half-written" in str(exc.value)
