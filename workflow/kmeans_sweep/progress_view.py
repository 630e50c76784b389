"""The progress of a run from what it leaves on disk, for any executor and after a crash:
``python -m kmeans_sweep.progress_view [WORKDIR]`` (with ``workflow/`` on PYTHONPATH) or
``workflow/bin/sweep-progress [WORKDIR]``.

It reads the run's plan (``.snakemake/kmeans-sweep/plan.json``, written by the head process
when the run starts: runtime/plan_file.py), then per dataset and fit job:

- finished: the job's four output files exist, and were written during this run or all its
  items are in the fit cache;
- running: not finished, and its log was opened during this run (after a crash of Snakemake:
  "stopped", started and never finished);
- waiting: the rest.

Fits done are counted exactly from the fit cache (an entry is written as each fit finishes,
with the key the job computes: jobs/cache.py), or, without a cache, from the finished jobs and
the running jobs' last progress line in their logs. Time left: each running job's own estimate
(its last log line), the waiting jobs' estimated seconds shared over the run's parallel slots.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import sys
import time
from pathlib import Path

from .runtime.plan_file import PLAN_PATH

#: a fit job's outputs (rules/fit.smk)
SUFFIXES = (".parquet", ".labels.parquet", ".centers.parquet", ".gap.parquet", ".resample.npz")
STATES = ("finished", "running", "waiting", "stopped")
LOG_LINE = re.compile(r": (\d+)/(\d+) fits done .* about ([\d.]+) s left")


def load_plan(workdir: Path) -> dict:
    path = workdir / PLAN_PATH
    if not path.exists():
        raise SystemExit(f"kmeans-sweep progress: no run plan in {path} (has a run started here?)")
    return json.loads(path.read_text())


def head_alive(plan: dict) -> bool | None:
    """Whether the run's Snakemake process still runs (None: it runs on another host)."""
    if plan.get("host") != socket.gethostname():
        return None
    try:
        cmdline = Path(f"/proc/{plan['pid']}/cmdline").read_bytes()
    except OSError:
        return False
    return b"snakemake" in cmdline


def items_done(workdir: Path, plan: dict, entry: dict, indices) -> dict[int, bool] | None:
    """{item index: in the cache} for ``indices`` of one dataset (None: no cache or no data
    hash yet, so the cache cannot say)."""
    from .io import split_key
    from .jobs.cache import FitCache

    meta = workdir / entry["meta"]
    if not plan.get("cache_dir") or not meta.exists():
        return None
    digest = json.loads(meta.read_text())["sha256"]
    root = Path(plan["cache_dir"])
    root = root if root.is_absolute() else workdir / root
    memo = plan.setdefault("listings", {})
    cache, fits, gaps = FitCache(root), cache_names(root, memo), cache_names(root / "gap", memo)
    n_fits, n_gap, done = len(entry["fits"]), len(entry["gap"]), {}
    for i in indices:
        if i < n_fits:
            k, init, seed, algorithm = split_key(tuple(entry["fits"][i]))
            done[i] = cache.key(digest, k, init, seed, plan["fit_settings"], algorithm) in fits
        elif i < n_fits + n_gap:
            k, b = entry["gap"][i - n_fits]
            done[i] = cache.gap_key(digest, k, b, plan["gap_settings"]) in gaps
        else:
            done[i] = _resample_done(cache, digest, plan, entry, i - n_fits - n_gap, root, memo)
    return done


def _resample_done(cache, digest, plan, entry, i, root, memo) -> bool:
    from .jobs.resample_items import as_tuple

    key = cache.resample_key(digest, as_tuple(entry["resample"][i]), plan["resample_settings"])
    return key in cache_names(root / "resample", memo)


def cache_names(folder: Path, memo: dict) -> frozenset[str]:
    """The keys of the entries in a fit cache folder: one listing (kept in ``memo``), not a
    stat per key."""
    if folder not in memo:
        names = set()
        with contextlib.suppress(FileNotFoundError), os.scandir(folder) as subfolders:
            for sub in subfolders:
                if len(sub.name) == 2 and sub.is_dir():
                    with os.scandir(sub.path) as entries:
                        names |= {e.name[:-4] for e in entries if e.name.endswith(".npz")}
        memo[folder] = frozenset(names)
    return memo[folder]


def last_log_progress(log: Path, now: float) -> tuple[int, float] | None:
    """(items done, seconds left now) from a job log's last progress line."""
    lines = list(LOG_LINE.finditer(log.read_text(errors="replace")))
    if not lines:
        return None
    done, _total, left = lines[-1].groups()
    return int(done), max(0.0, float(left) - (now - log.stat().st_mtime))


