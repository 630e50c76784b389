"""Never lose work, never write a wrong or half-written result."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import REPO, SNAKEMAKE, Workflow, tiny_config

from kmeans_sweep.io import atomic_path

TIMINGS = ["fit_seconds", "score_seconds"]

# 80 digits fits in 10 jobs: long enough to interrupt in the middle
MEDIUM = {
    "datasets": {"digits": {"source": "digits"}},
    "sweep": {"k": list(range(2, 10)), "init": ["k-means++", "random"], "seeds": list(range(5))},
    "choose_k": {"gap_references": 2},
    "plots": {"dpi": 50, "width": 5, "height": 3.5},
    "fits_per_job": 8,
}


def rows(wf: Workflow, dataset: str) -> pd.DataFrame:
    fits = pd.read_parquet(wf.results(dataset, "fits.parquet"))
    return fits.drop(columns=TIMINGS).set_index(["dataset", "k", "init", "seed"]).sort_index()


@pytest.fixture(scope="module")
def medium_reference(tmp_path_factory) -> pd.DataFrame:
    wf = Workflow(tmp_path_factory.mktemp("uninterrupted"))
    wf.write_config(MEDIUM)
    wf.run()
    return rows(wf, "digits")


def start(wf: Workflow, *args) -> subprocess.Popen:
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(wf.path), "--cores", "2", *args]
    return subprocess.Popen(
        cmd, cwd=wf.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def cache_entries(wf: Workflow) -> int:
    return len(list(wf.results(".cache").rglob("*.npz")))


def job_processes(wf: Workflow, script: str) -> list[int]:
    """PIDs of the workflow's script processes (Snakemake runs them from .snakemake/scripts)."""
    out = subprocess.run(
        ["pgrep", "-f", f"{wf.path}/.snakemake/scripts/.*{script}"], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_run_resumes_without_recomputing(workflow, medium_reference, sig):
    workflow.write_config(MEDIUM)
    proc = start(workflow)
    # interrupt once some fits are done but the sweep is far from finished
    assert wait_for(lambda: cache_entries(workflow) >= 12), "no progress"
    proc.send_signal(sig)
    proc.wait(timeout=120)
    assert proc.returncode != 0
    # after SIGKILL the running jobs are orphans: let them end (they are killed or finish)
    assert wait_for(lambda: not job_processes(workflow, "fit_chunk.py"), timeout=120)
    done_before = cache_entries(workflow)
    assert 12 <= done_before < 80, done_before
    assert not workflow.results("digits", "fits.parquet").exists()
    if sig == signal.SIGKILL:  # a hard kill leaves Snakemake's lock behind (README: --unlock)
        workflow.run("--unlock")
    workflow.clear_logs()
    workflow.run()  # the README's command again; the default profile adds --rerun-incomplete
    computed, cached = workflow.fit_counts("digits")
    assert computed == 80 - done_before, (computed, cached, done_before)
    pd.testing.assert_frame_equal(rows(workflow, "digits"), medium_reference)


@pytest.mark.slow
def test_killed_job_leaves_no_half_written_output(workflow, medium_reference):
    workflow.write_config(MEDIUM)
    proc = start(workflow)
    assert wait_for(lambda: len(job_processes(workflow, "fit_chunk.py")) > 0)
    time.sleep(0.5)
    victims = job_processes(workflow, "fit_chunk.py")
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode != 0 and "Error in rule fit_chunk" in out
    # every result file that exists is complete and readable
    for path in workflow.results().rglob("*.parquet"):
        if not path.name.startswith("."):
            pq.read_table(path)
    workflow.run()
    pd.testing.assert_frame_equal(rows(workflow, "digits"), medium_reference)


def test_atomic_writes_never_leave_a_partial_file(tmp_path):
    target = tmp_path / "out.parquet"
    target.write_text("old, complete")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "old, complete"
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_failing_job_fails_the_run_and_keep_going_finishes_the_rest(workflow):
    config = tiny_config()
    config["datasets"]["wine"] = {"source": "wine"}
    workflow.write_config(config)
    env = {"KMEANS_SWEEP_FAIL_ON": "wine:3:random:1"}
    proc = workflow.run(check=False, env=env)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "Error in rule fit_chunk" in text
    assert "injected failure for fit k=3 init=random seed=1" in text  # the job's log, shown
    proc = workflow.run("--keep-going", check=False, env=env)
    assert proc.returncode != 0
    for name in ("fits.parquet", "summary.csv", "choose_k.csv", "plots/elbow.png"):
        assert workflow.results("iris", name).exists(), name
    assert not workflow.results("wine", "fits.parquet").exists()
    workflow.run()  # the fault is gone: the rest completes
    assert workflow.results("wine", "plots", "clusters_pca.png").exists()


def test_identical_results_whatever_the_cores(tmp_path):
    tables = []
    for cores in ("1", "2", "2"):
        wf = Workflow(tmp_path / f"run{len(tables)}")
        wf.path.mkdir()
        wf.write_config({**tiny_config(), "cache_dir": None})
        wf.run("--cores", cores)
        tables.append(pd.read_parquet(wf.results("iris", "fits.parquet")).drop(columns=TIMINGS))
    for other in tables[1:]:
        pd.testing.assert_frame_equal(tables[0], other, check_exact=True)
        assert tables[0].to_csv().encode() == other.to_csv().encode()


def write_csv(wf: Workflow, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(wf.path / name, index=False)


def file_config(**datasets) -> dict:
    config = tiny_config()
    config["datasets"] = datasets
    return config


def test_odd_but_valid_data_runs_with_warnings(workflow):
    rng = np.random.RandomState(0)
    # a constant column, a missing value to drop, and ints/bools as features
    odd = pd.DataFrame(
        {
            "a": rng.normal(size=30),
            "const": 7.0,
            "b": rng.randint(0, 5, 30),
            "flag": rng.rand(30) > 0.5,
        }
    )
    odd.loc[4, "a"] = np.nan
    write_csv(workflow, "odd.csv", odd)
    # two distinct points only: k=3 and k=4 find fewer clusters than asked for
    write_csv(workflow, "two.csv", pd.DataFrame({"x": [0.0, 5.0] * 10, "y": [1.0, 2.0] * 10}))
    # every row the same: a single cluster, so internal scores are undefined (null)
    write_csv(workflow, "same.csv", pd.DataFrame({"x": [1.0] * 12, "y": [2.0] * 12}))
    workflow.write_config(
        file_config(
            odd={"source": "odd.csv", "missing": "drop"},
            two={"source": "two.csv"},
            same={"source": "same.csv", "scale": "minmax"},
        )
    )
    workflow.run()
    prep = workflow.logs("odd", "prepare_dataset.log").read_text()
    assert "dropped 1 row(s) with missing values" in prep and "constant column(s) const" in prep
    assert len(np.load(workflow.results("odd", "prepared", "X.npy"))) == 29

    two = pd.read_parquet(workflow.results("two", "fits.parquet")).set_index(["k", "init", "seed"])
    assert (two["n_clusters"] == 2).all()
    assert two["silhouette"].notna().all()
    logs = "".join(p.read_text() for p in workflow.logs("two").glob("fit_chunk*.log"))
    assert "Number of distinct clusters (2) found smaller than n_clusters" in logs

    same = pd.read_parquet(workflow.results("same", "fits.parquet"))
    assert (same["n_clusters"] == 1).all()
    for col in ("silhouette", "calinski_harabasz", "davies_bouldin"):
        assert same[col].isna().all(), col  # null, never a made-up number
    logs = "".join(p.read_text() for p in workflow.logs("same").glob("fit_chunk*.log"))
    assert "silhouette undefined with 1 cluster(s)" in logs
    for ds in ("odd", "two", "same"):
        for plot in ("elbow", "silhouette", "clusters_pca", "criteria", "stability"):
            assert workflow.results(ds, "plots", f"{plot}.png").stat().st_size > 1000
        assert workflow.results(ds, "choose_k.csv").exists()
