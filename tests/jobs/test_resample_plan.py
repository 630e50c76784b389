"""The resampling fits as work items: which exist, what they cost, and how jobs share them."""

from __future__ import annotations

import numpy as np

from kmeans_sweep.definitions import DATA as REAL
from kmeans_sweep.jobs import cost, plan
from kmeans_sweep.jobs.resample_items import as_tuple, in_draw_order, resample_items

RES = {
    "resamples": 4,
    "fraction": 0.8,
    "null_references": 2,
    "prediction_strength_splits": 3,
    "seed": 0,
    "init": "k-means++",
    "algorithm": "lloyd",
    "n_init": 1,
    "max_iter": 300,
    "batch_size": 1024,
}
SETTINGS = {"n_init": 1, "max_iter": 300, "silhouette_sample_size": 5000}


def test_every_subsample_source_and_split_has_an_item_per_k():
    items = resample_items([3, 2, 4], 100, RES)
    cc = [i for i in items if i[0] == "cc"]
    ps = [i for i in items if i[0] == "ps"]
    assert len(cc) == 3 * 4 * 3  # sources (data + 2 nulls) x subsamples x ks
    assert len(ps) == 3 * 3  # splits x ks
    assert {i[1] for i in cc} == {REAL, 0, 1}
    assert resample_items([2, 3], 100, {**RES, "resamples": 0}) == []


def test_a_k_the_subsample_or_half_cannot_hold_has_no_items():
    items = resample_items([2, 5, 7], 12, RES)  # subsamples of 9 rows, halves of 6
    assert {i[-1] for i in items} == {2, 5}


def test_raising_resamples_only_adds_items():
    old = set(resample_items([2, 3], 100, RES))
    new = set(resample_items([2, 3], 100, {**RES, "resamples": 8}))
    assert old < new
    assert {i[2] for i in new - old} == {4, 5, 6, 7}


def test_draw_order_keeps_each_source_together_and_survives_json():
    items = resample_items([2, 3], 50, RES)
    back = [as_tuple(list(i)) for i in items]
    assert back == items
    order = in_draw_order([list(i) for i in reversed(items)])
    sources = [i[1] for i in order if i[0] == "cc"]
    assert sources == sorted(sources)  # data first (-1), then null 0, null 1: each drawn once


def test_costs_follow_the_work():
    items = [("cc", REAL, 0, 4), ("cc", 0, 0, 4), ("cc", REAL, 0, 8), ("ps", 0, 4)]
    units = cost.resample_costs(10_000, 16, items, RES)
    assert units[1] > units[0]  # a null fit takes more iterations, and the draw
    assert units[2] > 1.5 * units[0]  # twice the clusters
    assert units[3] > units[0]  # two fits on halves and the classification
    smaller = cost.resample_costs(10_000, 16, items, {**RES, "fraction": 0.5})
    assert smaller[0] < units[0]


def test_jobs_share_every_kind_of_item_exactly_once():
    fits = plan.fit_grid({"k": [2, 3, 4], "init": ["k-means++"], "seeds": [0, 1]})
    costs = cost.fit_costs(1000, 8, fits, SETTINGS, False)
    items = resample_items([2, 3, 4], 1000, RES)
    rcosts = cost.resample_costs(1000, 8, items, RES)
    p = plan.make_plan(fits, costs, 4, 0.0, 1e-9, resample=items, resample_costs=rcosts)
    got = [i for job in range(4) for i in p.job_resample(job)]
    assert sorted(got) == sorted(items)
    assert sorted(f for job in range(4) for f in p.job_fits(job)) == sorted(fits)
    assert all(p.job_gap(job) == [] for job in range(4))
    assert p.balance() < 1.25
    total = float(costs.sum() + rcosts.sum())
    assert np.isclose(sum(p.units), total)
