"""Docs that cannot drift: README.md and docs/*.md checked against the schema, the DAG, CI and
the tests.

Conventions the checks rely on (docs/development.md repeats them for writers):

- docs/configuration.md documents each config key as one row of a table whose header's first
  cell is ``key``: the dotted key in backticks (``sweep.k``, ``datasets.<name>.scale``), then
  its default (starting with the schema default in backticks, when the schema has one).
- A ```yaml block in README.md or docs/*.md is a config snippet: merged onto the repository's
  config.yaml, it must pass the project's own validation. Other YAML (e.g. a profile) is fenced
  ```text.
- docs/outputs.md lists files in tables whose header is ``file | when | contents``: the path in
  backticks (``<dataset>``, ``<i>``, ``<k>``... stand for any name; a trailing ``/`` means a
  folder) and ``always`` or ``only <condition>``. Every ``always`` path is an output, log or
  benchmark of the default run's DAG, and every output of that DAG is listed.
- Every command in a README ```sh / ```bash / ```console block is run by .ci/run, or all its
  arguments appear as string literals in one test source.
- The layout block of docs/development.md (the first ```text block under ``## Layout``) names
  every module of workflow/kmeans_sweep/ under its ``kmeans_sweep/`` line, one entry per line
  in the name column (a folder as ``name/``, its modules indented below it; several names may
  share a line, separated by ``, ``), and no module that does not exist.
- README.md's ```text block that starts with the end-of-run block's header (``kmeans-sweep: the
  answer``) is the default run's block, pasted from a real run: a line per dataset of
  config.yaml, each as ``kmeans_sweep.answers.line`` renders it, and the report command last.
"""

from __future__ import annotations

import ast
import copy
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
SHELL_LANGS = {"sh", "bash", "console", "shell"}
# pip and venv options that do not change what a command does
QUIET_FLAGS = {"-q", "--quiet", "--disable-pip-version-check"}


def doc_pages() -> list[Path]:
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


