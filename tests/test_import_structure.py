"""The core package's module layout: exports live in ``core.exports``, readers import no cycle."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORE = ROOT / "core"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every core module a file imports, at module level or inside functions."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("core"))
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in CORE.rglob("*.py")}
    return {m: {i for i in _imports(p) if i in files and i != m} for m, p in files.items()}


def _cycles_within(prefix: str) -> list[list[str]]:
    graph = {m: {d for d in deps if d.startswith(prefix)} for m, deps in _graph().items() if m.startswith(prefix)}
    found: list[list[str]] = []

    def walk(node: str, stack: list[str]) -> None:
        for dep in sorted(graph[node]):
            if dep in stack:
                found.append(stack[stack.index(dep):] + [dep])
            elif len(stack) < len(graph):
                walk(dep, stack + [dep])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_readers_import_no_cycle():
    assert _cycles_within("core.readers") == []


def test_structure_and_base_are_not_mutually_dependent():
    g = _graph()
    assert "core.readers.base" not in g["core.readers.structure"]
    assert "core.readers.structure" in g["core.readers.base"]


def test_exports_are_a_package_with_no_cycle():
    assert {m for m in _graph() if m.startswith("core.exports")} == {
        "core.exports", "core.exports.common", "core.exports.xlsx", "core.exports.docx", "core.exports.cli",
        "core.exports.print_setup", "core.exports.print_html", "core.exports.batch_sheets"}
    assert not [p.name for p in CORE.glob("export_*.py")]
    assert _cycles_within("core.exports") == []


@pytest.mark.parametrize("module", ["core.readers.structure", "core.readers.grid", "core.exports.cli",
                                    "core.exports.xlsx", "core.exports.docx", "core.readers.docx_reader"])
def test_each_module_imports_first_in_a_fresh_interpreter(module):
    """Imported alone, before anything else, each module loads (an import cycle would fail here)."""
    r = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert importlib.import_module(module)


def test_grid_cell_is_defined_once_with_the_evidence_fields():
    """Readers, the scan pipeline and the structure mapping all build the one GridCell of core.readers.grid."""
    import dataclasses

    import core.readers.base as base
    import core.readers.grid as grid
    import core.readers.structure as structure
    import core.scan.pipeline as pipeline

    assert base.GridCell is grid.GridCell and pipeline.GridCell is grid.GridCell and structure.GridCell is grid.GridCell
    assert base.Grid is grid.Grid and pipeline.Grid is grid.Grid
    names = {f.name for f in dataclasses.fields(grid.GridCell)}
    assert {"bbox", "how", "confidence", "ocr_text", "doubt", "alternatives", "span", "page"} <= names
    defined = [p.relative_to(ROOT).as_posix() for p in CORE.rglob("*.py")
               if any(isinstance(n, ast.ClassDef) and n.name in ("GridCell", "Grid")
                      for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert defined == ["core/readers/grid.py"]
