"""The package follows the DAG: no import cycles, and no import from a later stage into an
earlier one (read from the source with ``ast``, lazy imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kmeans_sweep.sources import imports_of, module_name

PACKAGE = Path(__file__).resolve().parents[1] / "workflow" / "kmeans_sweep"
#: stage of each top-level part of the package; runtime is beside the pipeline (see below)
STAGES = {
    "io": 0, "definitions": 0, "sources": 0,
    "data": 1, "fit": 2, "jobs": 3, "tables": 4, "choose": 5, "plots": 6,
    "config": 7, "steps": 7, "progress_view": 7, "answers": 7,
}
TOP = 7
SIDE = "runtime"  # imports only stage 0; only the top (stage 7) may import it


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(p, root): imports_of(p, root) for p in sorted(root.rglob("*.py"))}


def part(module: str) -> str:
    """The top-level part of the package a module belongs to ('' for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports(g: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, targets in g.items():
        for target in targets:
            a, b = part(mod), part(target)
            if "" in (a, b) or a == b:
                continue
            if a == SIDE:
                ok = STAGES.get(b) == 0
            elif b == SIDE:
                ok = STAGES.get(a) == TOP
            else:
                ok = STAGES[b] <= STAGES[a]
            if not ok:
                bad.append(f"{mod} imports {target}")
    return bad


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_every_part_of_the_package_has_a_stage():
    parts = {part(m) for m in graph()} - {""}
    assert parts <= set(STAGES) | {SIDE}, parts - set(STAGES) - {SIDE}


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_no_import_from_a_later_stage():
    assert upward_imports(graph()) == []


def test_every_subpackage_says_what_it_holds():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and "Imports" in doc, f"{init} needs a docstring saying what it may import"


def test_each_rule_file_runs_its_step_module():
    """rules/<name>.smk runs steps/<name>.py: every rule's script is named after the rule and
    imports from that module only (docs/development.md, Rules, scripts, steps)."""
    import re

    rules = PACKAGE.parent / "rules"
    seen = set()
    for smk in sorted(rules.glob("*.smk")):
        text = smk.read_text()
        for rule, script in re.findall(r"^rule (\w+):.*?script:\s*\"([^\"]+)\"", text,
                                       flags=re.M | re.S):
            path = (rules / script).resolve()
            assert path.stem == rule, (smk.name, rule, script)
            steps = set(re.findall(r"kmeans_sweep\.steps\.?(\w*)", path.read_text()))
            assert steps <= {smk.stem, ""} and (smk.stem in steps or f"steps import {smk.stem}"
                                                in path.read_text()), (smk.name, steps)
            seen.add(rule)
    assert len(seen) == len(list((PACKAGE.parent / "scripts").glob("[!_]*.py")))
    assert {p.stem for p in (PACKAGE / "steps").glob("[!_]*.py")} == {
        p.stem for p in rules.glob("*.smk")} - {"common"}


@pytest.fixture
def toy(tmp_path) -> Path:
    root = tmp_path / "kmeans_sweep"
    for sub in ("data", "fit", "runtime"):
        (root / sub).mkdir(parents=True)
        (root / sub / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "io.py").write_text("")
    return root


def test_the_checks_fail_on_an_upward_import_and_a_cycle(toy):
    (toy / "data" / "load.py").write_text("from ..fit import cache\n")
    (toy / "fit" / "cache.py").write_text("def f():\n    from ..data.load import x\n")
    g = graph(toy)
    assert g["kmeans_sweep.data.load"] == {"kmeans_sweep.fit.cache"}
    assert upward_imports(g) == ["kmeans_sweep.data.load imports kmeans_sweep.fit.cache"]
    assert cycles(g) == [["kmeans_sweep.data.load", "kmeans_sweep.fit.cache"]]


def test_the_side_adapters_may_not_reach_into_the_pipeline(toy):
    (toy / "runtime" / "ctrl_c.py").write_text("from ..data import load\nfrom .. import io\n")
    (toy / "data" / "load.py").write_text("")
    bad = upward_imports(graph(toy))
    assert bad == ["kmeans_sweep.runtime.ctrl_c imports kmeans_sweep.data.load"]


def test_imports_are_read_again_when_a_file_changes(tmp_path):
    """imports_of parses each file once per process, and again once it changes (mtime, size)."""
    import os

    root = tmp_path / "kmeans_sweep"
    root.mkdir()
    for name in ("__init__.py", "b.py", "c.py"):
        (root / name).write_text("")
    a = root / "a.py"
    a.write_text("from . import b\n")
    assert imports_of(a, root) == {"kmeans_sweep.b"}
    assert imports_of(a, root) == {"kmeans_sweep.b"}  # from the memo
    a.write_text("from . import b, c\n")
    os.utime(a, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns + 10**9))
    assert imports_of(a, root) == {"kmeans_sweep.b", "kmeans_sweep.c"}
