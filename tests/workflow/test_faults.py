"""Never lose work, never write a wrong or half-written result."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import REPO, SNAKEMAKE, Workflow, default_sigint, tiny_config

from kmeans_sweep import progress_view as progress
from kmeans_sweep.io import atomic_path

TIMINGS = ["fit_seconds", "score_seconds"]

# 80 digits fits in 10 jobs: long enough to interrupt in the middle
MEDIUM = {
    "datasets": {"digits": {"source": "digits"}},
    "sweep": {"k": list(range(2, 10)), "init": ["k-means++", "random"], "seeds": list(range(5))},
    "choose_k": {"gap_references": 2},
    "plots": {"dpi": 50, "width": 5, "height": 3.5},
    "resampling": {"resamples": 0},  # the sweep's own fits only: the counts below are of them
    "fits_per_job": 8,
}
#: the gap statistic's items: k = 1 (the structure test) and k 2-9, each on the data and 2
#: references
GAP_ITEMS = 9 * 3


def rows(wf: Workflow, dataset: str) -> pd.DataFrame:
    fits = pd.read_parquet(wf.results(dataset, "fits.parquet"))
    return fits.drop(columns=TIMINGS).set_index(["dataset", "k", "init", "seed"]).sort_index()


@pytest.fixture(scope="module")
def medium_reference(tmp_path_factory) -> pd.DataFrame:
    wf = Workflow(tmp_path_factory.mktemp("uninterrupted"))
    wf.write_config(MEDIUM)
    wf.run()
    return rows(wf, "digits")


TERMINATING = "Terminating processes on user request"
F_SETPIPE_SZ = 1031  # Linux fcntl: set a pipe's capacity


class Run:
    """`snakemake --cores 2` in the background, its output read line by line as it comes.

    It runs in a session of its own: `interrupt(group=True)` is a terminal's Ctrl-C (SIGINT to
    Snakemake and to every job process it started), `interrupt()` is `kill -INT` on Snakemake
    alone. With `paused=True` its output goes to a one-page pipe that is not read until
    `resume_output()`, so Snakemake stalls in the middle of writing a line.
    """

    def __init__(self, wf: Workflow, *args, paused: bool = False):
        self.wf = wf
        self.lines: list[str] = []
        self.last_output = time.monotonic()
        self.facts: dict[str, object] = {}
        self._flowing = threading.Event()
        read_fd, write_fd = os.pipe()
        if paused:
            fcntl.fcntl(write_fd, F_SETPIPE_SZ, 4096)
        else:
            self._flowing.set()
        cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(wf.path), "--cores", "2", *args]
        self.proc = subprocess.Popen(
            cmd, cwd=wf.path, stdout=write_fd, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=default_sigint,  # SIGINT reaches it even if this test run ignores it
        )
        os.close(write_fd)
        self._reader = threading.Thread(target=self._read, args=(read_fd,), daemon=True)
        self._reader.start()

    def _read(self, fd: int) -> None:
        self._flowing.wait()
        with open(fd, encoding="utf-8", errors="replace") as stream:
            for line in stream:
                self.lines.append(line)
                self.last_output = time.monotonic()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def resume_output(self) -> None:
        self._flowing.set()

    def blocked_writing(self) -> bool:
        """Snakemake's main thread waits for room in its output pipe (the kernel's wait channel)."""
        wchan = Path(f"/proc/{self.proc.pid}/wchan")
        return "pipe_write" in wchan.read_text() if wchan.exists() else False

    def interrupt(self, sig=signal.SIGINT, group=False) -> None:
        self.facts.setdefault("fits cached when signalled", []).append(cache_entries(self.wf))
        self.facts.setdefault("jobs running when signalled", []).append(self.running_jobs())
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        self.proc.wait(timeout=timeout)
        self._flowing.set()
        self._reader.join(timeout=30)
        self.facts["fits cached when it ended"] = cache_entries(self.wf)
        return self.proc.returncode

    def stop(self) -> None:
        """Leave nothing behind, whatever happened (a failed test's cleanup)."""
        self._flowing.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        signal_all(job_processes(self.wf, ""), signal.SIGKILL)
        self.proc.wait(timeout=60)

    def running_jobs(self) -> list[str]:
        """The jobs Snakemake has started and not reported finished, from its own output."""
        started: dict[str, str] = {}
        rule = ""
        for line in self.output.splitlines():
            if m := re.match(r"(?:local)?rule (\w+):", line):
                rule = m.group(1)
            elif m := re.match(r"\s+jobid: (\d+)", line):
                started[m.group(1)] = rule
            elif (m := re.match(r"\s+wildcards: (.*)", line)) and started:
                last = list(started)[-1]
                started[last] += f" ({m.group(1)})"
            elif m := re.match(r"Finished jobid: (\d+)", line):
                started.pop(m.group(1), None)
        return [f"{rule} jobid {jobid}" for jobid, rule in started.items()]

    def evidence(self) -> str:
        facts = "\n".join(f"  {name}: {value}" for name, value in self.facts.items())
        return (
            f"snakemake exit code {self.proc.returncode}\n{facts}\n"
            f"  jobs started and not finished: {self.running_jobs()}\n"
            f"--- snakemake output (last 60 lines)\n{''.join(self.lines[-60:])}"
        )


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def cache_entries(wf: Workflow) -> int:
    """Fits in the cache (the gap statistic's fits are kept apart, in its gap/ folder)."""
    return len(list(wf.results(".cache").glob("??/*.npz")))


def job_processes(wf: Workflow, script: str) -> list[int]:
    """PIDs of the workflow's script processes (Snakemake runs them from .snakemake/scripts)."""
    out = subprocess.run(
        ["pgrep", "-f", f"{wf.path}/.snakemake/scripts/.*{script}"], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


def signal_all(pids, sig) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def freeze_jobs(run: Run, quiet=3.0, timeout=120.0) -> list[int]:
    """Stop (SIGSTOP) every job process of the run; return once Snakemake sits idle on them.

    Idle: at least one job frozen, no new job process in the last pass, and no output for
    `quiet` seconds (Snakemake prints every job it starts and finishes). Frozen jobs cannot
    finish, so the sweep stays unfinished and Snakemake waits until they are thawed (SIGCONT).
    """
    frozen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = set(job_processes(run.wf, "")) - frozen
        signal_all(new, signal.SIGSTOP)
        frozen |= new
        if frozen and not new and time.monotonic() - run.last_output >= quiet:
            run.facts["job processes frozen (SIGSTOP)"] = sorted(frozen)
            return sorted(frozen)
        time.sleep(0.3)
    signal_all(frozen, signal.SIGCONT)
    raise AssertionError(f"Snakemake never sat idle on frozen jobs\n{run.evidence()}")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "group"),
    [(signal.SIGINT, False), (signal.SIGINT, True), (signal.SIGKILL, False)],
    ids=["SIGINT", "Ctrl-C", "SIGKILL"],
)
def test_interrupted_run_resumes_without_recomputing(workflow, medium_reference, sig, group):
    """Stop a run mid-sweep while fit jobs demonstrably run; the same command again computes
    only the fits that no job had finished.

    SIGINT is `kill -INT` on Snakemake alone (it lets the running jobs finish); Ctrl-C hits the
    whole process group (the running jobs die too). The jobs are frozen while the signal is
    sent, so the sweep cannot finish first and Snakemake is not in the middle of printing a
    line (a SIGINT that arrives then has a test of its own: the one after this one).
    """
    workflow.write_config(MEDIUM)
    run = Run(workflow)
    try:
        assert wait_for(lambda: cache_entries(workflow) >= 12), f"no progress\n{run.evidence()}"
        frozen = freeze_jobs(run)
        run.interrupt(sig, group=group)
        if sig == signal.SIGINT:  # Snakemake waits for its running jobs: let them go on
            wait_for(lambda: TERMINATING in run.output, timeout=60)
        signal_all(frozen, signal.SIGCONT)
        returncode = run.wait(timeout=120)
        assert returncode != 0, f"the run did not stop\n{run.evidence()}"
        if sig == signal.SIGINT:
            assert TERMINATING in run.output, run.evidence()
        # after SIGKILL the running jobs are orphans: let them end (they are killed or finish)
        assert wait_for(lambda: not job_processes(workflow, ""), timeout=120), run.evidence()
    finally:
        run.stop()
    done_before = cache_entries(workflow)
    assert 12 <= done_before < 80, f"{done_before} fits cached at the end\n{run.evidence()}"
    assert not workflow.results("digits", "fits.parquet").exists(), run.evidence()
    # the progress view counts exactly the fits that were finished (and the gap fits)
    view = progress.summarize(workflow.path)
    gap_done = len(list(workflow.results(".cache", "gap").glob("??/*.npz")))
    assert view["snakemake"] == "not running" and view["total"] == 80 + GAP_ITEMS
    assert view["datasets"]["digits"]["sweep_done"] == done_before
    assert view["done"] == done_before + gap_done < 80 + GAP_ITEMS
    if sig == signal.SIGKILL:  # a hard kill leaves Snakemake's lock behind (README: --unlock)
        workflow.run("--unlock")
    workflow.clear_logs()
    workflow.run()  # the README's command again; the default profile adds --rerun-incomplete
    computed, cached = workflow.fit_counts("digits")
    assert computed == 80 - done_before, (computed, cached, done_before)
    pd.testing.assert_frame_equal(rows(workflow, "digits"), medium_reference)
    view = progress.summarize(workflow.path)
    assert view["done"] == view["total"] == 80 + GAP_ITEMS
    assert view["datasets"]["digits"]["jobs"]["finished"] == 10


