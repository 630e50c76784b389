"""The progress view of a run (kmeans_sweep.progress_view) on a hand-made run directory."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from kmeans_sweep import progress_view as progress
from kmeans_sweep.jobs.cache import FitCache
from kmeans_sweep.runtime import plan_file as run_plan

FITS = [(2, "random", 0), (3, "random", 0), (4, "random", 0), (5, "random", 0, "minibatch")]
GAP = [(2, -1), (2, 0)]
SETTINGS = {"n_init": 1, "max_iter": 300, "silhouette_sample_size": 5000, "batch_size": 1024}
GAP_SETTINGS = {"sample_size": 5000, "n_init": 1, "max_iter": 300}


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Three jobs: job 1 (fits 0, 1 and gap item 0) started, with fit 0 cached; job 2
    (fit 2) finished; job 3 (fit 3 and gap item 1) waiting, its gap item cached."""
    monkeypatch.chdir(tmp_path)
    entry = run_plan.dataset_entry(
        "results/d/prepared/meta.json", FITS, GAP, [[0, 1, 4], [2], [3, 5]], [30.0, 10.0, 20.0]
    )
    run_plan.write_plan(
        {"d": entry},
        fit_settings=SETTINGS,
        gap_settings=GAP_SETTINGS,
        cache_dir="cache",
        slots=2,
    )
    meta = tmp_path / "results/d/prepared/meta.json"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"sha256": "abc"}))
    cache, gaps = FitCache(tmp_path / "cache"), FitCache(tmp_path / "cache" / "gap")
    empty = np.empty(0)
    cache.put(cache.key("abc", 2, "random", 0, SETTINGS), {}, empty, empty)
    gaps.put(gaps.gap_key("abc", 2, 0, GAP_SETTINGS), {}, empty, empty)
    for suffix in progress.SUFFIXES:
        out = tmp_path / f"results/d/fits/chunk1{suffix}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("")
    log = tmp_path / "logs/d/fit_chunk0.log"
    log.parent.mkdir(parents=True)
    log.write_text(
        "x INFO d fit job 1: 1/3 fits done (0 from the cache), 2.0 s elapsed, about 8.0 s left\n"
    )
    return tmp_path


def test_the_view_counts_from_the_cache_and_reads_the_job_states(run, monkeypatch):
    monkeypatch.setattr(progress, "head_alive", lambda plan: True)
    now = os.stat(run / "logs/d/fit_chunk0.log").st_mtime + 3
    view = progress.summarize(run, now=now)
    d = view["datasets"]["d"]
    assert (d["done"], d["total"], d["sweep_done"]) == (1 + 1 + 1, 6, 2)
    assert d["jobs"] == {"finished": 1, "running": 1, "waiting": 1, "stopped": 0}
    assert d["slowest"]["job"] == 1 and d["slowest"]["left"] == pytest.approx(5.0)
    # the waiting job: half its items done, so half its 20 s; shared over 2 slots with job 1
    assert view["left"] == pytest.approx(max(5.0, (5.0 + 10.0) / 2))
    text = progress.render(view)
    assert (
        "d: 3/6 fits (50 %); fit jobs: 1 finished, 1 running, 1 waiting; slowest: fit job 1" in text
    )


def test_after_a_crash_started_jobs_are_stopped_and_without_a_cache_the_log_counts(run):
    plan_path = run / run_plan.PLAN_PATH
    plan = json.loads(plan_path.read_text())
    plan["pid"] = 2**22 + 1  # no such process: Snakemake is gone
    plan["cache_dir"] = None
    plan_path.write_text(json.dumps(plan))
    view = progress.summarize(run)
    d = view["datasets"]["d"]
    assert view["snakemake"] == "not running" and view["left"] is None
    assert d["jobs"] == {"finished": 1, "running": 0, "waiting": 1, "stopped": 1}
    assert (d["done"], d["sweep_done"]) == (1 + 1, None)  # the finished job, the log's 1/3
    assert "run the same command again to resume" in progress.render(view)


def test_no_plan_says_so(tmp_path):
    with pytest.raises(SystemExit, match="no run plan"):
        progress.summarize(tmp_path)