# --------------------------------------------------------------------------- #
# markdown parsing
# --------------------------------------------------------------------------- #
def code_blocks(text: str) -> list[tuple[str, str, int]]:
    """Every fenced block as (language, body, line number of the opening fence)."""
    blocks, lang, body, start = [], None, [], 0
    for number, line in enumerate(text.splitlines(), 1):
        fence = re.match(r"^\s*```\s*(\S*)", line)
        if fence and lang is None:
            lang, body, start = fence.group(1).lower(), [], number
        elif fence:
            blocks.append((lang, "\n".join(body), start))
            lang = None
        elif lang is not None:
            body.append(line)
    return blocks


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every markdown table outside code blocks as (header cells, rows of cells)."""
    found, current, in_code = [], None, False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        row = line.strip()
        if in_code or not row.startswith("|"):
            current = None
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip("|"))]
        if current is None:
            current = (cells, [])
            found.append(current)
        elif not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            current[1].append(cells)
    return found


def anchors(text: str) -> set[str]:
    """GitHub's anchors of a page's headings (lower case, punctuation dropped, - for spaces)."""
    headings = re.findall(r"^#+\s+(.+?)\s*$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def backticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


# --------------------------------------------------------------------------- #
# 1. config keys: schema <-> docs/configuration.md
# --------------------------------------------------------------------------- #
def schema_keys(schema: dict) -> dict[str, dict]:
    """Every key of the config as a dotted path (datasets.<name>.scale), with its schema."""
    keys: dict[str, dict] = {}

    def walk(node: dict, prefix: str) -> None:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        for name, sub in node.get("properties", {}).items():
            keys[prefix + name] = sub
            walk(sub, prefix + name + ".")
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            keys[prefix + "<name>"] = extra
            walk(extra, prefix + "<name>.")

    walk(schema, "")
    return keys


def leaf_keys(keys: dict[str, dict]) -> set[str]:
    """The keys that hold values, not sections (a section is an object with its own keys)."""
    return {k for k in keys if not any(other.startswith(k + ".") for other in keys)}


def documented_keys(text: str) -> dict[str, str]:
    """key -> default cell, from the rows of every table whose header starts with ``key``."""
    rows = {}
    for header, body in tables(text):
        if header[0].lower() != "key":
            continue
        default_col = [h.lower() for h in header].index("default")
        for cells in body:
            names = backticked(cells[0])
            if len(names) != 1 or cells[0] != f"`{names[0]}`":
                raise ValueError(f"key row must hold one key in backticks: {cells[0]!r}")
            rows[names[0]] = cells[default_col] if default_col < len(cells) else ""
    return rows


def key_problems(schema: dict, text: str) -> list[str]:
    keys = schema_keys(schema)
    documented = documented_keys(text)
    problems = [f"{k}: in the schema but not documented" for k in sorted(leaf_keys(keys))
                if k not in documented]
    problems += [f"{k}: documented but not in the schema" for k in documented if k not in keys]
    for key, cell in documented.items():
        if key in keys and "default" in keys[key]:
            shown = backticked(cell)
            value = yaml.safe_load(shown[0]) if shown else None
            if not shown or not cell.startswith("`") or value != keys[key]["default"]:
                problems.append(f"{key}: default shown as {cell!r}, schema says "
                                f"{keys[key]['default']!r}")
    return problems


# --------------------------------------------------------------------------- #
# 2. YAML snippets validate against the schema
# --------------------------------------------------------------------------- #
def merged(base, fragment):
    """fragment deep-merged onto base (mappings merge key by key, anything else replaces)."""
    if not (isinstance(base, dict) and isinstance(fragment, dict)):
        return copy.deepcopy(fragment)
    out = copy.deepcopy(base)
    for key, value in fragment.items():
        out[key] = merged(out[key], value) if key in out else copy.deepcopy(value)
    return out


def snippet_problems(pages: dict[str, str], default_config: dict) -> list[str]:
    """One line per ```yaml block that does not parse or does not validate."""
    from kmeans_sweep.config import schema_error

    problems = []
    for name, text in pages.items():
        for lang, body, line in code_blocks(text):
            if lang not in ("yaml", "yml"):
                continue
            where = f"{name}:{line}"
            try:
                fragment = yaml.safe_load(body)
            except yaml.YAMLError as exc:
                problems.append(f"{where}: not YAML ({str(exc).splitlines()[0]})")
                continue
            if not isinstance(fragment, dict):
                problems.append(f"{where}: a config snippet must be a mapping")
                continue
            error = schema_error(merged(default_config, fragment))
            if error:
                problems.append(f"{where}: {error}")
    return problems


# --------------------------------------------------------------------------- #
# 3. docs/outputs.md <-> the default run's DAG
# --------------------------------------------------------------------------- #
def documented_outputs(text: str) -> list[tuple[str, str]]:
    """(path, when) from every table whose header is ``file | when | ...``."""
    rows = []
    for header, body in tables(text):
        if [h.lower() for h in header[:2]] != ["file", "when"]:
            continue
        for cells in body:
            paths = backticked(cells[0])
            if not paths:
                raise ValueError(f"file row without a path in backticks: {cells[0]!r}")
            rows += [(p, cells[1]) for p in paths]
    return rows


def path_pattern(path: str) -> re.Pattern:
    """A documented path as a regex: ``<anything>`` is one path component or part of one."""
    parts = re.split(r"(<[^>]+>)", path.rstrip("/"))
    body = "".join("[^/]+" if p.startswith("<") else re.escape(p) for p in parts)
    return re.compile(body + ("(/.+)?" if path.endswith("/") else ""))


def dag_paths(dry_run: str) -> set[str]:
    """Every output, log and benchmark path of a ``snakemake -n`` listing."""
    paths = set()
    for line in dry_run.splitlines():
        m = re.match(r"^\s+(output|log|benchmark): (.+)$", line)
        if m:
            paths.update(p.strip() for p in m.group(2).split(","))
    return paths


def dag_outputs(dry_run: str) -> set[str]:
    return {
        p.strip()
        for line in dry_run.splitlines()
        if (m := re.match(r"^\s+output: (.+)$", line))
        for p in m.group(1).split(",")
    }


def produced(path: str, dag: set[str]) -> bool:
    """The path is in the DAG, or lies in a folder the DAG produces."""
    pattern = path_pattern(path)
    parents = [path.rsplit("/", n)[0] for n in range(1, path.count("/") + 1)]
    return any(pattern.fullmatch(d) for d in dag) or any(
        path_pattern(parent).fullmatch(d) for parent in parents for d in dag
    )


def output_problems(text: str, dry_run: str) -> list[str]:
    dag = dag_paths(dry_run)
    rows = documented_outputs(text)
    problems = []
    for path, when in rows:
        if when == "always":
            if not produced(path, dag):
                problems.append(f"{path}: listed as always produced, but the default run "
                                f"does not produce it")
        elif not re.fullmatch(r"only \S+(\s+\S+)+", when):
            problems.append(f"{path}: 'when' must be 'always' or 'only <condition>', "
                            f"not {when!r}")
    for out in sorted(dag_outputs(dry_run)):
        if not any(produced(p, {out}) for p, _ in rows):
            problems.append(f"{out}: an output of the default run that docs/outputs.md "
                            f"does not list")
    return problems


# --------------------------------------------------------------------------- #
# 4. README commands are run by CI or by a test
# --------------------------------------------------------------------------- #
def normalized(command: str) -> tuple[str, ...] | None:
    """A simple command as (program, *args): a venv's bin/ path reduced to the program,
    quiet flags dropped. None if it is not a command (empty, or unparsable)."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return None
    words = [w for w in words if w not in QUIET_FLAGS]
    if not words:
        return None
    program = words[0].rsplit("/bin/", 1)[-1] if "/bin/" in words[0] else words[0]
    return (program, *[re.sub(r"^\.venv[\w-]*$", ".venv", w) for w in words[1:]])


def split_commands(script: str) -> list[str]:
    """The simple commands of a shell text: continuations joined, split at && || ; { }."""
    text = script.replace("\\\n", " ")
    pieces = []
    for line in text.splitlines():
        pieces += re.split(r"&&|\|\||;|(?:^|\s)[{}](?=\s|$)", line)
    return [p.strip() for p in pieces if p.strip()]


def readme_commands(text: str) -> list[tuple[str, int]]:
    """(command, line) for every simple command in a shell block; in ```console blocks only
    the lines after a ``$`` prompt."""
    found = []
    for lang, body, line in code_blocks(text):
        if lang not in SHELL_LANGS:
            continue
        lines = body.splitlines()
        if lang == "console":
            lines = [ln.split("$ ", 1)[1] for ln in lines if ln.lstrip().startswith("$ ")]
        found += [(c, line) for c in split_commands("\n".join(lines))]
    return found


def string_words(source: str) -> set[str]:
    """Every string literal of a Python source, and each whitespace-separated word of it."""
    words = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.add(node.value)
            words.update(node.value.split())
    return words


def command_problems(readme: str, ci_script: str, test_sources: dict[str, str]) -> list[str]:
    ci = {normalized(c) for c in split_commands(ci_script)} - {None}
    words = {name: string_words(src) for name, src in test_sources.items()}
    problems = []
    for command, line in readme_commands(readme):
        norm = normalized(command)
        if norm is None or norm in ci:
            continue
        args = set(norm[1:])
        if args and any(args <= w for w in words.values()):
            continue
        problems.append(f"README.md:{line}: {command!r} is run neither by .ci/run nor by a test")
    return problems


# --------------------------------------------------------------------------- #
# 5. the layout in docs/development.md <-> the package
# --------------------------------------------------------------------------- #
def layout_block(text: str) -> str:
    """The first ```text block after the ``## Layout`` heading."""
    after = text[text.index("## Layout"):]
    return next(body for lang, body, _ in code_blocks(after) if lang == "text")


def layout_modules(block: str, package: str = "kmeans_sweep/") -> list[str]:
    """What the layout names under ``package``: each module as its path in the package
    (``io.py``, ``data/load.py``), each subpackage as its folder (``data/``).

    An entry is a line whose name column (the text before the first run of two spaces) starts
    left of the package line's description; a deeper indent is inside the folder above it; a
    line indented to the description column continues a description."""
    lines = block.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith(package))
    base = len(lines[start]) - len(lines[start].lstrip())
    described = re.match(r"^\s*\S+\s{2,}", lines[start])
    description_column = described.end() if described else len(lines[start])
    names, folders = [], []  # folders: (indent, "name/") of the folders we are in
    for line in lines[start + 1:]:
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent >= description_column:
            continue
        if indent <= base:
            break
        while folders and folders[-1][0] >= indent:
            folders.pop()
        prefix = "".join(name for _, name in folders)
        entries = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0].split(", ")
        names += [prefix + entry for entry in entries]
        if len(entries) == 1 and entries[0].endswith("/"):
            folders.append((indent, entries[0]))
    return names


def package_modules(root: Path) -> set[str]:
    """Every module of the package at ``root``, as the layout names it: a subpackage by its
    folder (its ``__init__``), any other file by its path."""
    found = set()
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if "__pycache__" in rel.parts:
            continue
        nested_init = path.name == "__init__.py" and rel.parent != Path(".")
        found.add(rel.parent.as_posix() + "/" if nested_init else rel.as_posix())
    return found


def layout_problems(block: str, root: Path) -> list[str]:
    named = layout_modules(block)
    modules = package_modules(root)
    problems = [f"{m}: a module of the package that the layout does not name"
                for m in sorted(modules - set(named))]
    problems += [f"{m}: named in the layout but not in the package" for m in named
                 if m not in modules]
    problems += [f"{m}: named twice in the layout" for m in sorted(set(named))
                 if named.count(m) > 1]
    return problems


# --------------------------------------------------------------------------- #
# 6. README's end-of-run block <-> kmeans_sweep.answers
# --------------------------------------------------------------------------- #
def answer_block(text: str) -> str | None:
    """The first ```text block that starts with the end-of-run block's header."""
    from kmeans_sweep.answers import HEADER

    return next((body for lang, body, _ in code_blocks(text)
                 if lang == "text" and body.startswith(HEADER)), None)


