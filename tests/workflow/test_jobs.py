"""The job plan on the real workflow: jobs follow --cores, results never depend on the plan, and
a new plan computes no fit again."""

from __future__ import annotations

import pandas as pd
from conftest import Workflow, tiny_config

TIMINGS = ["fit_seconds", "score_seconds"]


def small_jobs_config(**overrides) -> dict:
    """12 iris fits, any job worth starting (no cap on fits per job)."""
    config = tiny_config(target_job_seconds=0.0001, **overrides)
    config.pop("fits_per_job")
    return config


def fit_jobs(wf: Workflow) -> int:
    return len(list(wf.logs("iris").glob("fit_chunk*.log")))


FITS = "results/iris/fits.parquet"  # the fits and their tables: no plots needed here


def test_jobs_follow_the_cores_and_rows_do_not_depend_on_them(tmp_path):
    tables, gaps = {}, {}
    for cores in (1, 4):
        wf = Workflow(tmp_path / f"cores{cores}")
        wf.path.mkdir()
        wf.write_config(small_jobs_config(cache_dir=None))
        wf.run("--cores", str(cores), FITS)
        assert fit_jobs(wf) == cores
        tables[cores] = pd.read_parquet(wf.results("iris", "fits.parquet")).drop(columns=TIMINGS)
        gaps[cores] = pd.read_parquet(wf.results("iris", "gap.parquet"))
        if cores == 1:  # one job: its log shows every fit finishing, and the estimate
            text = wf.logs("iris", "fit_chunk0.log").read_text()
            said = "iris fit job 1: 12 fits, 16 gap statistic fits and 0 resampling fits, estimated"
            assert said in text
            assert "iris fit job 1: 28/28 fits done (0 from the cache)" in text  # and gap fits
            assert "s left" in text and "estimate/actual" in text
    pd.testing.assert_frame_equal(tables[1], tables[4], check_exact=True)
    pd.testing.assert_frame_equal(gaps[1], gaps[4], check_exact=True)  # gap fits too
    assert tables[1].to_csv().encode() == tables[4].to_csv().encode()


def test_other_cores_recompute_no_fit(workflow):
    workflow.write_config(small_jobs_config())
    workflow.run("--cores", "2", FITS)
    assert workflow.fit_counts("iris") == (12, 0)
    assert "Nothing to be done" in workflow.run("-n", "--cores", "2", FITS).stdout
    workflow.clear_logs()
    workflow.run("--cores", "4", FITS)  # four jobs now: split anew, every fit from the cache
    assert fit_jobs(workflow) == 4
    assert workflow.fit_counts("iris") == (0, 12)
    # the files of the two-job plan are gone; the four-job plan's are there
    chunks = sorted(p.name for p in workflow.results("iris", "fits").glob("chunk?.parquet"))
    assert chunks == ["chunk0.parquet", "chunk1.parquet", "chunk2.parquet", "chunk3.parquet"]
    labels = pd.read_parquet(workflow.results("iris", "labels.parquet"))
    assert labels.shape == (150, 12)
