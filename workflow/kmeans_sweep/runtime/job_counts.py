"""How many fit jobs each dataset got, remembered per plan: the count depends on the cost
model's calibration (seconds per unit of work, from the timings earlier jobs recorded), and
the jobs' params hold the fits dealt to each job, so a recalibration alone would rerun a
complete run's fit jobs (from the cache) and every step after them. With the plan's key
unchanged (the dataset's shape, its fits, gap and resampling items, their settings, the
parallel slots, target_job_seconds and fits_per_job), the count of the last run is kept: an
identical command after a complete run does nothing. A new key (an edit, another --cores)
computes the count again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..io import atomic_path

PATH = Path(".snakemake") / "kmeans-sweep" / "job_counts.json"


def plan_key(*parts) -> str:
    """A short hash of everything the job count of a plan may depend on, but the timings."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remembered(dataset: str, key: str, compute, path: Path = PATH) -> int:
    """The dataset's job count of the last run with this key, else ``compute()`` (stored)."""
    path = Path(path)
    try:
        known = json.loads(path.read_text())
    except (OSError, ValueError):
        known = {}
    entry = known.get(dataset)
    if isinstance(entry, dict) and entry.get("key") == key:
        return int(entry["jobs"])
    jobs = int(compute())
    known[dataset] = {"key": key, "jobs": jobs}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(known, indent=1, sort_keys=True))
    return jobs
