"""The sweep plan: which fits exist, how many jobs run them, and which job runs which.

A plan is a pure function of the config, the data's shape and the number of jobs, so the head
process and every cluster node that re-parses the workflow derive the same fit lists.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np


def fit_grid(sweep: dict) -> list[tuple]:
    """Every fit of the sweep, sorted, so config list order does not matter: its key
    (io.fit_key: (k, init, seed) for lloyd, (k, init, seed, algorithm) otherwise) for every
    k, init, seed and algorithm, except the (init, algorithm) pairs the algorithm does not
    support (algorithms.skipped)."""
    from .algorithms import DEFAULT, supports
    from .io import fit_key

    inits, seeds = sweep["init"], sweep["seeds"]
    pairs = [(i, a) for a in sweep.get("algorithm", [DEFAULT]) for i in inits if supports(a, i)]
    return sorted(fit_key(k, i, s, a) for k in sweep["k"] for i, a in pairs for s in seeds)


def n_jobs(
    total_seconds: float, n_fits: int, slots: int, target_seconds: float, cap: int | None
) -> int:
    """As many jobs as parallel slots, fewer where a job would carry less than
    ``target_seconds``; at least ``n_fits / cap`` when a cap on fits per job is set."""
    n = min(slots, max(1, math.floor(total_seconds / target_seconds)))
    if cap:
        n = max(n, math.ceil(n_fits / cap))
    return max(1, min(n, n_fits))


def partition(costs: np.ndarray, n: int) -> list[list[int]]:
    """Longest-processing-time-first: each fit, largest first, goes to the least loaded job.

    Deterministic (ties go to the lower index), every fit exactly once; each job's fits are
    returned in grid order.
    """
    order = sorted(range(len(costs)), key=lambda i: (-costs[i], i))
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
    parts: list[list[int]]
    units: list[float]  # estimated work of each job, in cost units
    seconds_per_unit: float

    def job_fits(self, job: int) -> list[tuple]:
        if not 0 <= job < len(self.parts):
            raise ValueError(f"job {job} out of range 0..{len(self.parts) - 1}")
        fits = self.fits
        return [fits[i] for i in self.parts[job]]

    def job_seconds(self, job: int) -> float:
        return self.units[job] * self.seconds_per_unit

    def balance(self) -> float:
        """The longest job's estimated work over the mean job's."""
        return max(self.units) / (sum(self.units) / len(self.units))


def job_count(costs: np.ndarray, slots: int, target_seconds: float, cap, spu: float) -> int:
    """How many jobs a dataset's sweep (fits of these estimated costs) is split into."""
    return n_jobs(float(costs.sum()) * spu, len(costs), slots, target_seconds, cap)


def make_plan(fits, costs: np.ndarray, jobs: int, fixed_units: float, spu: float) -> Plan:
    """The plan for one dataset split into ``jobs`` jobs (pure: no clock, no machine).

    ``fixed_units`` is each job's own work besides its fits (the silhouette distances)."""
    parts = partition(costs, jobs)
    units = [fixed_units + float(costs[p].sum()) for p in parts]
    return Plan(fits, parts, units, spu)