def answer_block_problems(block: str, datasets: list[str]) -> list[str]:
    """What in an end-of-run block the code would not print for ``datasets``: the header and
    the report line as ``answers.block`` prints them around no dataset; one line per dataset,
    in order, each matching the line format (k, confidence, reason, the dataset's
    choose_k.html) and rendered back by ``answers.line`` to the same text (so aligned)."""
    from kmeans_sweep import answers
    from kmeans_sweep.choose.choose_k import NO_STRUCTURE

    header, report = answers.block([]).splitlines()
    lines = block.splitlines()
    problems = []
    if not lines or lines[0] != header:
        problems.append(f"the first line must be {header!r}")
    if not lines or lines[-1] != report:
        problems.append(f"the last line must be {report!r}")
    body = lines[1:-1]
    names = [re.sub(r":.*", "", ln).strip() for ln in body]
    if names != list(datasets):
        problems.append(f"one line per dataset {list(datasets)} expected, found {names}")
    width = max((len(n) for n in names), default=0)
    confidence = "|".join(re.escape(c) for c in ("clear", "uncertain", NO_STRUCTURE))
    for ln in body:
        m = re.fullmatch(rf"  (?P<name>[^:\s]+):(?P<pad> *) (?:k = (?P<k>\d+)|no recommendation)"
                         rf" \((?P<confidence>{confidence})\): (?P<reason>.+); see results/"
                         rf"(?P=name)/choose_k\.html", ln)
        if m is None:
            problems.append(f"not a line answers.line prints: {ln!r}")
            continue
        said = {"k": None if m["k"] is None else int(m["k"]), "confidence": m["confidence"],
                "reason": m["reason"]}
        again = "  " + answers.line(m["name"], said, width)
        if again != ln:
            problems.append(f"answers.line prints {again!r}, not {ln!r}")
    return problems


