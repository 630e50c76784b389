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
from conftest import REPO, SNAKEMAKE, Workflow, tiny_config

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
    """The tiny sweep on the cluster: 2 fit jobs of 6 fits, Slurm logs kept."""
    wf = Workflow(tmp_path_factory.mktemp("slurm"))
    wf.write_config(tiny_config(cache_dir=str(wf.path / "cache")))
    proc, seconds = run_on_slurm(wf, "--slurm-keep-successful-logs", "--config", "fits_per_job=6")
    if proc.returncode != 0:
        _fail("the Slurm run failed", proc)
    return wf, proc, seconds


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The same sweep with the local executor, in its own directory with its own cache."""
    wf = Workflow(tmp_path_factory.mktemp("local"))
    wf.write_config(tiny_config(cache_dir=str(wf.path / "cache")))
    start = time.monotonic()
    wf.run("--config", "fits_per_job=6", timeout=TIMEOUT)
    return wf, time.monotonic() - start


def test_slurm_profile_is_opt_in_and_sets_job_size(tmp_path, monkeypatch):
    """A dry run: without --profile no Slurm; with it, 2000 fits per job and its resources."""
    wf = Workflow(tmp_path)
    wf.write_config(tiny_config())  # 12 fits, fits_per_job 5 -> 3 fit jobs
    plain = wf.run("-n")
    plain_out = plain.stdout + plain.stderr
    assert _job_count(plain_out, "fit_chunk") == 3
    assert "profiles/slurm" not in plain_out
    assert "Using profiles" not in plain_out

    env = {"SBATCH_ACCOUNT": "my-lab", "SBATCH_PARTITION": "compute"}
    slurm = wf.run("-n", "--profile", str(PROFILE), env=env)
    out = slurm.stdout + slurm.stderr
    # the global profile and the workflow profile (profiles/default) are both used
    assert re.search(r"Using profiles \S*profiles/slurm and workflow specific profile", out)
    assert _job_count(out, "fit_chunk") == 1  # config: fits_per_job=2000
    fit = out[out.index("rule fit_chunk:") :]
    fit_resources = re.search(r"resources: (.*)", fit).group(1)
    assert "runtime=120" in fit_resources
    assert "slurm_account=my-lab" in fit_resources
    assert "slurm_partition=compute" in fit_resources

    # without the variables no account/partition is set (the plugin then guesses them); the
    # profile as Snakemake's profile parser renders it, without another dry run
    from snakemake.profiles import ProfileConfigFileParser

    with monkeypatch.context() as m:
        m.delenv("SBATCH_ACCOUNT", raising=False)
        m.delenv("SBATCH_PARTITION", raising=False)
        with open(PROFILE / "config.yaml") as stream:
            rendered = ProfileConfigFileParser().parse(stream)
    assert rendered["executor"] == "slurm"
    assert rendered["config"] == ["fits_per_job=2000"]
    assert "fit_chunk:runtime=120 * attempt" in rendered["set-resources"]
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
    for name in ("choose_k.csv", "plots/elbow.png", "plots/stability.png"):
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
    """One fit of the second dataset raises inside its Slurm job: a non-zero exit, no hang."""
    wf = Workflow(tmp_path)
    config = tiny_config(cache_dir=str(tmp_path / "cache"))
    config["datasets"]["wine"] = {"source": "wine"}
    wf.write_config(config)
    proc, seconds = run_on_slurm(
        wf, "--config", "fits_per_job=12", env={"KMEANS_SWEEP_FAIL_ON": "wine:3:random:1"}
    )
    print(f"\nfailing run: snakemake exited {proc.returncode} after {seconds:.1f} s")
    out = proc.stdout + proc.stderr
    if proc.returncode == 0:
        _fail("the run with an injected failure succeeded", proc)
    assert proc.returncode != 124, "snakemake hung until the timeout"
    assert "Error in rule fit_chunk" in out
    # the variable reached the job (sbatch --export=ALL) and show-failed-logs printed its log
    assert "injected failure for fit k=3 init=random seed=1" in out
    # retries: 2 in the profile -> three attempts at the failing job
    wine_jobs = [log for _, log in SUBMITTED.findall(out) if "rule_fit_chunk/wine_0/" in log]
    assert len(wine_jobs) == 3, wine_jobs
    assert not wf.results("wine", "fits.parquet").exists()
