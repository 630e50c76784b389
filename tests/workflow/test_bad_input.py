"""Bad input stops the run before any job with one clear line, and touches nothing."""

from __future__ import annotations

import pytest
from conftest import tiny_config

IRIS_CSV = "a,b,c,label\n" + "\n".join(
    f"{i % 7}.5,{(i * 3) % 5}.25,{i % 4},{'xyz'[i % 3]}" for i in range(30)
)


# features in rows (genes x samples), its classes in a labels file
WIDE_CSV = "gene,s1,s2,s3,s4\n" + "\n".join(
    f"g{j},{j % 3}.5,{(j * 7) % 5}.25,{j % 4},{(j * 3) % 7}.75" for j in range(20)
)
LABELS_CSV = "sample,subtype\ns1,a\ns2,b\ns3,a\ns4,b\n"


def wide_config(**files):
    config = file_config("wide.csv", layout="features_in_rows", labels_file="labels.csv")
    return config, {"wide.csv": WIDE_CSV, "labels.csv": LABELS_CSV, **files}


def file_config(path="data.csv", **spec):
    config = tiny_config()
    config["datasets"] = {"mine": {"source": path, **spec}}
    config["sweep"]["k"] = [2, 3]
    return config


def sweep(**changes):
    config = tiny_config()
    config["sweep"].update(changes)
    return config


# Snakemake's own notices, printed before the workflow is read
NOTICES = ("Using workflow specific profile", "Config file config.yaml is extended")


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith(NOTICES)]


def write(wf, name, content):
    path = wf.path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