# --------------------------------------------------------------------------- #
# the checks on the real docs
# --------------------------------------------------------------------------- #
def _schema() -> dict:
    return yaml.safe_load(SCHEMA.read_text())


def test_readme_is_a_front_page():
    readme = (REPO / "README.md").read_text()
    assert len(readme.encode()) <= 10_000, f"README.md is {len(readme.encode())} bytes"
    for page in ("configuration", "outputs", "choosing-k", "performance", "slurm",
                 "troubleshooting"):
        assert f"(docs/{page}.md" in readme, f"README.md does not link docs/{page}.md"


def test_every_config_key_is_documented():
    problems = key_problems(_schema(), (DOCS / "configuration.md").read_text())
    assert not problems, "\n".join(problems)


def test_every_yaml_snippet_validates():
    pages = {str(p.relative_to(REPO)): p.read_text() for p in doc_pages()}
    default = yaml.safe_load((REPO / "config.yaml").read_text())
    n_snippets = sum(lang == "yaml" for t in pages.values() for lang, _, _ in code_blocks(t))
    assert n_snippets >= 3
    problems = snippet_problems(pages, default)
    assert not problems, "\n".join(problems)


def test_every_listed_output_is_produced(tmp_path):
    """One dry run of the default config (about 3 s): its outputs, logs and benchmarks."""
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    proc = subprocess.run(
        [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(tmp_path), "-n", "--cores", "2"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "rule fit_chunk:" in proc.stdout
    problems = output_problems((DOCS / "outputs.md").read_text(), proc.stdout)
    assert not problems, "\n".join(problems)


def test_every_readme_command_is_run():
    tests = {str(p.relative_to(REPO)): p.read_text() for p in (REPO / "tests").rglob("*.py")
             if p.name != "test_docs.py"}
    problems = command_problems(
        (REPO / "README.md").read_text(), (REPO / ".ci" / "run").read_text(), tests
    )
    assert not problems, "\n".join(problems)


def test_links_and_paths_exist():
    """Relative links and every backticked repository path (workflow/..., tests/..., ...)."""
    problems = []
    for page in doc_pages():
        text = page.read_text()
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text):
            if re.match(r"\w+://", target):
                continue
            linked = page.parent / target if target else page
            if not linked.exists():
                problems.append(f"{page.name}: link to {target} which does not exist")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
                problems.append(f"{page.name}: link to {target}#{anchor}: no such heading")
        for path in re.findall(r"`((?:workflow|tests|profiles|docs|bench|\.ci)/[^`\s*<]+)`", text):
            if not (REPO / path).exists():
                problems.append(f"{page.name}: `{path}` does not exist")
    assert not problems, "\n".join(problems)


def test_the_layout_names_every_module_of_the_package():
    """docs/development.md's layout against workflow/kmeans_sweep/ (a new module: add a line)."""
    block = layout_block((DOCS / "development.md").read_text())
    root = REPO / "workflow" / "kmeans_sweep"
    problems = layout_problems(block, root)
    assert not problems, "docs/development.md, Layout:\n" + "\n".join(problems)
    assert len(layout_modules(block)) == len(package_modules(root)) > 50


def test_the_readme_shows_the_answer_block_as_the_code_prints_it():
    """README.md's block (pasted from the default run) has the format answers.block prints,
    for the datasets of config.yaml (a change of the format: paste the block of a new run)."""
    readme = (REPO / "README.md").read_text()
    block = answer_block(readme)
    assert block is not None, "README.md shows no end-of-run block"
    assert readme.index(block) < readme.index("## What you get"), "not on the first screen"
    datasets = list(yaml.safe_load((REPO / "config.yaml").read_text())["datasets"])
    problems = answer_block_problems(block, datasets)
    assert not problems, "README.md's end-of-run block:\n" + "\n".join(problems)


def test_a_block_the_code_renders_has_the_readme_blocks_shape(tmp_path, monkeypatch):
    """answers.block on a stored tiny choose_k table, for the README block's datasets: the same
    lines, header and report line as the README's, the answers in the same column."""
    from _choices import store, three_blobs

    from kmeans_sweep import answers

    readme_block = answer_block((REPO / "README.md").read_text()).splitlines()
    datasets = [ln.split(":")[0].strip() for ln in readme_block[1:-1]]
    monkeypatch.chdir(tmp_path)
    for dataset in datasets:
        store(tmp_path / "results", dataset, three_blobs())
    rendered = answers.block(datasets).splitlines()
    assert answer_block_problems("\n".join(rendered), datasets) == []
    assert len(rendered) == len(readme_block)
    assert (rendered[0], rendered[-1]) == (readme_block[0], readme_block[-1])
    column = len(f"  {max(datasets, key=len)}: ")
    for new, old in zip(rendered[1:-1], readme_block[1:-1], strict=True):
        assert new[:column] == old[:column] and " " not in (new[column], old[column])
        assert new.endswith(old[old.rindex("; see "):])


def test_one_version_everywhere():
    project = re.search(r'^version = "(.+)"', (REPO / "pyproject.toml").read_text(), re.M)
    init = (REPO / "workflow" / "kmeans_sweep" / "__init__.py").read_text()
    changelog = re.search(r"^## \[(.+?)\]", (REPO / "CHANGELOG.md").read_text(), re.M)
    assert f'__version__ = "{project.group(1)}"' in init
    assert changelog.group(1) == project.group(1)


def test_anchor_check_fails_on_a_missing_heading():
    assert "fitsparquet" in anchors("## fits.parquet\n") and "a-b_c" in anchors("# A b_c!\n")
    assert "choosing-k" not in anchors("## Choose k\n")


# --------------------------------------------------------------------------- #
# each check fails on a broken input
# --------------------------------------------------------------------------- #
KEY_DOC = """
| key | default | what it changes | an edit reruns |
| --- | --- | --- | --- |
| `datasets.<name>.source` | — (required) | where | everything |
| `sweep.k` | `[2, 3]` | ks | fits |
"""
TINY_SCHEMA = {
    "type": "object",
    "properties": {
        "datasets": {"type": "object", "additionalProperties": {"$ref": "#/$defs/ds"}},
        "sweep": {"type": "object", "properties": {"k": {"default": [2, 3]}}},
    },
    "$defs": {"ds": {"type": "object", "properties": {"source": {"type": "string"}}}},
}


def test_key_check_passes_on_matching_docs():
    assert key_problems(TINY_SCHEMA, KEY_DOC) == []
    assert schema_keys(_schema())["datasets.<name>.scale"]["default"] == "standard"


def test_key_check_fails_on_an_undocumented_key():
    schema = copy.deepcopy(TINY_SCHEMA)
    schema["properties"]["sweep"]["properties"]["n_init"] = {"default": 1}
    assert key_problems(schema, KEY_DOC) == ["sweep.n_init: in the schema but not documented"]


def test_key_check_fails_on_a_key_not_in_the_schema():
    doc = KEY_DOC + "| `sweep.kk` | `1` | typo | - |\n"
    assert key_problems(TINY_SCHEMA, doc) == ["sweep.kk: documented but not in the schema"]


def test_key_check_fails_on_a_wrong_default():
    doc = KEY_DOC.replace("`[2, 3]`", "`[2, 3, 4]`")
    assert key_problems(TINY_SCHEMA, doc) == [
        "sweep.k: default shown as '`[2, 3, 4]`', schema says [2, 3]"
    ]


def test_key_check_fails_on_a_malformed_row():
    with pytest.raises(ValueError, match="one key in backticks"):
        documented_keys(KEY_DOC + "| sweep.k and more | `1` | | |\n")


DEFAULT = {"datasets": {"digits": {"source": "digits"}}, "sweep": {"k": [2, 3]}}


def test_snippet_check_merges_fragments_and_passes_valid_ones():
    page = "```yaml\nsweep:\n  seeds: [0, 1]\n```\n```text\nnot: [a config\n```\n"
    assert snippet_problems({"p.md": page}, DEFAULT) == []
    assert merged(DEFAULT, {"sweep": {"seeds": [0]}})["sweep"] == {"k": [2, 3], "seeds": [0]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("sweep:\n  k: [1, 2]", "p.md:2: sweep.k[0]: 1 is less than the minimum of 2"),
        ("sweep:\n  kk: [2]", "p.md:2: sweep: Additional properties are not allowed"),
        ("sweep: [k: 2", "p.md:2: not YAML"),
        ("- 1", "p.md:2: a config snippet must be a mapping"),
    ],
)
def test_snippet_check_fails_on_a_broken_snippet(body, message):
    page = f"text\n```yaml\n{body}\n```\n"
    problems = snippet_problems({"p.md": page}, DEFAULT)
    assert len(problems) == 1 and problems[0].startswith(message), problems