@pytest.mark.slow
def test_sigint_while_snakemake_writes_output_stops_the_run(workflow):
    """Snakemake 9.27.1 alone drops a SIGINT that arrives while it is writing a line of output
    (its log handler swallows the KeyboardInterrupt) and runs on; kmeans_sweep/ctrl_c.py holds
    it until the line is written. Stall Snakemake's output, send SIGINT in exactly that phase,
    let the output flow again: the run stops at the first signal.
    """
    workflow.write_config(MEDIUM)
    run = Run(workflow, paused=True)
    try:
        if not Path(f"/proc/{run.proc.pid}/wchan").exists():
            pytest.skip("no /proc/<pid>/wchan: cannot see where Snakemake waits")
        run.facts["stalled writing output"] = wait_for(run.blocked_writing)
        assert run.facts["stalled writing output"], run.evidence()
        run.interrupt()
        time.sleep(1.0)  # still stalled: the interrupt meets Snakemake inside its log handler
        run.facts["still writing when signalled"] = run.blocked_writing()
        run.resume_output()
        returncode = run.wait(timeout=120)
    finally:
        run.stop()
    assert run.facts["still writing when signalled"], run.evidence()
    assert returncode != 0 and TERMINATING in run.output, run.evidence()
    assert cache_entries(workflow) < 80, run.evidence()
    assert not workflow.results("digits", "fits.parquet").exists(), run.evidence()


@pytest.mark.slow
def test_killed_job_leaves_no_half_written_output(workflow, medium_reference):
    workflow.write_config(MEDIUM)
    run = Run(workflow)
    try:
        assert wait_for(lambda: job_processes(workflow, "fit_chunk.py")), run.evidence()
        frozen = freeze_jobs(run, quiet=0.5)  # no victim can finish before it is killed
        victims = [pid for pid in job_processes(workflow, "fit_chunk.py") if pid in frozen]
        run.facts["fit job processes killed"] = victims
        assert victims, run.evidence()
        signal_all(victims, signal.SIGKILL)
        signal_all(frozen, signal.SIGCONT)
        returncode = run.wait(timeout=300)
    finally:
        run.stop()
    assert returncode != 0 and "Error in rule fit_chunk" in run.output, run.evidence()
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
