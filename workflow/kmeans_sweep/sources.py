"""The package's own source, read as text: which package modules a module imports (``ast``,
imports inside functions included), and a hash of all the code a step runs, its module and
every package module it reaches. A rule passes that hash as a param, so Snakemake reruns the
step when its code changes and only then (Snakemake's own code trigger sees the rule's
script, not the package behind it). Imports nothing from the package."""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str, root: Path = PACKAGE) -> Path:
    base = root.parent / name.replace(".", "/")
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def imports_of(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every package module that ``path`` imports, anywhere in the file; each file is parsed
    once per process while it is unchanged (the rules' hashes share most modules: 187
    parses at every Snakemake start became 64: 0.26 -> 0.11 s)."""
    st = path.stat()
    return set(_imports(Path(path), Path(root), st.st_mtime_ns, st.st_size))


@functools.cache
def _imports(path: Path, root: Path, mtime_ns: int, size: int) -> frozenset[str]:
    """:func:`imports_of` of one version of a file (its mtime and size in the key)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(root.name)}
        elif isinstance(node, ast.ImportFrom):
            target = _target(node, package, root)
            if target is None:
                continue
            for alias in node.names:  # `from pkg import module` imports the module
                sub = f"{target}.{alias.name}"
                found.add(sub if module_path(sub, root).exists() else target)
    return frozenset(found - {name})


def _target(node: ast.ImportFrom, package: str, root: Path) -> str | None:
    if node.level:
        base = package.split(".")
        base = base[: len(base) - node.level + 1]
        return ".".join([*base, *([node.module] if node.module else [])])
    if node.module and node.module.startswith(root.name):
        return node.module
    return None


def reached(module: str, root: Path = PACKAGE) -> list[str]:
    """``module`` and every package module it imports, directly or not (with the packages
    whose ``__init__`` runs on the way), sorted."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages
        todo += sorted(imports_of(module_path(name, root), root))
    return sorted(seen)


def code_hash(module: str, root: Path = PACKAGE) -> str:
    """A short hash of the source of every module ``module`` reaches (names and bytes)."""
    digest = hashlib.sha256()
    for name in reached(module, root):
        digest.update(name.encode() + b"\0" + module_path(name, root).read_bytes() + b"\0")
    return digest.hexdigest()[:16]