DRY_RUN = """
rule prepare_dataset:
    output: results/digits/prepared/X.npy, results/digits/prepared/meta.json
    log: logs/digits/prepare_dataset.log
rule silhouette_diagrams:
    output: results/digits/plots/silhouette_diagrams
    benchmark: benchmarks/digits/silhouette_diagrams.tsv
"""
OUTPUTS_DOC = """
| file | when | contents |
| --- | --- | --- |
| `results/<dataset>/prepared/X.npy`, `results/<dataset>/prepared/meta.json` | always | x |
| `results/<dataset>/plots/silhouette_diagrams/silhouette_k<k>.png` | always | pictures |
| `logs/<dataset>/<rule>.log`, `benchmarks/<dataset>/<rule>.tsv` | always | logs |
| `results/report.html` | only with `snakemake --report` | the report |
"""


def test_output_check_passes_on_matching_docs():
    assert output_problems(OUTPUTS_DOC, DRY_RUN) == []


def test_output_check_fails_on_a_file_the_run_does_not_make():
    doc = OUTPUTS_DOC + "| `results/<dataset>/nope.parquet` | always | gone |\n"
    assert output_problems(doc, DRY_RUN) == [
        "results/<dataset>/nope.parquet: listed as always produced, but the default run "
        "does not produce it"
    ]


