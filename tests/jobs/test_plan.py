"""Unit tests of the cost model and the job plan."""

from __future__ import annotations

import numpy as np
import pytest

from kmeans_sweep.fit import gap
from kmeans_sweep.jobs import cost, plan

SETTINGS = {"n_init": 1, "max_iter": 300, "silhouette_sample_size": 5000}
DEFAULT = {
    "k": list(range(2, 21)),
    "init": ["k-means++", "random", "pca"],
    "seeds": list(range(10)),
}
DIGITS = (1797, 64)
GAP_SETTINGS = {"sample_size": 5000, "n_init": 1, "max_iter": 300}


def digits_gap(sweep=DEFAULT, n_refs=10):
    items = gap.gap_items(sweep["k"], n_refs, DIGITS[0])
    return items, cost.gap_costs(*DIGITS, items, GAP_SETTINGS)


def digits_plan(
    jobs: int, sweep=DEFAULT, spu=cost.DEFAULT_SECONDS_PER_UNIT, with_gap=True
) -> plan.Plan:
    """The plan common.smk makes for digits: the sweep's fits and the gap statistic's."""
    fits = plan.fit_grid(sweep)
    costs = cost.fit_costs(*DIGITS, fits, SETTINGS, True)
    items, gap_costs = digits_gap(sweep) if with_gap else ([], None)
    return plan.make_plan(fits, costs, jobs, cost.job_units(*DIGITS, 5000), spu, items, gap_costs)


# --- cost model ---------------------------------------------------------------------------


def test_cost_grows_with_the_work():
    base = cost.fit_units(10_000, 16, 8, "k-means++", 1, 300)
    assert cost.fit_units(20_000, 16, 8, "k-means++", 1, 300) > 1.8 * base
    assert cost.fit_units(10_000, 16, 16, "k-means++", 1, 300) > 1.5 * base
    assert cost.fit_units(10_000, 16, 8, "k-means++", 4, 300) > 3.5 * base
    # pca init runs once whatever n_init; a short max_iter caps the iterations
    assert cost.fit_units(10_000, 16, 8, "pca", 4, 300) < base
    assert cost.fit_units(10_000, 16, 8, "random", 1, 5) < cost.fit_units(
        10_000, 16, 8, "random", 1, 300
    )
    assert cost.score_units(10_000, 16, 8, 5000, True) > cost.score_units(
        10_000, 16, 8, 5000, False
    )
    assert cost.score_units(10_000, 16, 8, 1000, False) < cost.score_units(
        10_000, 16, 8, 5000, False
    )


def test_default_sweep_estimate_is_in_the_measured_range():
    """570 digits fits with their scores take 8-20 s on the reference machine."""
    fits = plan.fit_grid(DEFAULT)
    seconds = cost.fit_costs(*DIGITS, fits, SETTINGS, True).sum() * cost.DEFAULT_SECONDS_PER_UNIT
    assert 5 < seconds < 20


def test_calibration_uses_recorded_jobs(tmp_path):
    assert cost.seconds_per_unit(tmp_path) == (cost.DEFAULT_SECONDS_PER_UNIT, "default")
    assert cost.seconds_per_unit(None)[1] == "default"
    for seconds in (1.0, 2.0, 3.0):
        cost.record(tmp_path, 1e9, seconds)
    cost.record(tmp_path, 0, 1.0)  # ignored
    (tmp_path / cost.TIMINGS_DIR / "broken.json").write_text("{")
    spu, source = cost.seconds_per_unit(tmp_path)
    assert spu == pytest.approx(2e-9) and source == "median of 3 recorded jobs"


def test_gap_cost_grows_with_k_and_uses_the_sample():
    settings = {**GAP_SETTINGS, "sample_size": 150}
    small = cost.gap_costs(100_000, 8, [(2, 0), (8, 0)], settings)
    assert small[1] > small[0]
    # the gap works on the sample: the data's size beyond it does not matter
    assert np.array_equal(small, cost.gap_costs(10_000_000, 8, [(2, 0), (8, 0)], settings))


