"""The web modules import one way (handlers → endpoint → responses → render → errors; the app on top):
no circle, not even through an import inside a function, and each module imports alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import chainatlas.web

WEB = Path(chainatlas.web.__file__).parent
MODULES = sorted(p.stem for p in WEB.glob("*.py") if p.stem != "__init__")


def web_imports(module: str) -> set[str]:
    """The chainatlas.web modules ``module`` imports anywhere in its source (top level or in functions)."""
    tree = ast.parse((WEB / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "chainatlas.web":
                found.update(a.name for a in node.names)
            elif node.module.startswith("chainatlas.web."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names if a.name.startswith("chainatlas.web."))
    return found & set(MODULES)


def test_no_import_circle_among_web_modules():
    graph = {m: web_imports(m) for m in MODULES}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:  # pragma: no cover - the message names the circle
        raise AssertionError(f"import circle among web modules: {exc.args[1]}") from None
    assert order[-1] == "app" and not any("app" in deps for deps in graph.values())
    assert graph["errors"] == set() and "routes" in graph["app"]


def test_each_web_module_imports_alone():
    procs = {m: subprocess.Popen([sys.executable, "-c", f"import chainatlas.web.{m}"], stderr=subprocess.PIPE,
                                 text=True) for m in MODULES}
    failed = {m: p.communicate(timeout=300)[1][-800:] for m, p in procs.items()}
    assert {m: err for m, err in failed.items() if procs[m].returncode != 0} == {}


FACADE_INTERNALS = (".tables[", ".members", "getattr(", "reader.atlas", "a._", "atlas._")


def test_handlers_reach_the_atlas_only_through_its_public_methods():
    """No page reads the facade's tables or caches, or calls it by a method name in a string."""
    found = {m: [bad for bad in FACADE_INTERNALS if bad in (WEB / f"{m}.py").read_text(encoding="utf-8")]
             for m in MODULES if m != "reader"}
    assert {m: bad for m, bad in found.items() if bad} == {}
