"""The workflow on a real Slurm cluster through profiles/slurm (cluster: tests/slurm/cluster.sh).

The cluster tests are skipped when the cluster is not running, unless CI is set: then they fail
(CI starts the cluster before pytest). `pytest -s tests/test_slurm.py` prints the wall times.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, RESAMPLING, SNAKEMAKE, Workflow, tiny_config

PROFILE = REPO / "profiles" / "slurm"
CLUSTER_SH = REPO / "tests" / "slurm" / "cluster.sh"
TIMEOUT = 600  # seconds; SIGINT makes Snakemake scancel its jobs (it ignores SIGTERM)
# Poll the test cluster every 2 s instead of the plugin's 40 s first wait. --slurm-no-account is
# accepted but not read by plugin 2.8.0 (the account guess fails harmlessly here).
FAST_POLLING = [
    "--slurm-no-account",
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "2",
]
TIMING_COLUMNS = ["fit_seconds", "score_seconds"]
SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+) \(log: (\S+)\)")


def _cluster_status() -> tuple[bool, str]:
    try:
        proc = subprocess.run(
            ["bash", str(CLUSTER_SH), "status"], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        return False, "`cluster.sh status` timed out"
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


@pytest.fixture(scope="module")
def slurm_cluster():
    up, status = _cluster_status()
    if not up:
        said = "; ".join(line.strip() for line in status.splitlines())[:300] or "no output"
        message = (
            "the Slurm test cluster is not running (start it with "
            f"`bash tests/slurm/cluster.sh start`; status: {said})"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)


def _cluster_logs() -> str:
    proc = subprocess.run(
        ["bash", str(CLUSTER_SH), "logs", "20"], capture_output=True, text=True, timeout=60
    )
    return proc.stdout[-4000:]


def run_on_slurm(wf: Workflow, *args, env=None) -> tuple[subprocess.CompletedProcess, float]:
    """Run the workflow with the Slurm profile, bounded by `timeout -s INT`; (process, seconds)."""
    cmd = [
        *("timeout", "-s", "INT", "-k", "30", str(TIMEOUT)),
        *(SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(wf.path)),
        *("--profile", str(PROFILE), *FAST_POLLING, *args),
    ]
    start = time.monotonic()
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT + 60,
        env={**os.environ, **(env or {})},
        cwd=wf.path,
    )
    return proc, time.monotonic() - start


def _fail(what: str, proc: subprocess.CompletedProcess) -> None:
    raise AssertionError(
        f"{what} (rc {proc.returncode}): {' '.join(map(str, proc.args))}\n"
        f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-8000:]}\n"
        f"--- cluster logs\n{_cluster_logs()}"
    )


def _job_count(output: str, rule: str) -> int:
    """How many jobs of `rule` the Job stats table of a (dry) run lists."""
    match = re.search(rf"^{rule}\s+(\d+)\s*$", output, re.MULTILINE)
    assert match, f"no {rule} in the job stats:\n{output[-3000:]}"
    return int(match.group(1))


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, tmp_path_factory):
    """The tiny sweep with resampling on the cluster: 2 fit jobs of 6 fits, Slurm logs kept."""
    wf = Workflow(tmp_path_factory.mktemp("slurm"))
    wf.write_config(tiny_config(cache_dir=str(wf.path / "cache"), resampling=RESAMPLING))
    proc, seconds = run_on_slurm(wf, "--slurm-keep-successful-logs", "--config", "fits_per_job=6")
    if proc.returncode != 0:
        _fail("the Slurm run failed", proc)
    return wf, proc, seconds


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The same sweep with the local executor, in its own directory with its own cache."""
    wf = Workflow(tmp_path_factory.mktemp("local"))
    wf.write_config(tiny_config(cache_dir=str(wf.path / "cache"), resampling=RESAMPLING))
    start = time.monotonic()
    wf.run("--config", "fits_per_job=6", timeout=TIMEOUT)
    return wf, time.monotonic() - start


