"""Small and degenerate data (issue 23): no criterion picks a k the data cannot have, the
headline says what happened, and the plots hatch those ks."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
from _fitsframe import build_fits  # tests/ helper (pytest puts tests/ on sys.path)

from kmeans_sweep.choose import choose_k as ck
from kmeans_sweep.choose import degenerate, verdict
from kmeans_sweep.choose.stability import stability_table
from kmeans_sweep.definitions import DEGENERATE
from kmeans_sweep.fit.gap import gap_statistic

KS = list(range(2, 12))


@cache
def sweep(name: str):
    """(fits, gap, stability, choice) of one small file, swept like the issue: k 2..11,
    k-means++ and random, 3 seeds (n_samples as the workflow's fit rows carry it)."""
    rng = np.random.default_rng(0)
    X, ks = {
        "repeated": (np.repeat(rng.normal(size=(5, 3)) * 5, 40, axis=0), KS),  # 200 rows
        "noise12": (rng.normal(size=(12, 3)), KS),
        "three_points": (np.repeat(np.eye(3), 4, axis=0), [4, 5, 6]),  # 3 distinct < k = 4
    }[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KMeans: fewer distinct clusters than n_clusters
        fits, labels = build_fits(X, ks, seeds=range(3))
        gap = gap_statistic(X, ks, n_refs=5, random_state=0)
    fits["n_samples"] = len(X)
    stability = degenerate.mark(stability_table(labels), degenerate.degenerate_ks(fits))
    return fits, gap, stability, ck.choose_k(fits, gap, stability)


def picks(choice) -> dict:
    return verdict.picks(choice)


def test_repeated_points_every_criterion_picks_5_or_nothing():
    fits, _, _, choice = sweep("repeated")
    assert fits.groupby("k")["n_clusters"].max().to_dict() == {k: min(k, 5) for k in KS}
    got = picks(choice)
    assert all(got[c] in (5, None) for c in ck.LABEL_FREE_CRITERIA), got
    assert got["stability"] == 5  # was 11: seed stability is trivially 1 at k >= 5
    assert got["elbow"] == 5  # the best-fit inertia is zero from k = 5 on
    assert got["recommended"] == 5
    lines = verdict.headline(choice, "repeated", KS)
    assert lines[0] == "repeated: recommended k = 5 (clear)"
    assert lines[1] == (
        "KMeans found at most 5 distinct clusters: k = 6–11 are degenerate and not picked "
        "(the widest k that is not: 5)"
    )
    assert not any("widen" in line for line in lines)


def test_noise_of_12_rows_no_criterion_picks_beyond_n_over_2():
    _, _, _, choice = sweep("noise12")
    got = picks(choice)
    assert all(k is None or k <= 6 for k in got.values()), got
    rec = verdict.row(choice, "recommended")
    assert rec["confidence"] == "uncertain"
    lines = verdict.headline(choice, "noise12", KS, width=200)
    assert lines[1] == (
        "12 rows leave fewer than two points per cluster at k > 6: k = 7–11 are degenerate and "
        "not picked (the widest k that is not: 6)"
    )


def test_fewer_distinct_rows_than_the_smallest_k_gives_no_pick():
    fits, _, stability, choice = sweep("three_points")
    assert set(degenerate.degenerate_ks(fits)) == {4, 5, 6}
    assert all(k is None for k in picks(choice).values()), picks(choice)
    assert verdict.headline(choice, "three", [4, 5, 6], width=200) == [
        "three: no recommendation",
        "KMeans found at most 3 distinct clusters: every k swept (4–6) is degenerate and not "
        "picked (sweep k <= 3)",
    ]
    assert (stability["degenerate"] != "").all()
    assert verdict.diagram_ks(choice, [4, 5, 6], None) == []


def test_degenerate_ks_and_their_reasons():
    fits = pd.DataFrame(
        {"k": [2, 2, 3, 3, 4, 5], "n_clusters": [2, 2, 2, 3, 3, 5], "n_samples": 9}
    )
    bad = degenerate.degenerate_ks(fits)
    assert bad == {  # k = 3: one fit found 3 clusters, so 3 is possible
        4: "no fit found 4 clusters (at most 3)",
        5: "k > n/2 = 4.5 (fewer than two points per cluster)",
    }
    assert degenerate.degenerate_ks(fits.drop(columns="n_samples")) == {4: bad[4]}
    assert degenerate.degenerate_ks(fits, n_samples=100) == {4: bad[4]}
    marked = degenerate.mark(fits, bad)
    assert list(marked["degenerate"]) == ["", "", "", "", bad[4], bad[5]]
    assert degenerate._ranges([3, 6, 7, 8, 10]) == "3, 6–8, 10"


def test_gap_never_picks_a_degenerate_k_but_compares_with_it():
    gap = pd.DataFrame({"k": [2, 3, 4, 5], "gap": [0.1, 0.5, 0.6, 0.6], "sk": [0.1] * 4})
    assert ck.gap_pick(gap) == 3
    assert ck.gap_pick(gap, exclude={3}) == 4  # Gap(4) >= Gap(5) - s(5): 5 only compared
    assert ck.gap_pick(gap, exclude={3, 4}) is None


def test_no_degenerate_k_leaves_the_choice_unchanged():
    """On data with room for every k the table is what it was before (no n_samples column
    for the k > n/2 rule, and n = 10**6 with it, give the same table)."""
    fits, gap, stability, _ = sweep("repeated")
    small = fits[fits["k"] <= 5].drop(columns="n_samples")
    before = ck.choose_k(small, gap[gap["k"] <= 5], stability[stability["k"] <= 5])
    after = ck.choose_k(small.assign(n_samples=10**6), gap[gap["k"] <= 5],
                        stability[stability["k"] <= 5])
    pd.testing.assert_frame_equal(before, after)
    assert degenerate.PHRASE not in " ".join(before["note"])


@pytest.mark.parametrize("name", ["repeated", "three_points"])
def test_plots_hatch_the_degenerate_ks_and_say_why(name):
    import matplotlib.pyplot as plt

    from kmeans_sweep.plots import criteria, curves

    fits, gap, stability, choice = sweep(name)
    figures = [
        criteria.draw_criteria(fits, gap, stability, choice, dataset=name)[0],
        criteria.draw_stability(stability, choice, dataset=name)[0],
        curves.draw_elbow(fits, choice, dataset=name)[0],
        curves.draw_silhouette(fits, choice, dataset=name)[0],
    ]
    for fig in figures:
        labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
        assert DEGENERATE in labels, labels
    title = figures[0]._suptitle.get_text()
    assert "KMeans found at most" in title and "not picked" in " ".join(title.split())
    for fig in figures:
        plt.close(fig)


def test_the_resampling_picks_skip_degenerate_ks_too():
    """Five distinct points: every k >= 5 gives the same partition, PAC 0; the consensus pick
    must not be the widest of them."""
    ks = list(range(2, 12))
    fits = pd.DataFrame({
        "k": ks, "init": "k-means++", "seed": 0, "n_samples": 200,
        "n_clusters": [min(k, 5) for k in ks],
        "inertia": [100.0 / k if k < 5 else 0.0 for k in ks],
        "silhouette": [0.5 if k != 5 else 0.9 for k in ks],
        "calinski_harabasz": [10.0 if k != 5 else 99.0 for k in ks],
        "davies_bouldin": [1.0 if k != 5 else 0.1 for k in ks],
    })
    res = pd.DataFrame({
        "k": ks, "pac": [0.3, 0.3, 0.2] + [0.0] * 7, "null_references": 4,
        "p_rcsi": [0.5, 0.5, 0.5] + [0.001] * 7, "p_empirical": 0.2,
        "ps_mean": [0.5, 0.5, 0.5] + [1.0] * 7,
        "rcsi": 1.0, "p_beta": 0.01, "pac_ref_mean": 0.4,
    })
    choice = ck.choose_k(fits, None, None, res).set_index("criterion")
    assert choice.loc["consensus", "k"] == 5
    assert choice.loc["prediction_strength", "k"] == 5
    assert choice.loc["recommended", "k"] == 5