def test_output_check_fails_on_a_condition_without_a_condition():
    doc = OUTPUTS_DOC.replace("only with `snakemake --report`", "sometimes")
    assert output_problems(doc, DRY_RUN) == [
        "results/report.html: 'when' must be 'always' or 'only <condition>', not 'sometimes'"
    ]


def test_output_check_fails_on_an_unlisted_output():
    doc = OUTPUTS_DOC.replace("`results/<dataset>/prepared/X.npy`, ", "")
    assert output_problems(doc, DRY_RUN) == [
        "results/digits/prepared/X.npy: an output of the default run that docs/outputs.md "
        "does not list"
    ]


CI = """
python3 -m venv .venv-run
.venv-run/bin/pip install -q --disable-pip-version-check -r requirements.txt
bash x.sh start || { bash x.sh stop; bash x.sh start; }
"""


def test_command_check_passes_on_ci_and_test_commands():
    readme = (
        "```sh\npython3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n```\n"
        "```console\n$ snakemake --unlock  # a comment\nsome output\n```\n"
        "```bash\nbash x.sh stop\n```\n"
    )
    tests = {"t.py": 'workflow.run("--unlock")\n'}
    assert command_problems(readme, CI, tests) == []


def test_command_check_fails_on_a_command_nothing_runs():
    readme = "```sh\npython3 -m venv .venv && .venv/bin/pip install -r requirement.txt\n```\n"
    assert command_problems(readme, CI, {"t.py": "x = '-r'"}) == [
        "README.md:1: '.venv/bin/pip install -r requirement.txt' is run neither by .ci/run "
        "nor by a test"
    ]