CASES = {
    # id: (config, files to write, words the one-line error must contain)
    "unknown-key": ({**tiny_config(), "colour": "red"}, {}, ["colour", "unexpected"]),
    "unknown-sweep-key": (sweep(kk=[2]), {}, ["sweep", "kk"]),
    "wrong-type": (sweep(n_init="four"), {}, ["sweep.n_init", "integer"]),
    "k-below-2": (sweep(k=[1, 2]), {}, ["sweep.k[0]", "minimum of 2"]),
    "k-not-int": (sweep(k=[2, 2.5]), {}, ["sweep.k[1]", "integer"]),
    "k-larger-than-samples": (sweep(k=[2, 151]), {}, ["sweep.k", "151", "150"]),
    "unknown-init": (sweep(init=["k-means++", "kmeans||"]), {}, ["sweep.init[1]", "kmeans||"]),
    "negative-seed": (sweep(seeds=[0, -1]), {}, ["sweep.seeds[1]", "minimum of 0"]),
    "pca-nothing-to-fit": (sweep(init=["pca"], k=[5, 6]), {}, ["nothing to fit", "'iris'"]),
    "duplicate-k": (sweep(k=[2, 3, 3]), {}, ["sweep.k", "duplicated"]),
    "duplicate-seed": (sweep(seeds=[1, 1]), {}, ["sweep.seeds", "duplicated"]),
    "empty-k": (sweep(k=[]), {}, ["sweep.k", "empty"]),
    "empty-datasets": ({**tiny_config(), "datasets": {}}, {}, ["datasets"]),
    "unknown-builtin": (
        {**tiny_config(), "datasets": {"x": {"source": "mnist"}}},
        {},
        ["datasets.x.source", "mnist"],
    ),
    "name-with-space": (
        {**tiny_config(), "datasets": {"my data": {"source": "iris"}}},
        {},
        ["my data", "not allowed"],
    ),
    "name-with-slash": (
        {**tiny_config(), "datasets": {"../escape": {"source": "iris"}}},
        {},
        ["../escape", "not allowed"],
    ),
    "name-dotdot": (
        {**tiny_config(), "datasets": {"..": {"source": "iris"}}},
        {},
        ["'..'", "not allowed"],
    ),
    "blobs-option-on-file": (
        file_config(n_samples=10),
        {"data.csv": IRIS_CSV},
        ["datasets.mine.n_samples", "blobs"],
    ),
    "label-column-on-builtin": (
        {**tiny_config(), "datasets": {"iris": {"source": "iris", "label_column": "y"}}},
        {},
        ["datasets.iris.label_column", "file"],
    ),
    "missing-file": (file_config("nope.csv"), {}, ["nope.csv", "not found"]),
    "path-is-directory": (file_config("adir.csv"), {"adir.csv/": None}, ["adir.csv", "directory"]),
    "unreadable-binary": (
        file_config(),
        {"data.csv": b"\xff\xfe\x00\x81garbage\x00\x00\xc3\x28" * 50},
        ["data.csv", "CSV"],
    ),
    "empty-file": (file_config(), {"data.csv": ""}, ["data.csv", "empty"]),
    "header-only": (file_config(), {"data.csv": "a,b,c\n"}, ["data.csv", "no data rows"]),
    "one-row": (file_config(), {"data.csv": "a,b\n1,2\n"}, ["sweep.k", "larger", "(1)"]),
    "ragged-csv": (
        file_config(),
        {"data.csv": "a,b,c\n1,2,3\n4,5,6\n7,8,9,10,11\n"},
        ["data.csv", "well-formed CSV"],
    ),
    "text-column": (
        file_config(),
        {"data.csv": IRIS_CSV},
        ["'label'", "text", "feature_columns"],
    ),
    "strings-among-numbers": (
        file_config(),
        {"data.csv": "a,b\n1.5,2\n2.5,abc\n3.5,4\n"},
        ["'b'", "holds text (e.g. 'abc')"],
    ),
    "missing-values": (
        file_config(label_column="label"),
        {"data.csv": IRIS_CSV.replace("\n3.5,", "\n,", 1)},
        ["data.csv", "missing values", "missing: drop"],
    ),
    "infinite-values": (
        file_config(label_column="label"),
        {"data.csv": IRIS_CSV.replace("\n3.5,", "\ninf,", 1)},
        ["'a'", "infinite"],
    ),
    "label-column-absent": (
        file_config(label_column="species"),
        {"data.csv": IRIS_CSV},
        ["datasets.mine.label_column", "species", "not in"],
    ),
    "feature-column-absent": (
        file_config(feature_columns=["a", "zz"], label_column="label"),
        {"data.csv": IRIS_CSV},
        ["datasets.mine.feature_columns", "'zz'", "not in"],
    ),
    "label-as-feature": (
        file_config(feature_columns=["a", "label"], label_column="label"),
        {"data.csv": IRIS_CSV},
        ["feature_columns", "label column"],
    ),
    "parquet-not-parquet": (
        file_config("data.parquet"),
        {"data.parquet": "a,b\n1,2\n3,4\n"},
        ["data.parquet", "not a Parquet file"],
    ),
    "wide-duplicate-sample-ids": (
        *wide_config(**{"wide.csv": WIDE_CSV.replace(",s3,", ",s1,", 1)}),
        ["wide.csv", "duplicate sample ids", "'s1'"],
    ),
    "wide-text-feature-row": (
        *wide_config(**{"wide.csv": WIDE_CSV.replace("\ng7,1.5,", "\ng7,high,")}),
        ["wide.csv", "feature row 'g7'", "text", "'high'"],
    ),
    "wide-labels-for-missing-samples": (
        *wide_config(**{"labels.csv": LABELS_CSV + "s9,a\ns10,b\n"}),
        ["datasets.mine.labels_file", "2 sample(s) missing from", "'s9'"],
    ),
    "wide-samples-without-labels": (
        *wide_config(**{"labels.csv": LABELS_CSV.replace("s3,a\n", "")}),
        ["datasets.mine.labels_file", "no label for 1 sample(s)", "'s3'"],
    ),
    "unsupported-suffix": (
        file_config("data.xlsx"),
        {"data.xlsx": "x"},
        ["datasets.mine.source", "data.xlsx"],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_stops_before_any_job(workflow, case):
    config, files, words = CASES[case]
    for name, content in files.items():
        if name.endswith("/"):
            (workflow.path / name).mkdir()
        else:
            write(workflow, name, content)
    workflow.write_config(config)
    marker = workflow.results("untouched.txt")
    marker.parent.mkdir()
    marker.write_text("keep")
    proc = workflow.run(check=False)
    assert proc.returncode != 0
    lines = error_lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("kmeans-sweep: config error: "), line
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    # nothing under results/ was created or changed
    assert sorted(p.name for p in workflow.results().rglob("*")) == ["untouched.txt"]
    assert marker.read_text() == "keep"
    assert not (workflow.path / "logs").exists()


@pytest.mark.parametrize(
    "override, words",
    [
        ("sweep={'k': 'many'}", ["sweep.k", "array"]),
        ("fits_per_job=0", ["fits_per_job", "minimum of 1"]),
        ("plots={'dpi': 'high'}", ["plots.dpi", "integer"]),
    ],
)
def test_command_line_overrides_are_checked(workflow, override, words):
    workflow.write_config(tiny_config())
    proc = workflow.run("--config", override, check=False)
    assert proc.returncode != 0
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("kmeans-sweep: config error: "), proc.stderr
    for word in words:
        assert word in lines[0]
    assert not workflow.results().exists()


def test_yaml_that_is_not_a_mapping(workflow):
    """Snakemake itself rejects it when reading config.yaml, with a clear message."""
    workflow.write_config("- just\n- a list\n")
    proc = workflow.run(check=False)
    assert proc.returncode != 0
    assert "Config file must be given as JSON or YAML with keys at top level" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not workflow.results().exists()