def job_status(workdir: Path, plan: dict, name: str, entry: dict, j: int, now: float) -> dict:
    """One fit job's state, items done (all, and of them the sweep's fits: None when only the
    log can say) and estimated seconds left."""
    job, started, n_fits = entry["jobs"][j], plan["started"], len(entry["fits"])
    outputs = [workdir / f"results/{name}/fits/chunk{j}{s}" for s in SUFFIXES]
    log = workdir / f"logs/{name}/fit_chunk{j}.log"
    total = len(job["items"])
    status = {"job": j + 1, "state": "finished", "done": total, "total": total, "left": 0.0}
    status["sweep_done"] = sum(i < n_fits for i in job["items"])
    written = all(p.exists() for p in outputs)
    if written and min(p.stat().st_mtime for p in outputs) >= started:
        return status
    cached = items_done(workdir, plan, entry, job["items"])
    done = sum(cached.values()) if cached is not None else 0
    if written and (cached is None or done == total):
        return status
    status["sweep_done"] = None if cached is None else sum(cached[i] for i in cached if i < n_fits)
    status.update(state="waiting", done=done, left=job["seconds"] * (1 - done / max(1, total)))
    if log.exists() and log.stat().st_mtime >= started:
        status["state"] = "running"
        from_log = last_log_progress(log, now)
        if from_log is not None:
            status["left"] = from_log[1]
            status["done"] = done if cached is not None else from_log[0]
    return status


def _sum_known(values):
    values = list(values)
    return None if None in values else sum(values)


def eta(jobs: list[dict], slots: int) -> float:
    """Seconds left: the slowest running job, or all remaining work over the slots."""
    running = [j["left"] for j in jobs if j["state"] == "running"]
    remaining = sum(j["left"] for j in jobs if j["state"] != "finished")
    return max(max(running, default=0.0), remaining / max(1, slots))


def summarize(workdir, now: float | None = None) -> dict:
    """The run's progress per dataset (see the module's docstring)."""
    workdir, now = Path(workdir), time.time() if now is None else now
    plan = load_plan(workdir)
    alive = head_alive(plan)
    datasets, all_jobs = {}, []
    for name, entry in plan["datasets"].items():
        jobs = [job_status(workdir, plan, name, entry, j, now) for j in range(len(entry["jobs"]))]
        if alive is False:  # nothing runs any more: started and unfinished jobs are stopped
            for job in jobs:
                job["state"] = "stopped" if job["state"] == "running" else job["state"]
        running = [j for j in jobs if j["state"] == "running"]
        datasets[name] = {
            "done": sum(j["done"] for j in jobs),
            "total": sum(j["total"] for j in jobs),
            "sweep_done": _sum_known(j["sweep_done"] for j in jobs),  # None: not known
            "jobs": {s: sum(j["state"] == s for j in jobs) for s in STATES},
            "slowest": max(running, key=lambda j: j["left"], default=None),
            "left": eta(jobs, plan["slots"]) if alive is not False else None,
            "job_list": jobs,
        }
        all_jobs += jobs
    return {
        "workdir": str(workdir),
        "started": plan["started"],
        "elapsed": now - plan["started"],
        "snakemake": {True: "running", False: "not running", None: "unknown"}[alive],
        "pid": plan["pid"],
        "done": sum(d["done"] for d in datasets.values()),
        "total": sum(d["total"] for d in datasets.values()),
        "left": eta(all_jobs, plan["slots"]) if alive is not False else None,
        "datasets": datasets,
    }


def _percent(done: int, total: int) -> str:
    return f"{100 * done // total if total else 100} %"


def render(summary: dict) -> str:
    from .jobs.progress import duration

    started = time.strftime("%H:%M:%S", time.localtime(summary["started"]))
    head = f"Snakemake {summary['snakemake']} (pid {summary['pid']})"
    lines = [f"kmeans-sweep run started {started} ({duration(summary['elapsed'])} ago), {head}"]
    for name, d in summary["datasets"].items():
        jobs = ", ".join(f"{n} {s}" for s, n in d["jobs"].items() if n or s != "stopped")
        line = f"{name}: {d['done']}/{d['total']} fits ({_percent(d['done'], d['total'])}); "
        line += f"fit jobs: {jobs}"
        if d["slowest"]:
            s = d["slowest"]
            line += f"; slowest: fit job {s['job']} ({s['done']}/{s['total']}, "
            line += f"about {duration(s['left'])} left)"
        if d["left"] is not None and d["done"] < d["total"]:
            line += f"; about {duration(d['left'])} left"
        lines.append(line)
    done, all_fits = summary["done"], summary["total"]
    total = f"all: {done}/{all_fits} fits ({_percent(done, all_fits)})"
    if summary["left"] is not None and done < all_fits:
        total += f", about {duration(summary['left'])} left (ETA "
        total += time.strftime("%H:%M:%S", time.localtime(time.time() + summary["left"])) + ")"
    elif summary["snakemake"] == "not running" and done < all_fits:
        total += "; the run stopped before the end: run the same command again to resume"
    lines.append(total)
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sweep-progress", description="Progress of a kmeans-sweep run (fits done, ETA)."
    )
    parser.add_argument("workdir", nargs="?", default=os.getcwd(), help="the run's directory")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    summary = summarize(args.workdir)
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