LAYOUT = """
workflow/
  rules/*.smk              one file per step
  kmeans_sweep/            the package, by stage
                           (continued: io.py is not an entry here)
    __init__.py            the stages
    io.py, sources.py      0 base
    data/                  1 data
      load.py              loading
    fit/                   2 fits
      gap.py, resample.py  the gap's and the resampling's fits
      deep/                a sub-subpackage
        inner.py           its module
    config.py              7 top
profiles/                  profiles
"""


@pytest.fixture
def toy_package(tmp_path) -> Path:
    root = tmp_path / "kmeans_sweep"
    for module in ("__init__.py", "io.py", "sources.py", "config.py", "data/__init__.py",
                   "data/load.py", "fit/__init__.py", "fit/gap.py", "fit/resample.py",
                   "fit/deep/__init__.py", "fit/deep/inner.py", "fit/__pycache__/gap.py"):
        (root / module).parent.mkdir(parents=True, exist_ok=True)
        (root / module).write_text("")
    return root


def test_layout_check_passes_on_a_matching_layout(toy_package):
    assert layout_modules(LAYOUT) == [
        "__init__.py", "io.py", "sources.py", "data/", "data/load.py", "fit/", "fit/gap.py",
        "fit/resample.py", "fit/deep/", "fit/deep/inner.py", "config.py"]
    assert layout_problems(LAYOUT, toy_package) == []