def test_slurm_profile_is_opt_in_and_sizes_jobs_by_work(tmp_path, monkeypatch):
    """Dry runs: without --profile no Slurm; with it, jobs of minutes of estimated work, and a
    runtime request from each job's estimate."""
    wf = Workflow(tmp_path)
    wf.write_config({"datasets": {"digits": {"source": "digits"}}})  # the default 570 fits
    plain_out = "".join(wf.run("-n", "--cores", "4").stdout)
    assert _job_count(plain_out, "fit_chunk") == 4  # one job per core
    assert "profiles/slurm" not in plain_out
    assert "Using profiles" not in plain_out

    env = {"SBATCH_ACCOUNT": "my-lab", "SBATCH_PARTITION": "compute"}
    slurm = wf.run("-n", "--profile", str(PROFILE), env=env)
    out = slurm.stdout + slurm.stderr
    # the global profile and the workflow profile (profiles/default) are both used
    assert re.search(r"Using profiles \S*profiles/slurm and workflow specific profile", out)
    assert _job_count(out, "fit_chunk") == 1  # seconds of work: less than target_job_seconds=300
    fit = out[out.index("rule fit_chunk:") :]
    fit_resources = re.search(r"resources: (.*)", fit).group(1)
    assert "runtime=5," in fit_resources  # the floor: 3 x seconds of work + 2 minutes < 5 minutes
    assert "slurm_account=my-lab" in fit_resources
    assert "slurm_partition=compute" in fit_resources
    # with little work per job, as many jobs as the profile's 100 slots allow
    small = wf.run("-n", "--profile", str(PROFILE), "--config", "target_job_seconds=0.01")
    assert _job_count(small.stdout + small.stderr, "fit_chunk") == 100

    # without the variables no account/partition is set (the plugin then guesses them); the
    # profile as Snakemake's profile parser renders it, without another dry run
    from snakemake.profiles import ProfileConfigFileParser

    with monkeypatch.context() as m:
        m.delenv("SBATCH_ACCOUNT", raising=False)
        m.delenv("SBATCH_PARTITION", raising=False)
        with open(PROFILE / "config.yaml") as stream:
            rendered = ProfileConfigFileParser().parse(stream)
    assert rendered["executor"] == "slurm"
    assert rendered["config"] == ["target_job_seconds=300"]
    assert not any(r.startswith("fit_chunk:") for r in rendered.get("set-resources", []))
    assert not any(r.startswith("slurm_") for r in rendered["default-resources"])


@pytest.mark.slurm
def test_slurm_run_matches_local_run(slurm_run, local_run):
    wf, _, slurm_seconds = slurm_run
    local_wf, local_seconds = local_run
    print(
        f"\ntiny sweep wall time: Slurm {slurm_seconds:.1f} s,"
        f" local --cores 2 {local_seconds:.1f} s"
    )
    timing = {"slurm_seconds": round(slurm_seconds, 1), "local_seconds": round(local_seconds, 1)}
    wf.results("slurm_timing.json").write_text(json.dumps(timing, indent=2) + "\n")

    on_slurm = pd.read_parquet(wf.results("iris", "fits.parquet"))
    local = pd.read_parquet(local_wf.results("iris", "fits.parquet"))
    assert len(on_slurm) == 3 * 2 * 2
    pd.testing.assert_frame_equal(
        on_slurm.drop(columns=TIMING_COLUMNS), local.drop(columns=TIMING_COLUMNS)
    )
    # the resampling fits, shared over the cluster jobs, give the local run's table
    pd.testing.assert_frame_equal(
        pd.read_parquet(wf.results("iris", "resampling.parquet")),
        pd.read_parquet(local_wf.results("iris", "resampling.parquet")),
    )
    for name in ("choose_k.csv", "plots/elbow.png", "plots/stability.png", "plots/resampling.png"):
        assert wf.results("iris", name).exists(), name
    # every fit was computed once, in the cluster jobs, and went to the run's own cache
    assert wf.fit_counts("iris") == (12, 0)
    assert any((wf.path / "cache").rglob("*"))