# --- the plan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, fits, slots, target, cap, expected",
    [
        (10.0, 570, 8, 0.5, None, 8),  # enough work: one job per slot
        (10.0, 570, 2, 0.5, None, 2),
        (10.0, 570, 64, 0.5, None, 20),  # fewer: each job carries >= target
        (0.1, 570, 8, 0.5, None, 1),
        (10.0, 570, 8, 0.5, 50, 12),  # the cap on fits per job wins
        (100.0, 3, 8, 0.5, None, 3),  # never more jobs than fits
    ],
)
def test_job_count(total, fits, slots, target, cap, expected):
    assert plan.n_jobs(total, fits, slots, target, cap) == expected


@pytest.mark.parametrize("jobs", [1, 2, 3, 8, 13, 64])
def test_partition_covers_every_fit_once_and_is_balanced(jobs):
    p = digits_plan(jobs)
    flat = [tuple(f) for j in range(jobs) for f in p.job_fits(j)]
    assert len(flat) == len(set(flat)) == 570
    assert sorted(flat) == plan.fit_grid(DEFAULT)
    gap_flat = [tuple(i) for j in range(jobs) for i in p.job_gap(j)]
    assert sorted(gap_flat) == digits_gap()[0] and len(gap_flat) == 19 * 11
    assert all(p.job_fits(j) for j in range(jobs))  # every job has a fit to report
    assert p.balance() <= 1.25
    with pytest.raises(ValueError):
        p.job_fits(jobs)


def test_gap_items_share_the_jobs_and_leave_the_fit_plan_alone_without_them():
    """The gap statistic's fits spread over every job (no job of their own), and a plan
    without gap items is the plain LPT plan of the fits."""
    with_gap, without = digits_plan(4), digits_plan(4, with_gap=False)
    assert all(len(with_gap.job_gap(j)) > 20 for j in range(4))
    assert without.job_gap(0) == [] and without.gap == []
    parts = plan.partition(cost.fit_costs(*DIGITS, without.fits, SETTINGS, True), 4)
    assert without.parts == parts
    # the gap's work is counted: more work, so more jobs are worth starting
    fits_only = cost.fit_costs(*DIGITS, without.fits, SETTINGS, True)
    spu, target = cost.DEFAULT_SECONDS_PER_UNIT, float(fits_only.sum()) * 3e-10 / 3.5
    n_plain = plan.job_count(fits_only, 64, target, None, spu)
    assert plan.job_count(fits_only, 64, target, None, spu, digits_gap()[1]) > n_plain


def test_every_job_gets_a_fit_even_when_gap_items_cost_more():
    costs = np.array([1.0, 1.0, 5.0, 5.0, 5.0, 5.0])  # two fits, four expensive gap items
    parts = plan.partition(costs, 2, n_fits=2)
    assert sorted(i for p in parts for i in p) == list(range(6))
    assert all(any(i < 2 for i in p) for p in parts)


def test_plan_is_deterministic_and_ignores_config_order():
    shuffled = {"k": DEFAULT["k"][::-1], "init": DEFAULT["init"][::-1], "seeds": DEFAULT["seeds"]}
    a, b = digits_plan(8), digits_plan(8, shuffled)
    assert [a.job_fits(j) for j in range(8)] == [b.job_fits(j) for j in range(8)]
    # the seconds-per-unit scale changes job seconds, never which job runs which fit
    c = digits_plan(8, spu=1e-6)
    assert [a.job_fits(j) for j in range(8)] == [c.job_fits(j) for j in range(8)]
    assert c.job_seconds(0) > a.job_seconds(0)


def test_partition_balances_unequal_costs():
    costs = np.array([10.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 8, 2, 2])
    parts = plan.partition(costs, 3)
    loads = [costs[p].sum() for p in parts]
    assert sorted(i for p in parts for i in p) == list(range(len(costs)))
    assert max(loads) - min(loads) <= 1


def test_default_sweep_fills_eight_cores():
    costs = cost.fit_costs(*DIGITS, plan.fit_grid(DEFAULT), SETTINGS, True)
    gap_costs = digits_gap()[1]
    n = plan.job_count(costs, 8, 0.5, None, cost.DEFAULT_SECONDS_PER_UNIT, gap_costs)
    assert n == 8 and len(costs) == 570
    slurm = plan.job_count(costs, 100, 300, None, 5e-10, gap_costs)
    assert slurm == 1  # the default sweep is minutes of work at most: one cluster job
