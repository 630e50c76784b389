"""Unit tests for kmeans_sweep.choose_k and kmeans_sweep.choose_k_plots."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _fitsframe import build_fits  # tests/ helper (pytest puts tests/ on sys.path)
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from kmeans_sweep.choose import choose_k as ck
from kmeans_sweep.choose import knee
from kmeans_sweep.choose import stability as stab
from kmeans_sweep.fit.gap import gap_statistic
from kmeans_sweep.plots import criteria as ckp
from kmeans_sweep.plots.silhouette import plot_silhouette_diagram

kneed = pytest.importorskip("kneed")


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def separated_centers(
    n: int, d: int = 3, min_dist: float = 12.0, seed: int = 0, box: float = 20.0
) -> np.ndarray:
    """n random centres in [-box, box]^d, pairwise at least min_dist apart."""
    rng = np.random.default_rng(seed)
    centers: list[np.ndarray] = []
    while len(centers) < n:
        p = rng.uniform(-box, box, d)
        if all(np.linalg.norm(p - q) >= min_dist for q in centers):
            centers.append(p)
    return np.array(centers)


@cache
def blob_sweep(n_centers: int, seed: int = 0):
    """Well-separated blobs (sd 1, centres >= 12 apart), swept over k x init x seed."""
    X, y = make_blobs(
        n_samples=500,
        centers=separated_centers(n_centers, seed=seed),
        cluster_std=1.0,
        random_state=seed,
    )
    ks = range(2, 11) if n_centers < 8 else range(2, 13)
    fits, labels = build_fits(X, ks, inits=("k-means++", "random"), seeds=range(5), y=y)
    gap = gap_statistic(X, ks, n_refs=5, random_state=0)
    stability = stab.stability_table(labels)
    return X, y, fits, labels, gap, stability


def by_criterion(choice: pd.DataFrame) -> pd.DataFrame:
    return choice.set_index("criterion")


def assert_png_ok(path: Path, min_bytes: int = 5_000) -> None:
    assert path.exists(), path
    assert path.stat().st_size > min_bytes
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 200
    assert float(img[..., :3].std()) > 0.01
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}")]
    assert leftovers == []


# --------------------------------------------------------------------------- #
# kneedle
# --------------------------------------------------------------------------- #
def _kneed(x, y, **kw):
    knee = kneed.KneeLocator(x, y, **kw).knee
    return None if knee is None else float(knee)


ELBOW_CURVES = {
    "inverse_square": (np.arange(2, 12), 1000 / np.arange(2, 12) ** 2),
    "exp_decay": (np.arange(1, 21), np.exp(-np.arange(1, 21) / 3.0)),
    "piecewise": (np.arange(1, 9), np.array([10, 4, 1, 0.8, 0.6, 0.4, 0.2, 0.0])),
    "uneven_x": (
        np.array([1, 2, 3, 5, 8, 13, 21, 34]),
        np.array([100.0, 60, 35, 20, 14, 11, 10, 9.5]),
    ),
    "log_inertia_like": (np.arange(2, 21), 1e5 * np.arange(2, 21) ** -0.45),
}


@pytest.mark.parametrize("name", sorted(ELBOW_CURVES))
def test_kneedle_matches_kneed_default_on_elbow_curves(name):
    x, y = ELBOW_CURVES[name]
    ours = knee.kneedle(x, y)  # defaults: convex, decreasing, S=1
    ref = _kneed(x, y, curve="convex", direction="decreasing")
    assert ref is not None  # these curves have an elbow
    assert ours == ref


@pytest.mark.parametrize("curve", ["convex", "concave"])
@pytest.mark.parametrize("direction", ["increasing", "decreasing"])
def test_kneedle_matches_kneed_on_random_curves(curve, direction):
    rng = np.random.default_rng(hash((curve, direction)) % 2**32)
    n_found = 0
    for trial in range(150):
        n = int(rng.integers(3, 25))
        if trial % 2:
            x = np.sort(rng.choice(np.arange(1, 200), n, replace=False)).astype(float)
        else:
            x = np.arange(n, dtype=float)
        kind = trial % 3
        if kind == 0:
            y = np.exp(-x / rng.uniform(1, 10)) + rng.normal(0, 0.02, n)
        elif kind == 1:
            y = np.log1p(x) + rng.normal(0, 0.05, n)
        else:
            y = rng.normal(0, 1, n).cumsum()
        for S in (0.5, 1.0, 2.0):
            for online in (False, True):
                ref = _kneed(x, y, curve=curve, direction=direction, S=S, online=online)
                ours = knee.kneedle(x, y, curve=curve, direction=direction, S=S, online=online)
                assert ours == ref, (x, y, S, online)
                n_found += ref is not None
    assert n_found > 100  # the comparison is not vacuous


def test_kneedle_known_values_and_degenerate_input():
    x, y = ELBOW_CURVES["piecewise"]
    assert knee.kneedle(x, y) == 3.0
    assert knee.kneedle(x[::-1], y[::-1]) == 3.0  # sorted by x first
    y_nan = y.copy()
    y_nan[5] = np.nan
    assert knee.kneedle(x, y_nan) == knee.kneedle(np.delete(x, 5), np.delete(y, 5))
    assert knee.kneedle([1, 2], [2, 1]) is None
    assert knee.kneedle([1, 2, 3, 4], [5, 5, 5, 5]) is None
    assert knee.kneedle([1, 2, 3, 4], [4, 3, 2, 1]) is None  # straight line: no knee
    with pytest.raises(ValueError):
        knee.kneedle(x, y, curve="wiggly")
    with pytest.raises(ValueError):
        knee.kneedle([1, 2, 3], [1, 2])


def test_stability_table_values_and_speed():
    rng = np.random.default_rng(4)
    n = 1797
    base = {k: rng.integers(0, k, n) for k in range(2, 21)}
    labels = {}
    for k in range(2, 21):
        for init in ("k-means++", "random", "pca"):
            for seed in range(10):
                noise = rng.random(n) < 0.1 * (seed % 4)
                labels[(k, init, seed)] = np.where(noise, rng.integers(0, k, n), base[k])
    labels[(99, "random", 0)] = base[2]  # a single seed: NaN stability
    t0 = time.perf_counter()
    table = stab.stability_table(labels)
    assert time.perf_counter() - t0 < 2.0
    assert list(table.columns) == [
        "k",
        "init",
        "n_seeds",
        "n_pairs",
        "stability_mean",
        "stability_std",
    ]
    assert len(table) == 19 * 3 + 1
    row = table[(table.k == 7) & (table.init == "random")].iloc[0]
    assert row.n_seeds == 10 and row.n_pairs == 45
    group = [labels[(7, "random", s)] for s in range(10)]
    ref = [adjusted_rand_score(group[i], group[j]) for i in range(10) for j in range(i + 1, 10)]
    assert row.stability_mean == pytest.approx(np.mean(ref), abs=1e-12)
    assert row.stability_std == pytest.approx(np.std(ref), abs=1e-12)
    single = table[table.k == 99].iloc[0]
    assert single.n_seeds == 1 and single.n_pairs == 0
    assert np.isnan(single.stability_mean) and np.isnan(single.stability_std)


def test_stability_is_one_on_separated_blobs_at_true_k():
    *_, stability = blob_sweep(5)
    row = stability[(stability.k == 5) & (stability.init == "k-means++")].iloc[0]
    assert row.stability_mean == 1.0
    assert row.stability_std == 0.0
    # ...and clearly lower once a true cluster has to be split
    over = stability[(stability.k == 7) & (stability.init == "k-means++")].iloc[0]
    assert over.stability_mean < 0.95


def test_seed_invariant_init_is_ignored_for_stability():
    rows = []
    for k, km, rnd in [(2, 0.6, 0.5), (3, 0.9, 0.7), (4, 0.5, 0.4)]:
        rows += [
            {
                "k": k,
                "init": "k-means++",
                "n_seeds": 5,
                "n_pairs": 10,
                "stability_mean": km,
                "stability_std": 0.1,
            },
            {
                "k": k,
                "init": "random",
                "n_seeds": 5,
                "n_pairs": 10,
                "stability_mean": rnd,
                "stability_std": 0.1,
            },
            {
                "k": k,
                "init": "pca",
                "n_seeds": 5,
                "n_pairs": 10,
                "stability_mean": 1.0,
                "stability_std": 0.0,
            },
        ]
    table = pd.DataFrame(rows)
    assert stab.informative_inits(table) == ["k-means++", "random"]
    per_k = stab.stability_by_k(table)
    assert per_k["stability_mean"].tolist() == [0.6, 0.9, 0.5]
    assert per_k["init"].tolist() == ["k-means++"] * 3
    assert stab.stability_pick(per_k) == 3
    # only seed-invariant inits: they are used rather than nothing
    assert stab.informative_inits(table[table.init == "pca"]) == ["pca"]


# --------------------------------------------------------------------------- #
# gap statistic
# --------------------------------------------------------------------------- #
def _gap_table(ks, gap, sk):
    return pd.DataFrame({"k": ks, "log_w": 0.0, "ref_log_w_mean": 0.0, "gap": gap, "sk": sk})


def test_gap_pick_hand_built_tables():
    assert (
        ck.gap_pick(_gap_table([1, 2, 3, 4], [0.1, 0.5, 0.9, 0.85], [0.01, 0.01, 0.01, 0.02])) == 3
    )
    # boundary: Gap(k) == Gap(k+1) - s(k+1) qualifies
    assert ck.gap_pick(_gap_table([2, 3], [1.0, 1.5], [0.25, 0.5])) == 2
    # strictly increasing beyond the error bars: no pick
    assert ck.gap_pick(_gap_table([2, 3, 4], [0.1, 0.5, 0.9], [0.01] * 3)) is None
    # row order does not matter
    shuffled = _gap_table([4, 2, 3, 1], [0.85, 0.5, 0.9, 0.1], [0.02, 0.01, 0.01, 0.01])
    assert ck.gap_pick(shuffled) == 3
    # NaN rows are skipped; consecutive rows are compared (ks need not be contiguous)
    assert (
        ck.gap_pick(_gap_table([2, 4, 6, 8], [0.2, np.nan, 0.6, 0.55], [0.01, 0.01, 0.01, 0.01]))
        == 6
    )
    assert ck.gap_pick(_gap_table([2], [1.0], [0.1])) is None
    assert ck.gap_pick(_gap_table([], [], [])) is None


def test_gap_statistic_reproducible_and_correct():
    X, *_ = blob_sweep(3)
    ks = [1, 2, 3, 4, 5, 6]
    a = gap_statistic(X, ks, n_refs=6, random_state=0)
    b = gap_statistic(X, ks, n_refs=6, random_state=0)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.columns) == ["k", "log_w", "ref_log_w_mean", "gap", "sk"]
    assert a["k"].tolist() == ks
    np.testing.assert_allclose(a["gap"], a["ref_log_w_mean"] - a["log_w"])
    assert (a["sk"] > 0).all()
    # W_k is the KMeans inertia (k-means++, n_init=1, random_state)
    w3 = KMeans(3, n_init=1, random_state=0).fit(X).inertia_
    assert a.loc[a.k == 3, "log_w"].item() == pytest.approx(np.log(w3), rel=1e-12)
    assert ck.gap_pick(a) == 3
    c = gap_statistic(X, ks, n_refs=6, random_state=1)
    assert not np.allclose(c["ref_log_w_mean"], a["ref_log_w_mean"])


def test_gap_reference_box_follows_principal_components():
    # An elongated diagonal cloud: method (b) draws the references in the PC
    # frame, so rotating the data leaves the reference dispersion unchanged.
    rng = np.random.default_rng(5)
    t = rng.uniform(-10, 10, 400)
    X = np.column_stack([t, t + rng.normal(0, 0.5, t.size)])
    theta = np.pi / 4
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    a = gap_statistic(X, [1, 2, 3], n_refs=10)
    b = gap_statistic(X @ R.T, [1, 2, 3], n_refs=10)
    np.testing.assert_allclose(a["ref_log_w_mean"], b["ref_log_w_mean"], rtol=5e-3)
    np.testing.assert_allclose(a["log_w"], b["log_w"], rtol=1e-6)


def test_gap_statistic_subsample_and_bad_k():
    X, *_ = blob_sweep(3)
    full = gap_statistic(X, [2, 3], n_refs=3)
    sub1 = gap_statistic(X, [2, 3], n_refs=3, sample_size=150)
    sub2 = gap_statistic(X, [2, 3], n_refs=3, sample_size=150)
    pd.testing.assert_frame_equal(sub1, sub2, check_exact=True)
    assert not np.allclose(sub1["log_w"], full["log_w"])
    big = gap_statistic(X, [2, 3], n_refs=3, sample_size=10_000)  # n <= sample_size
    pd.testing.assert_frame_equal(big, full, check_exact=True)
    tiny = gap_statistic(X[:3], [2, 3, 4], n_refs=2)
    assert np.isnan(tiny.loc[tiny.k == 4, "gap"]).all()


# --------------------------------------------------------------------------- #
# choose_k
# --------------------------------------------------------------------------- #
EXPECTED_COLUMNS = list(ck.CHOICE_COLUMNS)


@pytest.mark.parametrize("n_centers", [3, 5, 8])
def test_choose_k_recovers_separated_blobs(n_centers):
    _, _, fits, _, gap, stability = blob_sweep(n_centers)
    choice = ck.choose_k(fits, gap, stability)
    assert list(choice.columns) == EXPECTED_COLUMNS  # with labels: every column
    assert choice["criterion"].tolist() == [
        *ck.LABEL_FREE_CRITERIA,
        "ari_with_labels",
        "recommended",
    ]
    rows = by_criterion(choice)
    rec = rows.loc["recommended"]
    assert rec.k == n_centers, rec.note
    assert rec.confidence == "clear", rec.note
    assert rec.criteria_agreeing > 3
    assert f"pick k={n_centers}" in rec.note
    for crit in ("silhouette", "calinski_harabasz", "stability"):
        assert rows.loc[crit, "k"] == n_centers
    labels_row = rows.loc["ari_with_labels"]
    assert bool(labels_row.uses_labels) and labels_row.k == n_centers
    assert "true labels" in labels_row.note
    assert not rows.drop(index="ari_with_labels")["uses_labels"].any()
    assert (rows.drop(index="recommended")["confidence"] == "").all()


@pytest.mark.parametrize("seed", [0, 3])
def test_choose_k_uncertain_on_overlapping_blobs(seed):
    X, _ = make_blobs(
        n_samples=500,
        n_features=6,
        centers=5,
        cluster_std=2.0,
        center_box=(-2, 2),
        random_state=seed,
    )
    ks = range(2, 11)
    fits, labels = build_fits(X, ks, inits=("k-means++", "random"), seeds=range(5))
    choice = ck.choose_k(fits, gap_statistic(X, ks, n_refs=5), stab.stability_table(labels))
    rec = by_criterion(choice).loc["recommended"]
    assert rec.confidence == "uncertain", rec.note
    assert "ari_with_labels" not in set(choice["criterion"])


def _hand_fits(ks, silhouette, ch, db, inertia=None):
    rows = []
    for i, k in enumerate(ks):
        for init in ("k-means++", "random"):
            for seed in range(3):
                rows.append(
                    {
                        "dataset": "hand",
                        "k": k,
                        "init": init,
                        "seed": seed,
                        "inertia": np.nan if inertia is None else inertia[i],
                        "silhouette": silhouette[i],
                        "calinski_harabasz": ch[i],
                        "davies_bouldin": db[i],
                    }
                )
    return pd.DataFrame(rows)


def _hand_stability(values: dict[int, float]):
    return pd.DataFrame(
        [
            {
                "k": k,
                "init": "k-means++",
                "n_seeds": 3,
                "n_pairs": 3,
                "stability_mean": v,
                "stability_std": 0.0,
            }
            for k, v in values.items()
        ]
    )


def test_choose_k_tie_broken_by_stability_then_smaller_k():
    ks = [2, 3, 4, 5, 6]
    fits = _hand_fits(
        ks,
        silhouette=[0.3, 0.6, 0.4, 0.5, 0.4],  # -> 3
        ch=[10, 50, 20, 40, 30],  # -> 3
        db=[2.0, 1.5, 1.4, 0.5, 0.9],
    )  # -> 5
    gap = _gap_table(ks, [0.1, 0.2, 0.3, 0.8, 0.7], [0.01] * 5)  # -> 5
    # stability votes 6 (largest k within 0.05 of the best); 5 more stable than 3
    rows = by_criterion(
        ck.choose_k(fits, gap, _hand_stability({2: 0.5, 3: 0.7, 4: 0.6, 5: 0.9, 6: 0.95}))
    )
    assert rows.loc["elbow", "k"] is pd.NA
    # stability's pick, 6, is the sweep's largest k: it abstains and says so
    assert rows.loc["stability", "k"] is pd.NA
    assert rows.loc["stability", "note"].startswith("abstains: its pick is the sweep's largest")
    assert rows.loc["recommended", "k"] == 5
    assert rows.loc["recommended", "criteria_agreeing"] == 2
    assert rows.loc["recommended", "confidence"] == "uncertain"
    # 3 more stable than 5
    rows = by_criterion(
        ck.choose_k(fits, gap, _hand_stability({2: 0.5, 3: 0.9, 4: 0.6, 5: 0.7, 6: 0.95}))
    )
    assert rows.loc["recommended", "k"] == 3
    # equal stability: the smaller k
    rows = by_criterion(
        ck.choose_k(fits, gap, _hand_stability({2: 0.5, 3: 0.8, 4: 0.6, 5: 0.8, 6: 0.84}))
    )
    assert rows.loc["recommended", "k"] == 3


def test_choose_k_confidence_thresholds():
    ks = [2, 3, 4, 5]
    fits = _hand_fits(
        ks, silhouette=[0.3, 0.6, 0.4, 0.5], ch=[10, 50, 20, 40], db=[2.0, 0.5, 1.4, 0.9]
    )  # 3, 3, 3
    gap = _gap_table(ks, [0.1, 0.8, 0.7, 0.6], [0.01] * 4)  # 3
    stab = {2: 0.5, 3: 0.9, 4: 0.6, 5: 0.4}  # 3
    rows = by_criterion(ck.choose_k(fits, gap, _hand_stability(stab)))
    assert rows.loc["recommended", "k"] == 3
    assert rows.loc["recommended", "criteria_agreeing"] == 5
    assert rows.loc["recommended", "confidence"] == "clear"
    # unstable at the recommended k -> uncertain
    rows = by_criterion(ck.choose_k(fits, gap, _hand_stability({**stab, 3: 0.7})))
    assert rows.loc["recommended", "k"] == 3
    assert rows.loc["recommended", "confidence"] == "uncertain"
    # exactly half agree (3 of 6) -> uncertain
    gap_other = _gap_table(ks, [0.1, 0.2, 0.8, 0.7], [0.01] * 4)  # 4
    rows = by_criterion(ck.choose_k(fits, gap_other, _hand_stability({**stab, 4: 0.95})))
    assert rows.loc["recommended", "k"] == 3
    assert rows.loc["recommended", "criteria_agreeing"] == 3
    assert rows.loc["recommended", "confidence"] == "uncertain"
    # weak structure (silhouette < 0.25) -> uncertain
    weak = _hand_fits(
        ks, silhouette=[0.1, 0.2, 0.15, 0.12], ch=[10, 50, 20, 40], db=[2.0, 0.5, 1.4, 0.9]
    )
    rows = by_criterion(ck.choose_k(weak, gap, _hand_stability(stab)))
    assert rows.loc["recommended", "k"] == 3
    assert rows.loc["recommended", "confidence"] == "uncertain"
    assert "weak structure" in rows.loc["recommended", "note"]


def test_choose_k_single_k_and_nan_scores():
    X, *_ = blob_sweep(3)
    fits, labels = build_fits(X, [4], seeds=range(3))
    choice = ck.choose_k(fits, gap_statistic(X, [4], n_refs=2), stab.stability_table(labels))
    rows = by_criterion(choice)
    assert rows.loc["recommended", "k"] == 4
    assert rows.loc["recommended", "confidence"] == "uncertain"
    assert "only one k" in rows.loc["recommended", "note"]
    assert rows.loc["elbow", "k"] is pd.NA and rows.loc["gap", "k"] is pd.NA

    # every internal score undefined (e.g. each fit found one cluster), no gap/stability
    nan_fits = fits.assign(
        silhouette=np.nan, calinski_harabasz=np.nan, davies_bouldin=np.nan, ari=np.nan
    )
    rows = by_criterion(ck.choose_k(nan_fits, None, None))
    for crit in ("silhouette", "calinski_harabasz", "davies_bouldin", "gap", "stability"):
        assert rows.loc[crit, "k"] is pd.NA
    assert "ari_with_labels" not in rows.index
    assert rows.loc["recommended", "k"] == 4
    assert rows.loc["recommended", "confidence"] == "uncertain"

    # NaN scores at some ks only, and an empty frame
    _, _, fits3, _, gap3, stab3 = blob_sweep(3)
    partial = fits3.copy()
    partial.loc[partial.k == 3, "silhouette"] = np.nan
    rows = by_criterion(ck.choose_k(partial, gap3, stab3))
    assert rows.loc["silhouette", "k"] != 3
    assert rows.loc["recommended", "k"] == 3
    empty = ck.choose_k(fits3.iloc[0:0], None, None)
    assert list(empty.columns) == [c for c in EXPECTED_COLUMNS if c != "ari_with_labels_best_fit"]
    assert empty.iloc[-1]["confidence"] == "uncertain"


# --------------------------------------------------------------------------- #
# plots
# --------------------------------------------------------------------------- #
def test_plots_write_non_blank_pngs(tmp_path):
    X, _, fits, labels, gap, stability = blob_sweep(5)
    choice = ck.choose_k(fits, gap, stability)
    out = tmp_path / "figs"
    ckp.plot_criteria(fits, gap, stability, choice, out / "criteria.png", dataset="blobs")
    ckp.plot_stability(stability, choice, out / "stability.png", dataset="blobs")
    lab = labels[(5, "k-means++", 0)]
    plot_silhouette_diagram(X, lab, 5, out / "silhouette.png", title="blobs")
    plot_silhouette_diagram(X, lab, 5, out / "silhouette_sub.png", sample_size=200, title="b")
    for name in ("criteria.png", "stability.png", "silhouette.png", "silhouette_sub.png"):
        assert_png_ok(out / name, min_bytes=20_000)
    assert plt.get_fignums() == []


def test_plots_degenerate_inputs(tmp_path):
    X, _, fits, labels, _, _ = blob_sweep(3)
    plot_silhouette_diagram(X, np.zeros(len(X), int), 1, tmp_path / "one.png", title="one")
    assert_png_ok(tmp_path / "one.png")
    one_k = fits[fits.k == 4]
    choice = ck.choose_k(one_k, None, None)
    ckp.plot_criteria(one_k, None, None, choice, tmp_path / "crit.png", dataset="one k")
    assert_png_ok(tmp_path / "crit.png")
    one_seed = stab.stability_table({(2, "random", 0): labels[(2, "random", 0)]})
    ckp.plot_stability(one_seed, choice, tmp_path / "stab.png", dataset="one seed")
    assert_png_ok(tmp_path / "stab.png")
    assert plt.get_fignums() == []


def test_recommendation_at_the_edge_of_the_sweep_is_uncertain():
    """The same picks as a clear case, but the k is the largest one swept."""
    ks = [2, 3, 4, 5]
    fits = _hand_fits(
        ks, silhouette=[0.3, 0.4, 0.5, 0.6], ch=[10, 20, 40, 50], db=[2.0, 1.4, 0.9, 0.5]
    )
    gap = _gap_table(ks, [0.1, 0.2, 0.3, 0.8], [0.01] * 4)
    stab = {2: 0.5, 3: 0.6, 4: 0.7, 5: 0.9}
    rows = by_criterion(ck.choose_k(fits, gap, _hand_stability(stab)))
    assert rows.loc["recommended", "k"] == 5
    assert rows.loc["recommended", "confidence"] == "uncertain"
    assert "largest k swept" in rows.loc["recommended", "note"]