@pytest.mark.slurm
def test_jobs_ran_as_slurm_jobs(slurm_run):
    wf, proc, _ = slurm_run
    out = proc.stdout + proc.stderr
    run_id = re.search(r"SLURM run ID: (\S+)", out).group(1)
    submitted = SUBMITTED.findall(out)
    slurm_logs = wf.path / ".snakemake" / "slurm_logs"
    rules = [Path(log).relative_to(slurm_logs).parts[0] for _, log in submitted]
    assert rules.count("rule_fit_chunk") == 2  # 12 fits, 6 per job
    assert "rule_prepare_dataset" in rules
    # the localrules ran in the Snakemake process, not as Slurm jobs
    assert "rule_aggregate_fits" not in rules and "rule_plot_sweep" not in rules
    assert "localrule aggregate_fits:" in out and "localrule plot_sweep:" in out

    # Slurm's accounting has every submitted job (job name = the run ID), all COMPLETED
    sacct = subprocess.run(
        ["sacct", "-n", "-X", "-P", "-S", "now-1hours", "--name", run_id, "-o", "JobID,State"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    states = dict(line.split("|") for line in sacct.stdout.split())
    assert sorted(states) == sorted(jobid for jobid, _ in submitted)
    assert set(states.values()) == {"COMPLETED"}, states

    # --slurm-keep-successful-logs kept Slurm's log of every job
    for jobid, log in submitted:
        text = Path(log).read_text()
        assert "--mode remote" in text, f"Slurm log of job {jobid} is not a Snakemake job"


@pytest.mark.slurm
def test_failing_cluster_job_stops_the_run(slurm_cluster, tmp_path):
    """One fit raises inside its Slurm job: it is retried, then the run exits non-zero, no
    hang. The fits only (the plots' jobs would add nothing but minutes of Slurm overhead), and
    one retry instead of the profile's two: the plugin notices a finished job only at its next
    status check, 10 s later after each check that finds none (its backoff), so each attempt
    costs about half a minute here; the cancelled-job test below also runs with retries."""
    wf = Workflow(tmp_path)
    config = tiny_config(cache_dir=str(tmp_path / "cache"))
    config["datasets"] = {"wine": {"source": "wine"}}
    wf.write_config(config)
    env = {"KMEANS_SWEEP_FAIL_ON": "wine:3:random:1"}
    target = "results/wine/fits.parquet"  # before --config, which takes every value after it
    proc, seconds = run_on_slurm(
        wf, target, "--retries", "1", "--config", "fits_per_job=12", env=env
    )
    print(f"\nfailing run: snakemake exited {proc.returncode} after {seconds:.1f} s")
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        _fail("the run with an injected failure succeeded", proc)
    assert proc.returncode != 124, "snakemake hung until the timeout"
    assert "Error in rule fit_chunk" in out
    # the variable reached the job (sbatch --export=ALL) and show-failed-logs printed its log
    assert "injected failure for fit k=3 init=random seed=1" in out
    # --retries 1 -> two attempts at the failing job
    wine_jobs = [log for _, log in SUBMITTED.findall(out) if "rule_fit_chunk/wine_0/" in log]
    assert len(wine_jobs) == 2, wine_jobs
    assert not wf.results("wine", "fits.parquet").exists()


# --- many jobs at once, one of them cancelled ---------------------------------------------

BLOBS = {
    "datasets": {
        "blobs": {"source": "blobs", "n_samples": 100_000, "n_features": 16, "centers": 6}
    },
    "sweep": {"k": list(range(2, 12)), "init": ["k-means++", "random"], "seeds": [0, 1, 2, 3]},
    "choose_k": {"gap_references": 2},
    "plots": {"dpi": 50, "width": 5, "height": 3.5},
    "resampling": {"resamples": 0},  # the sweep and the gap: the resampling has its own test
}


class _Reader:
    """Collects a process's output lines in a thread, so the test can watch it while it runs."""

    def __init__(self, proc: subprocess.Popen):
        import threading

        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)


def _sacct_jobs(run_id: str) -> list[dict]:
    out = subprocess.run(
        [
            "sacct",
            "-n",
            "-X",
            "-P",
            "-S",
            "now-1hours",
            "--name",
            run_id,
            "-o",
            "JobID,State,Start,End",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    keys = ["id", "state", "start", "end"]
    return [dict(zip(keys, line.split("|"), strict=False)) for line in out.splitlines()]


def _max_overlap(jobs: list[dict]) -> int:
    from datetime import datetime

    events = []
    for job in jobs:
        if job["start"] in ("", "Unknown", "None") or job["end"] in ("", "Unknown"):
            continue
        events += [(datetime.fromisoformat(job["start"]), 1)]
        events += [(datetime.fromisoformat(job["end"]), -1)]
    running = best = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):
        running += step
        best = max(best, running)
    return best


def _running_fit_job(wf: Workflow, submitted: list[tuple[str, str]]) -> str | None:
    """A fit job's Slurm ID whose workflow log shows finished fits but not the end."""
    for jobid, log in submitted:
        if "rule_fit_chunk" not in log:
            continue
        chunk = Path(log).parent.name.rsplit("_", 1)[-1]
        wf_log = wf.logs("blobs", f"fit_chunk{chunk}.log")
        text = wf_log.read_text() if wf_log.exists() else ""
        if re.search(r": [1-9]\d*/\d+ fits done", text) and "computed," not in text:
            return jobid
    return None


BLOBS_FITS = "results/blobs/fits.parquet"
PROGRESS = REPO / "workflow" / "bin" / "sweep-progress"


class _ProgressView:
    """The progress command on the run's directory, started at once in the background;
    ``result()``: (its --json numbers, its text)."""

    def __init__(self, wf: Workflow):
        import sys

        cmd = [sys.executable, str(PROGRESS), str(wf.path)]
        self.procs = [
            subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in (cmd, [*cmd, "--json"])
        ]

    def result(self) -> tuple[dict, str]:
        text, numbers = (p.communicate(timeout=120)[0] for p in self.procs)
        assert all(p.returncode == 0 for p in self.procs), text
        return json.loads(numbers), text


def _progress_view(wf: Workflow) -> tuple[dict, str]:
    return _ProgressView(wf).result()


def n_jobs(view: dict) -> int:
    return sum(view["datasets"]["blobs"]["jobs"].values())


@pytest.fixture(scope="module")
def blobs_local(tmp_path_factory):
    wf = Workflow(tmp_path_factory.mktemp("blobs-local"))
    wf.write_config(BLOBS)
    wf.run(BLOBS_FITS, timeout=TIMEOUT)
    return pd.read_parquet(wf.results("blobs", "fits.parquet"))


@pytest.mark.slurm
def test_cancelled_job_is_retried_and_the_run_completes(slurm_cluster, blobs_local, tmp_path):
    """80 fits of 100,000 x 16 blobs with 3 s of work per job: several jobs run at once on the
    8-CPU test cluster; one is scancel'ed mid-run; the run still completes, without a hang,
    and its rows equal a local run's."""
    wf = Workflow(tmp_path)
    wf.write_config(BLOBS)
    cmd = [
        *("timeout", "-s", "INT", "-k", "30", str(TIMEOUT)),
        *(SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(wf.path)),
        BLOBS_FITS,  # the sweep's fits and their table; the plots have a test of their own
        *("--profile", str(PROFILE), *FAST_POLLING, "--config", "target_job_seconds=3"),
    ]
    proc = subprocess.Popen(
        cmd, cwd=wf.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    reader = _Reader(proc)
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and proc.poll() is None and time.monotonic() < deadline:
        victim = _running_fit_job(wf, SUBMITTED.findall(reader.text()))
        time.sleep(0.2)
    assert victim, f"no fit job was seen running:\n{reader.text()[-3000:]}"
    # the progress command from the head node while the jobs run (started alongside the
    # scancel: it takes seconds to start, and the victim must not finish first)
    during = _ProgressView(wf)
    subprocess.run(["scancel", victim], check=True, timeout=60)
    during = during.result()
    proc.wait(timeout=TIMEOUT + 60)
    reader.thread.join(timeout=10)
    out = reader.text()
    if proc.returncode != 0:
        raise AssertionError(f"the run failed (rc {proc.returncode}):\n{out[-6000:]}")
    after = _progress_view(wf)
    print(f"\nprogress view during the run:\n{during[1]}\nand after it:\n{after[1]}")
    blobs = during[0]["datasets"]["blobs"]
    assert during[0]["snakemake"] == "running" and blobs["jobs"]["running"] >= 1, during[1]
    assert blobs["slowest"] is not None and during[0]["done"] < during[0]["total"], during[1]
    assert after[0]["done"] == after[0]["total"] == 80 + 11 * 3, after[1]  # fits, gap fits (k 1-10)
    assert after[0]["datasets"]["blobs"]["jobs"]["finished"] == n_jobs(after[0]), after[1]
    assert "blobs: 113/113 fits (100 %)" in after[1]

    run_id = re.search(r"SLURM run ID: (\S+)", out).group(1)
    jobs = _sacct_jobs(run_id)
    states = {job["id"]: job["state"] for job in jobs}
    assert states[victim].startswith("CANCELLED"), states
    assert f"SLURM-job '{victim}' failed, SLURM status is: 'CANCELLED'" in out
    fit_jobs = [
        j
        for j in jobs
        if j["id"] in {i for i, log in SUBMITTED.findall(out) if "rule_fit_chunk" in log}
    ]
    n_planned = len(
        {Path(log).parent.name for _, log in SUBMITTED.findall(out) if "rule_fit_chunk" in log}
    )
    assert n_planned >= 4, n_planned
    assert len(fit_jobs) == n_planned + 1  # the cancelled job ran again
    assert _max_overlap(fit_jobs) >= 4, fit_jobs

    rows = pd.read_parquet(wf.results("blobs", "fits.parquet"))
    pd.testing.assert_frame_equal(
        rows.drop(columns=TIMING_COLUMNS), blobs_local.drop(columns=TIMING_COLUMNS)
    )
    # the retried job took the fits its cancelled attempt had finished from the cache
    computed, cached = wf.fit_counts("blobs")
    assert computed + cached == 80 and cached > 0, (computed, cached)
