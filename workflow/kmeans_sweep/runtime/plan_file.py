"""What the head process leaves for the progress view (``kmeans_sweep.progress_view``): the run's
plan in ``.snakemake/kmeans-sweep/plan.json`` (every dataset's fit jobs and each job's items,
what the items' cache keys depend on, the parallel slots, who runs it), written once the DAG
is built (``onstart`` in common.smk, so never in a dry run); and the switch that keeps the fit
jobs' progress lines off the terminal under Snakemake's ``--quiet`` (and under the live
display of ``--logger rich``).
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

from ..io import atomic_path

PLAN_PATH = Path(".snakemake") / "kmeans-sweep" / "plan.json"
SWITCH = "KMEANS_SWEEP_PROGRESS"  # fit.progress reads it in the jobs; 0 turns the lines off
LIVE_LOGGERS = {"rich"}  # logger plugins that redraw a region of the terminal


def quiet_progress(quiet) -> bool:
    """Whether Snakemake's --quiet setting (a set of snakemake.settings.enums.Quietness, None
    without --quiet; plain --quiet is {RULES, PROGRESS}) hides progress."""
    names = {getattr(q, "name", str(q)).upper() for q in quiet or ()}
    return bool(names & {"PROGRESS", "ALL"})


def follow_output(settings, environ=os.environ, tty: bool | None = None) -> None:
    """Export SWITCH=0 to the jobs this process starts when Snakemake's output settings
    (workflow.output_settings) hide progress (--quiet), or when a logger plugin that redraws
    a live display (--logger rich) draws on a terminal: a line written under it would be
    erased at its next refresh and leave a stale line of its display behind."""
    tty = sys.stderr.isatty() if tty is None else tty
    live = LIVE_LOGGERS & set(getattr(settings, "log_handler_settings", None) or ())
    if quiet_progress(settings.quiet) or (live and tty):
        environ[SWITCH] = "0"


def dataset_entry(meta: str, fits, gap, parts, seconds, resample=()) -> dict:
    """One dataset's plan: its prepared data's meta.json (whose sha256 the cache keys use),
    the sweep's fit keys, the gap items (k, b), the resampling items, each job's item indices
    (fits first, then gap items, then resampling items, as in fit.plan.Plan) and estimated
    seconds."""
    return {
        "meta": str(meta),
        "fits": [list(f) for f in fits],
        "gap": [list(g) for g in gap],
        "resample": [list(r) for r in resample],
        "jobs": [
            {"items": [int(i) for i in p], "seconds": round(float(s), 3)}
            for p, s in zip(parts, seconds, strict=True)
        ],
    }


def write_plan(
    datasets: dict,
    *,
    fit_settings,
    gap_settings,
    cache_dir,
    slots,
    resample_settings=None,
    path=PLAN_PATH,
):
    """Write the run's plan (atomically); ``datasets``: {name: dataset_entry(...)}."""
    plan = {
        "version": 1,
        "started": time.time(),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "slots": int(slots),
        "cache_dir": cache_dir,
        "fit_settings": fit_settings,
        "gap_settings": gap_settings,
        "resample_settings": resample_settings or {},
        "datasets": datasets,
    }
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(plan, separators=(",", ":")))
    return Path(path)
