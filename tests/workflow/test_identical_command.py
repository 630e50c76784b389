"""An identical command after a complete run does nothing, whatever timings were recorded
since (issue 29, point 3): the job count of the last run with the same plan is kept
(kmeans_sweep/runtime/job_counts.py), although the cost model's calibration would now deal
the fits out to another number of jobs."""

from __future__ import annotations

import json

from conftest import tiny_config

# no cap on fits per job: the job count follows the estimated seconds (target_job_seconds)
CONFIG = tiny_config(fits_per_job=None, target_job_seconds=2.0)


def slow_timings(workflow, n: int = 40) -> None:
    """Timings as if every unit of work took a second: the calibration's median jumps."""
    folder = workflow.results(".cache", "timings")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"9{i:018d}-1.json").write_text(json.dumps({"units": 1.0, "seconds": 1.0}))


def test_new_timings_alone_rerun_nothing(workflow):
    workflow.write_config(CONFIG)
    workflow.run("--cores", "2")
    counts = workflow.path / ".snakemake" / "kmeans-sweep" / "job_counts.json"
    assert json.loads(counts.read_text())["iris"]["jobs"] == 1  # the work is under 2 s
    slow_timings(workflow)
    again = workflow.run("-n", "--cores", "2")
    assert "Nothing to be done" in again.stdout + again.stderr
    # without the remembered count the new calibration gives 2 jobs: the fit jobs would rerun
    counts.unlink()
    planned = workflow.run("-n", "--cores", "2")
    assert "rule fit_chunk:" in planned.stdout + planned.stderr
    assert json.loads(counts.read_text())["iris"]["jobs"] == 2


def test_other_cores_plan_anew_and_compute_no_fit(workflow):
    workflow.write_config(tiny_config(fits_per_job=None, target_job_seconds=0.0001))
    workflow.run("--cores", "2")
    counts = workflow.path / ".snakemake" / "kmeans-sweep" / "job_counts.json"
    assert json.loads(counts.read_text())["iris"]["jobs"] == 2
    workflow.clear_logs()
    workflow.run("--cores", "3")
    assert json.loads(counts.read_text())["iris"]["jobs"] == 3
    assert workflow.fit_counts("iris")[0] == 0  # every fit from the cache
