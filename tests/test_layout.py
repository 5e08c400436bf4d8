"""The package layout shows the architecture: the pipeline stages (``generator/*.py`` and the
``checks/`` rules they run) import no feature; features (``search/``, ``preview/``, ``publish/``,
``annual/``, ``county/``) use the pipeline and receive nothing from the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"
FEATURES = ("search", "preview", "publish", "annual", "county")
# The command line and the one module that wires the features into the pipeline.
COMPOSITION = ("__init__", "__main__", "cli", "cli_text", "features", "numbering", "scaffold")


def imported(path: Path) -> set[str]:
    """The modules a file imports, as absolute dotted names."""
    module = path.relative_to(REPO).with_suffix("").parts
    package = module[:-1]  # a module's package; for __init__.py, its own
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def feature_of(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "generator" and parts[1] in FEATURES else ""


def pipeline_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.glob("*.py")) if p.stem not in COMPOSITION] + sorted((PACKAGE / "checks").glob("*.py"))


def test_no_pipeline_module_imports_a_feature() -> None:
    wrong = {
        str(path.relative_to(REPO)): sorted({feature_of(name) for name in imported(path) if feature_of(name)})
        for path in pipeline_modules()
    }
    assert {path: features for path, features in wrong.items() if features} == {}


def test_features_never_import_the_command_line() -> None:
    for feature in FEATURES:
        for path in sorted((PACKAGE / feature).glob("*.py")):
            assert not {n for n in imported(path) if n.split(".")[:2] in (["generator", "cli"], ["generator", "cli_text"])}, path


def test_the_layout_check_resolves_relative_imports() -> None:
    # The command line imports features; the resolver must see it, or the tests above prove nothing.
    names = imported(PACKAGE / "cli.py")
    assert {"generator.search.index", "generator.publish.deploy", "generator.preview.server"} <= names
    assert "generator.problems" in imported(PACKAGE / "checks" / "links.py")
