"""Watching a run: the fit jobs' progress lines on the terminal, and the progress view."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time

from conftest import REPO, SNAKEMAKE, Workflow, tiny_config

from kmeans_sweep import progress_view as progress

LINE = re.compile(
    r"^kmeans-sweep progress: iris fit job (\d+): (\d+)/(\d+) fits \((\d+) %\), "
    r"(\d+) from the cache, (about .+ left|done)$"
)


def _started_jobs(output: str) -> dict[str, int]:
    """{Snakemake jobid: fit job number} of the fit jobs in Snakemake's output."""
    jobs, jobid = {}, None
    for line in output.splitlines():
        if m := re.match(r"\s+jobid: (\d+)", line):
            jobid = m.group(1)
        elif (m := re.match(r"\s+wildcards: dataset=iris, chunk=(\d+)", line)) and jobid:
            jobs[jobid] = int(m.group(1)) + 1
    return jobs


def test_fit_jobs_show_progress_on_the_terminal_and_in_the_view(workflow: Workflow):
    """Two fit jobs of 14 items (6 fits, 8 gap fits) made to last over 12 s each (a test
    hook sleeps 1 s after each item): each prints progress lines before it finishes, with
    counts that only grow up to its total; the progress view follows the run."""
    config = tiny_config(cache_dir="results/.cache", target_job_seconds=0.0001)
    del config["fits_per_job"]  # one job per core: 2
    workflow.write_config(config)
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(workflow.path), "--cores", "2"]
    env = {**os.environ, "KMEANS_SWEEP_ITEM_DELAY": "1.0"}
    env.pop("KMEANS_SWEEP_PROGRESS", None)
    proc = subprocess.Popen(
        [*cmd, *(f"results/iris/fits/chunk{i}.parquet" for i in range(2))],  # fit jobs only
        cwd=workflow.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    views = []
    while proc.poll() is None:
        time.sleep(1.0)
        if (workflow.path / ".snakemake" / "kmeans-sweep" / "plan.json").exists():
            views.append(progress.summarize(workflow.path))
    reader.join(timeout=30)
    output = "".join(lines)
    assert proc.returncode == 0, output[-4000:]

    plan = json.loads((workflow.path / ".snakemake/kmeans-sweep/plan.json").read_text())
    totals = {j + 1: len(job["items"]) for j, job in enumerate(plan["datasets"]["iris"]["jobs"])}
    assert sorted(totals.values()) == [14, 14]  # 12 fits and 16 gap fits (k = 1 too)
    jobs = _started_jobs(output)
    assert sorted(jobs.values()) == [1, 2], output[-4000:]
    for jobid, job in jobs.items():
        finished = output.index(f"Finished jobid: {jobid} (Rule: fit_chunk)")
        mine = [
            (m, pos)
            for pos, m in _matches(output)
            if m.group(0).startswith(f"kmeans-sweep progress: iris fit job {job}:")
        ]
        assert len(mine) >= 2, output[-4000:]  # one while it runs, one at 100 %
        counts = [int(m.group(2)) for m, _ in mine]
        assert counts == sorted(set(counts)) and counts[-1] == totals[job], counts
        assert {int(m.group(3)) for m, _ in mine} == {totals[job]}
        assert mine[0][1] < finished and mine[-1][0].group(6) == "done"
    # every progress line is whole: nothing else on it, nothing of it elsewhere
    assert output.count("kmeans-sweep progress") == len(_matches(output))
    # the jobs' logs keep their lines
    # 6 fits and 8 gap fits (k = 1 too) in each job
    assert "14/14 fits done" in workflow.logs("iris", "fit_chunk0.log").read_text()

    running = [v for v in views if v["datasets"]["iris"]["jobs"]["running"] == 2]
    assert running, views
    assert 0 < running[-1]["datasets"]["iris"]["slowest"]["total"] == 14
    assert running[-1]["left"] is not None
    done = progress.summarize(workflow.path)
    assert (done["done"], done["total"], done["snakemake"]) == (28, 28, "not running")
    assert done["datasets"]["iris"]["jobs"]["finished"] == 2
    text = subprocess.run(
        [sys.executable, str(REPO / "workflow/bin/sweep-progress"), str(workflow.path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "iris: 28/28 fits (100 %); fit jobs: 2 finished, 0 running, 0 waiting" in text


def _matches(output: str) -> list[tuple[int, re.Match]]:
    found, pos = [], 0
    for line in output.splitlines(keepends=True):
        if m := LINE.match(line.rstrip("\n")):
            found.append((pos, m))
        pos += len(line)
    return found
