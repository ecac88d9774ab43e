"""The migration app's shape: arrows run models ← services ← tasks/views/admin, modules stay small."""

import ast
from pathlib import Path

from django.conf import settings

APP = Path(settings.BASE_DIR) / "migration"


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, as absolute dotted names."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def test_services_and_models_import_no_tasks_views_or_admin():
    for path in [APP / "models.py", APP / "selectors.py", *sorted((APP / "services").glob("*.py"))]:
        wrong = {
            m for m in _imports(path) if m.split(".")[:2] in (["migration", n] for n in ("tasks", "views", "admin"))
        }
        assert not wrong, f"{path.relative_to(APP)} imports {sorted(wrong)}"


def test_no_module_is_over_450_lines_without_saying_why():
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        assert len(text.splitlines()) <= 450 or "over 450 lines" in text, path.relative_to(APP)
