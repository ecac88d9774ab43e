"""The shape of the code base: no import circles, `migration` stays a leaf, modules stay readable.

The import graph is built from the source with `ast`, so it sees every import: at module level, inside
functions and methods (the kind that hides a circle from Python's own import machinery), under
`TYPE_CHECKING`, and `importlib.import_module("literal")`. An edge points at the module a statement
names: `from shop.models import Product` is an edge to `shop.models`, `from . import services` one to
the submodule `services`. Tests are left out (they import everything on purpose).
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["accounts", "bench", "config", "core", "faq", "identity", "migration", "shop"]
# Product apps that must not know the migration app exists (it builds on them, never the reverse).
NOT_MIGRATION = ["accounts", "core", "faq", "identity", "shop"]
MAX_LINES = 450
# A longer module says why in its docstring, in a sentence naming the limit: "Over 450 lines because …".
LENGTH_REASON = re.compile(r"\b450 lines\b[^.]*\w", re.IGNORECASE)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _target(name: str) -> str | None:
    """The project module `name` refers to (itself, or the nearest enclosing package), or None."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if _is_package(module) else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(_target(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in MODULES else _target(base))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets.add(_target(node.args[0].value))
    targets.discard(None)
    targets.discard(module)
    return targets


GRAPH = {module: _imports(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def _path(graph, start, goal) -> list[str]:
    """One shortest import path from start to goal, to show a circle as arrows."""
    previous, queue = {start: None}, [start]
    for node in queue:
        for succ in sorted(graph[node]):
            if succ not in previous:
                previous[succ] = node
                queue.append(succ)
    path, node = [], goal
    while node is not None:
        path.append(node)
        node = previous[node]
    return path[::-1]


def test_the_checker_sees_function_level_and_relative_imports():
    """Guard the guard: known edges of the code base are found, so an empty result means something."""
    assert "accounts.services" in GRAPH["accounts.views"]  # from . import services
    assert "shop.models" in GRAPH["shop.demo"]  # from .models import …
    assert "core.tasks" in GRAPH["core.email"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles_between_project_modules():
    circles = []
    for component in _cycles(GRAPH):
        inner = {m: GRAPH[m] & set(component) for m in component}
        first = component[0]
        back = min((m for m in component if first in inner[m]), key=lambda m: len(_path(inner, first, m)))
        circles.append(" → ".join([*_path(inner, first, back), first]))
    assert not circles, "import circles:\n" + "\n".join(circles)


def _names_migration_in_a_string(module: str) -> list[str]:
    """String constants naming the migration app or one of its modules ("migration.demo", an app
    label for `apps.get_model`): an import by name is still a dependency."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return sorted(
        {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (node.value == "migration" or node.value.startswith("migration."))
            and _target(node.value)
        }
    )


def test_product_apps_import_nothing_from_migration():
    offenders = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] in NOT_MIGRATION
        for target in targets
        if target.split(".")[0] == "migration"
    )
    offenders += sorted(
        f"{module} names {name!r}"
        for module in MODULES
        if module.split(".")[0] in NOT_MIGRATION and ".migrations" not in module
        for name in _names_migration_in_a_string(module)
    )
    assert not offenders, "\n".join(offenders)


def test_no_module_over_450_lines_without_a_reason_in_its_docstring():
    long_ones = []
    for module, path in MODULES.items():
        if ".migrations" in module:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + (not text.endswith("\n"))
        if lines > MAX_LINES and not LENGTH_REASON.search(ast.get_docstring(ast.parse(text)) or ""):
            long_ones.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long_ones, (
        f"over {MAX_LINES} lines: split along the module's seams, or say why in its docstring "
        f"(\"Over {MAX_LINES} lines because …\"):\n" + "\n".join(long_ones)
    )


def test_the_product_never_imports_or_installs_the_benchmarks(settings):
    offenders = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module.split(".")[0] != "bench"
        for target in targets
        if target.split(".")[0] == "bench"
    )
    assert not offenders, "\n".join(offenders)
    assert "bench" not in settings.INSTALLED_APPS
    assert '"bench"' not in "".join(p.read_text() for p in (ROOT / "config").rglob("*.py"))


def test_views_read_by_id_only_through_the_selectors():
    """A view never looks a row up by id itself (`.get(pk=…)`, `.filter(id=…)`, `get_object_or_404(…,
    pk=…)`): it calls the app's `*_get_for_customer` door, which scopes to the current customer.
    (Published help pages by slug are no customer's data.)"""
    offenders = []
    for module, path in MODULES.items():
        if not (module.endswith(".views") or ".views." in module):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in ("get", "filter", "get_object_or_404") and any(k.arg in ("pk", "id") for k in node.keywords):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:90]}")
    assert not offenders, "\n".join(offenders)


def test_apps_depend_on_each_other_one_way():
    """Between apps too the arrows run one way: core ← accounts ← shop, faq, identity ← migration ←
    bench. (No module circle does not imply this: accounts.a → shop.b and shop.c → accounts.d would
    be an app circle without a module circle.)"""
    apps = {module.split(".")[0] for module in MODULES}
    between = {app: set() for app in apps}
    for module, targets in GRAPH.items():
        for target in targets:
            if module.split(".")[0] != target.split(".")[0]:
                between[module.split(".")[0]].add(target.split(".")[0])
    assert not _cycles(between), _cycles(between)


def test_only_the_bench_settings_install_the_bench_app():
    import importlib

    bench_settings = importlib.import_module("bench.settings")
    assert bench_settings.INSTALLED_APPS[-1] == "bench" and bench_settings.ROOT_URLCONF == "bench.urls"
    for name in ("config.settings.base", "config.settings.test"):
        assert "bench" not in importlib.import_module(name).INSTALLED_APPS
