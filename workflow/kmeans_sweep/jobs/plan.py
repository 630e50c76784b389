"""The sweep plan: which fits exist, how many jobs run them, and which job runs which.

A job's work items are the sweep's fits and, beside them, the gap statistic's KMeans fits on
the data and its reference sets (gap.py) and the resampling evidence's fits (resample_items.py):
all are shared out by estimated cost, so they fill the same cores as the sweep instead of
holding one for a job of their own.

A plan is a pure function of the config, the data's shape and the number of jobs, so the head
process and every cluster node that re-parses the workflow derive the same fit lists.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

#: Why init pca is not fitted at k > the number of features (said at parse time, in the
#: comparison table and picture, and in docs/degenerate-data.md).
PCA_REASON = "its starting centres are the first k principal axes, and {name} has {d} features"


def pca_max_k(n_samples: int, n_features: int) -> int:
    """The largest k init pca can start (PCA has at most min(n, d) components)."""
    return min(int(n_samples), int(n_features))


def pca_skipped_ks(sweep: dict, max_k: int | None) -> list[int]:
    """The swept ks at which init pca is not fitted on a dataset (k > ``max_k``)."""
    if "pca" not in sweep["init"] or max_k is None:
        return []
    return sorted(int(k) for k in sweep["k"] if k > max_k)


def fit_grid(sweep: dict, pca_max_k: int | None = None) -> list[tuple]:
    """Every fit of the sweep, sorted, so config list order does not matter: its key
    (io.fit_key: (k, init, seed) for lloyd, (k, init, seed, algorithm) otherwise) for every
    k, init, seed and algorithm, except the (init, algorithm) pairs the algorithm does not
    support (algorithms.skipped) and, given a dataset's ``pca_max_k``, init pca at larger k."""
    from ..fit.algorithms import DEFAULT, supports
    from ..io import fit_key

    inits, seeds = sweep["init"], sweep["seeds"]
    pairs = [(i, a) for a in sweep.get("algorithm", [DEFAULT]) for i in inits if supports(a, i)]
    no_pca = set(pca_skipped_ks(sweep, pca_max_k))
    return sorted(
        fit_key(k, i, s, a)
        for k in sweep["k"]
        for i, a in pairs
        for s in seeds
        if not (i == "pca" and k in no_pca)
    )


def n_jobs(
    total_seconds: float, n_fits: int, slots: int, target_seconds: float, cap: int | None
) -> int:
    """As many jobs as parallel slots, fewer where a job would carry less than
    ``target_seconds``; at least ``n_fits / cap`` when a cap on fits per job is set."""
    n = min(slots, max(1, math.floor(total_seconds / target_seconds)))
    if cap:
        n = max(n, math.ceil(n_fits / cap))
    return max(1, min(n, n_fits))


def partition(costs: np.ndarray, n: int, n_fits: int | None = None) -> list[list[int]]:
    """Longest-processing-time-first: each item, largest first, goes to the least loaded job.

    With ``n_fits`` (items 0..n_fits-1 are fits, the rest gap items) the n largest fits are
    placed first, one per job, so that every job has a fit to report. Deterministic (ties go
    to the lower index), every item exactly once; each job's items are returned in order.
    """
    order = sorted(range(len(costs)), key=lambda i: (-costs[i], i))
    if n_fits is not None and n_fits < len(costs):
        lead = [i for i in order if i < n_fits][:n]
        chosen = set(lead)
        order = lead + [i for i in order if i not in chosen]
    heap = [(0.0, j) for j in range(n)]
    parts: list[list[int]] = [[] for _ in range(n)]
    for i in order:
        load, j = heapq.heappop(heap)
        parts[j].append(i)
        heapq.heappush(heap, (load + float(costs[i]), j))
    return [sorted(p) for p in parts]


@dataclass
class Plan:
    fits: list[tuple]  # fit keys (io.fit_key)
    parts: list[list[int]]  # item indices: fits, then gap items, then resampling items
    units: list[float]  # estimated work of each job, in cost units
    seconds_per_unit: float
    gap: list[tuple[int, int]] = field(default_factory=list)  # gap items (k, b), gap.py
    resample: list[tuple] = field(default_factory=list)  # resample_items.py

    def _items(self, job: int) -> list[int]:
        if not 0 <= job < len(self.parts):
            raise ValueError(f"job {job} out of range 0..{len(self.parts) - 1}")
        return self.parts[job]

    def _of_kind(self, job: int, start: int, items: list) -> list:
        return [items[i - start] for i in self._items(job) if start <= i < start + len(items)]

    def job_fits(self, job: int) -> list[tuple]:
        return self._of_kind(job, 0, self.fits)

    def job_gap(self, job: int) -> list[tuple[int, int]]:
        return self._of_kind(job, len(self.fits), self.gap)

    def job_resample(self, job: int) -> list[tuple]:
        return self._of_kind(job, len(self.fits) + len(self.gap), self.resample)

    def job_seconds(self, job: int) -> float:
        return self.units[job] * self.seconds_per_unit

    def balance(self) -> float:
        """The longest job's estimated work over the mean job's."""
        return max(self.units) / (sum(self.units) / len(self.units))


def job_count(
    costs: np.ndarray, slots: int, target_seconds: float, cap, spu: float, *other_costs
) -> int:
    """How many jobs a dataset's sweep (fits of these estimated costs, and the estimated
    costs of the other items: the gap statistic's, the resampling's) is split into."""
    total = float(costs.sum()) + sum(float(np.sum(c)) for c in other_costs if c is not None)
    return n_jobs(total * spu, len(costs), slots, target_seconds, cap)


def make_plan(
    fits,
    costs: np.ndarray,
    jobs: int,
    fixed_units: float,
    spu: float,
    gap=(),
    gap_costs=None,
    resample=(),
    resample_costs=None,
) -> Plan:
    """The plan for one dataset split into ``jobs`` jobs (pure: no clock, no machine).

    ``fixed_units`` is each job's own work besides its items (the silhouette distances);
    ``gap``/``gap_costs``: the gap statistic's items (k, b) and their estimated work;
    ``resample``/``resample_costs``: the resampling items (resample_items.py) and theirs."""
    gap, resample = list(gap), list(resample)
    every = np.concatenate(
        [
            costs,
            np.asarray(gap_costs if gap else [], dtype=float),
            np.asarray(resample_costs if resample else [], dtype=float),
        ]
    )
    parts = partition(every, jobs, len(fits))
    units = [fixed_units + float(every[p].sum()) for p in parts]
    return Plan(fits, parts, units, spu, gap, resample)