def test_layout_check_fails_on_a_module_it_does_not_name(toy_package):
    (toy_package / "fit" / "new.py").write_text("")
    (toy_package / "plots").mkdir()
    (toy_package / "plots" / "__init__.py").write_text("")
    assert layout_problems(LAYOUT, toy_package) == [
        "fit/new.py: a module of the package that the layout does not name",
        "plots/: a module of the package that the layout does not name",
    ]
    no_load = LAYOUT.replace("      load.py              loading\n", "")
    assert layout_problems(no_load, toy_package)[0] == (
        "data/load.py: a module of the package that the layout does not name")


def test_layout_check_fails_on_a_module_that_does_not_exist(toy_package):
    (toy_package / "data" / "load.py").unlink()
    assert layout_problems(LAYOUT, toy_package) == [
        "data/load.py: named in the layout but not in the package"]
    (toy_package / "data" / "load.py").write_text("")
    moved = LAYOUT.replace("    config.py  ", "      config.py")  # indented into fit/
    assert layout_problems(moved, toy_package) == [
        "config.py: a module of the package that the layout does not name",
        "fit/config.py: named in the layout but not in the package",
    ]
    twice = LAYOUT.replace("io.py, sources.py", "io.py, io.py, sources.py")
    assert layout_problems(twice, toy_package) == ["io.py: named twice in the layout"]


ANSWER_BLOCK = """kmeans-sweep: the answer
  iris:   k = 3 (clear): 5 of 6 criteria pick k=3; see results/iris/choose_k.html
  noise:  k = 1 (no structure): no cluster structure: why; see results/noise/choose_k.html
  digits: no recommendation (uncertain): no k could be recommended; see results/digits/choose_k.html
  every plot and table, with how to read them: snakemake --report results/report.html"""


def test_answer_block_check_passes_on_the_codes_format():
    assert answer_block_problems(ANSWER_BLOCK, ["iris", "noise", "digits"]) == []
    page = f"intro\n```text\nnot it\n```\n```text\n{ANSWER_BLOCK}\n```\n"
    assert answer_block(page) == ANSWER_BLOCK and answer_block("```text\nx\n```\n") is None


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("kmeans-sweep: the answer", "kmeans-sweep: answers", "the first line must be"),
        ("--report results/report.html", "--report report.html", "the last line must be"),
        ("  iris:   k", "  iris:  k", "answers.line prints '  iris:   k = 3"),  # misaligned
        ("k = 3 (clear)", "k = 3 (sure)", "not a line answers.line prints"),
        ("see results/iris/", "see results/wine/", "not a line answers.line prints"),
        ("(clear): 5", "(clear) - 5", "not a line answers.line prints"),
    ],
)
def test_answer_block_check_fails_on_a_block_the_code_would_not_print(old, new, problem):
    problems = answer_block_problems(ANSWER_BLOCK.replace(old, new), ["iris", "noise", "digits"])
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_answer_block_check_fails_on_other_datasets():
    assert answer_block_problems(ANSWER_BLOCK, ["iris", "digits"]) == [
        "one line per dataset ['iris', 'digits'] expected, found ['iris', 'noise', 'digits']"]
