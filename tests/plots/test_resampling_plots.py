"""The resampling pictures mark the picks they are given, keep their text readable, order the
consensus matrix by cluster then item consensus, say when rows are a sample, show Hennig's
bands, draw with the null or prediction strength off, and say what their captions say."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from scipy import stats
from test_plots import _drawn_texts, text_problems

from kmeans_sweep.definitions import (
    CLUSTER_CONSENSUS,
    JACCARD_BARS,
    MATRIX_ORDER,
    NULL_BAND,
    NULL_MEAN,
    PAC_WINDOW,
    PICK,
    PS_CUTOFF_LINE,
    PS_SPREAD,
    RCSI_LINE,
    RULES,
    STABILITY_BANDS,
)
from kmeans_sweep.plots import resampling as rp
from kmeans_sweep.plots.style import PICK_COLOR, REC_COLOR, read_marks

REPO = Path(__file__).resolve().parents[2]
GRID = np.round(np.linspace(0, 1, 101), 2)
KS = list(range(2, 9))


# --------------------------------------------------------------------------- #
# synthetic tables with the resampling step's schema
# --------------------------------------------------------------------------- #
def _cdf_curve(together: float, pac: float) -> np.ndarray:
    """F on the grid for pairs mostly at 0 (apart) or 1 (together), ``pac`` in between."""
    f = (1 - pac) * ((1 - together) * stats.beta.cdf(GRID, 1, 60)
                     + together * stats.beta.cdf(GRID, 60, 1)) + pac * stats.beta.cdf(
        GRID, 2.5, 2.5)
    f[-1] = 1.0
    return f


def _null_columns(pac: float, refs: np.ndarray) -> dict:
    m, v = refs.mean(), refs.var(ddof=1)
    common = m * (1 - m) / v - 1
    return {
        "pac_ref_mean": m, "pac_ref_min": refs.min(), "pac_ref_max": refs.max(),
        "rcsi": np.mean(np.log(refs) - np.log(max(pac, 1e-4))),
        "rcsi_se": np.std(np.log(refs), ddof=1) / np.sqrt(refs.size),
        "p_empirical": (np.sum(refs <= pac) + 1) / (refs.size + 1),
        "p_beta": stats.beta.cdf(pac, m * common, (1 - m) * common),
    }


def _ps(k: int, true_k: int | None, rng) -> float:
    if true_k is None:
        return max(0.2, 0.74 - 0.09 * (k - 2) + rng.normal(0, 0.02))
    return 0.93 - 0.01 * k if k <= true_k else 0.62 - 0.05 * (k - true_k - 1)


def tables(true_k: int | None = 4, refs: int = 5, pairs: int | None = None, ps_splits: int = 10,
           n: int = 1797, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(resampling, cdf) for blobs with ``true_k`` separated centres (None: Gaussian noise);
    ``refs`` null references (0: none), ``pairs`` sampled pairs (None: every pair),
    ``ps_splits`` 0: prediction strength off."""
    rng = np.random.default_rng(seed)
    every = pairs is None
    used = n * (n - 1) // 2 if every else pairs
    rows, curves = [], []
    for k in KS:
        pac = (0.004 if k == true_k else 0.1 + 0.05 * abs(k - true_k)) if true_k else (
            0.36 + 0.02 * k + rng.normal(0, 0.02))
        row = {"dataset": "blobs", "k": k, "method": "k-means++ / elkan", "n_init": 1,
               "resamples": 50, "fraction": 0.8, "pairs_used": used, "every_pair": every,
               "pac": pac, "pac_se": np.nan if every else np.sqrt(pac * (1 - pac) / used),
               "null_references": refs}
        f = _cdf_curve(1 / k, pac)
        curves.append(pd.DataFrame({"k": k, "source": "data", "x": GRID, "F": f}))
        ref_pacs = np.clip(0.32 + 0.02 * k + rng.normal(0, 0.04, refs), 0.05, 0.9)
        for b, ref in enumerate(ref_pacs):
            curves.append(pd.DataFrame({"k": k, "source": f"null {b}", "x": GRID,
                                        "F": _cdf_curve(1 / k, ref)}))
        row.update(_null_columns(pac, ref_pacs) if refs >= 2 else dict.fromkeys(
            ["pac_ref_mean", "pac_ref_min", "pac_ref_max", "rcsi", "rcsi_se", "p_empirical",
             "p_beta"], np.nan))
        area = float(np.mean(f[1:]))
        row.update(mean_consensus=1 - area, area=area, area_ccp=area, delta=np.nan,
                   ps_mean=_ps(k, true_k, rng) if ps_splits else np.nan,
                   ps_sd=0.04 + 0.01 * k if ps_splits else np.nan,
                   ps_splits=ps_splits if ps_splits else np.nan)
        rows.append(row)
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def _band(j: float) -> str:
    return next(name for lower, name in STABILITY_BANDS if j >= lower)


def clusters_table(true_k: int = 4, seed: int = 0) -> pd.DataFrame:
    """One row per cluster of the best fit at each k: stable up to ``true_k``, split after."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in KS:
        sizes = rng.multinomial(1797, np.full(k, 1 / k))
        for c in range(k):
            j = 0.96 - 0.03 * c if k <= true_k or c < true_k - 1 else 0.45 + 0.06 * (
                c - true_k + 1)
            j = float(np.clip(j + rng.normal(0, 0.02), 0, 1))
            rows.append({"k": k, "cluster": c, "size": int(sizes[c]), "jaccard_mean": j,
                         "cluster_consensus": float(np.clip(j + rng.normal(0.02, 0.04), 0, 1)),
                         "band": _band(j)})
    return pd.DataFrame(rows)


def consensus_sample(k: int = 4, s: int = 400, flip: float = 0.06, seed: int = 0):
    """(M, labels, item) of s rows in k groups clustered 50 times, each row in a random
    cluster with probability ``flip`` each time; rows shuffled."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, s)
    runs = np.where(rng.random((50, s)) < flip, rng.integers(0, k, (50, s)), labels)
    M = (runs[:, :, None] == runs[:, None, :]).mean(axis=0)
    own = labels[:, None] == labels[None, :]
    item = ((M * own).sum(axis=1) - 1) / (own.sum(axis=1) - 1)
    return M, labels, item


PICKS4 = {"consensus": 4, "prediction_strength": 4, "recommended": 4, "elbow": 3}
NOISE_PICKS = {"consensus": None, "prediction_strength": None, "recommended": 1}


def draw_all() -> dict:
    """{name: (figure, marks)} of every resampling picture, in every case the tests check."""
    blobs, cdf = tables()
    M, labels, item = consensus_sample()
    out = {
        "resampling": rp.draw_resampling(blobs, cdf, PICKS4, dataset="blobs"),
        "resampling_sampled": rp.draw_resampling(*tables(pairs=2_000_000, n=100_000),
                                                 {"consensus": 4, "prediction_strength": 3,
                                                  "recommended": 4}, dataset="big"),
        "resampling_noise": rp.draw_resampling(*tables(true_k=None), NOISE_PICKS,
                                               dataset="noise"),
        "resampling_no_null_no_ps": rp.draw_resampling(
            *tables(refs=0, ps_splits=0), {"consensus": 4, "prediction_strength": None,
                                           "recommended": 4}, dataset="bare"),
        "consensus_matrix": rp.draw_consensus_matrix(M, labels, item, 4, 1797, dataset="blobs",
                                                     picked_by=["consensus", "recommended"]),
        "cluster_stability": rp.draw_cluster_stability(clusters_table(), [4, 5],
                                                       dataset="blobs", picks={
                                                           **PICKS4, "prediction_strength": 5}),
    }
    M20, labels20, item20 = consensus_sample(k=20, s=300, flip=0.2, seed=1)
    out["consensus_matrix_k20"] = rp.draw_consensus_matrix(M20, labels20, item20, 20, 300,
                                                           dataset="digits")
    return out


@pytest.fixture(scope="module")
def figures():
    figs = draw_all()
    yield figs
    plt.close("all")


@pytest.fixture(scope="module")
def drawn(figures):
    """{name: (text problems, every drawn text joined)}, each figure drawn once."""
    out = {}
    for name, (fig, _) in figures.items():
        problems = text_problems(fig)  # draws the figure: its texts are laid out
        out[name] = (problems, " ".join(" ".join(t.get_text().split())
                                        for t in _drawn_texts(fig)))
    return out


# --------------------------------------------------------------------------- #
# marks: the picks given, never recomputed
# --------------------------------------------------------------------------- #
def test_marks_are_the_picks_given(figures):
    assert figures["resampling"][1] == {"consensus": 4, "prediction_strength": 4,
                                        "recommended": 4}
    assert figures["resampling_noise"][1] == NOISE_PICKS
    assert figures["consensus_matrix"][1] == {"k": 4}
    assert figures["cluster_stability"][1] == {"ks": [4, 5]}
    # one pick line per panel at the panel's pick; k = 1 (no structure) has none
    sampled = figures["resampling_sampled"][0]
    assert _pick_lines(sampled) == {3, 4}
    assert _pick_lines(figures["resampling_noise"][0]) == set()


def test_marks_follow_other_picks():
    blobs, cdf = tables()
    fig, marks = rp.draw_resampling(blobs, cdf, {"consensus": 6, "prediction_strength": 2,
                                                 "recommended": 5}, dataset="blobs")
    assert marks == {"consensus": 6, "prediction_strength": 2, "recommended": 5}
    pac_ax, ps_ax = _panel(fig, "Consensus:"), _panel(fig, "Prediction strength:")
    assert _pick_lines_of(pac_ax) == {6} and _pick_lines_of(ps_ax) == {2}
    gold = [p for ax in (pac_ax, ps_ax) for p in ax.patches if to_hex(p.get_facecolor()) ==
            to_hex(REC_COLOR)]
    assert len(gold) == 2 and all(abs(p.get_x() + p.get_width() / 2 - 5) < 1e-9 for p in gold)
    heavy = max(fig.axes[0].get_lines(), key=lambda line: line.get_linewidth())
    assert heavy.get_linewidth() > 2 and _cdf_k(fig, heavy) == 6
    plt.close(fig)


def _panel(fig, title: str):
    (ax,) = [ax for ax in fig.axes if ax.get_title().startswith(title)]
    return ax


def _pick_lines_of(ax) -> set[int]:
    """The ks of the dashed pick lines drawn in one panel."""
    return {round(float(line.get_xdata()[0])) for line in ax.get_lines()
            if isinstance(line.get_color(), str) and line.get_color() == PICK_COLOR
            and line.get_linestyle() == "--"}


def _pick_lines(fig) -> set[int]:
    return set().union(*(_pick_lines_of(ax) for ax in fig.axes))


def _cdf_k(fig, line) -> int:
    """The k of a CDF curve, from its position among the curves (drawn in order of k)."""
    return KS[fig.axes[0].get_lines().index(line)]


def test_saved_png_records_the_marks(tmp_path):
    blobs, cdf = tables()
    path = tmp_path / "resampling.png"
    assert rp.plot_resampling(blobs, cdf, PICKS4, path, dataset="blobs", dpi=40) == read_marks(
        path) == {"consensus": 4, "prediction_strength": 4, "recommended": 4}
    M, labels, item = consensus_sample(s=60)
    path = tmp_path / "consensus_k4.png"
    assert rp.plot_consensus_matrix(M, labels, item, 4, 60, path, dpi=40) == read_marks(path)
    path = tmp_path / "cluster_stability.png"
    rp.plot_cluster_stability(clusters_table(), [4], path, dataset="blobs", dpi=40)
    assert read_marks(path) == {"ks": [4]}


# --------------------------------------------------------------------------- #
# readable text, what the titles say
# --------------------------------------------------------------------------- #
def test_no_text_outside_the_figure_or_on_another_text(drawn):
    for name, (problems, _) in drawn.items():
        assert problems == [], name


def test_titles_say_the_answer_and_the_pairs(drawn):
    blobs = drawn["resampling"][1]
    assert "blobs: consensus k = 4, prediction strength k = 4; recommended k = 4" in blobs
    assert "over every pair of rows (1,613,706 pairs)" in blobs
    sampled = drawn["resampling_sampled"][1]
    assert "uniform sample of 2,000,000 pairs (PAC ± its SE)" in sampled
    assert "± SE (sampled pairs)" in sampled
    noise = drawn["resampling_noise"][1]
    assert "noise: no cluster structure (recommended k = 1); consensus: no pick" in noise
    bare = drawn["resampling_no_null_no_ps"][1]
    assert "0 null references" in bare and "prediction strength not computed" in bare
    assert NULL_BAND not in bare and RCSI_LINE not in bare


def test_sampled_pac_has_error_bars(figures):
    """The PAC line carries ± SE bars when pairs are sampled, none over every pair."""
    def caps(fig):
        return sum(len(c.get_segments()) for c in fig.axes[1].collections
                   if c.__class__.__name__ == "LineCollection")
    assert caps(figures["resampling"][0]) == 0
    assert caps(figures["resampling_sampled"][0]) == len(KS)


def test_no_null_and_no_prediction_strength_still_draw(figures):
    fig = figures["resampling_no_null_no_ps"][0]
    assert len(fig.axes) == 4  # CDF, PAC, PS, colour bar: no RCSI axis
    texts = _panel(fig, "Prediction strength:").texts
    assert texts[0].get_text() == "prediction strength not computed"
    nan_rows, cdf = tables()
    nan_rows.loc[nan_rows["k"] >= 7, ["pac", "pac_se", "ps_mean", "ps_sd", "rcsi"]] = np.nan
    fig, marks = rp.draw_resampling(nan_rows, cdf, {}, dataset="gaps")
    assert marks == dict.fromkeys(rp.PICKS) and text_problems(fig) == []
    plt.close(fig)
    fig, marks = rp.draw_resampling(nan_rows.iloc[:0], cdf.iloc[:0], NOISE_PICKS, dataset="none")
    assert marks == NOISE_PICKS and "no resampling statistics" in fig.get_suptitle()
    plt.close(fig)


# --------------------------------------------------------------------------- #
# the consensus matrix
# --------------------------------------------------------------------------- #
def test_matrix_rows_by_cluster_then_item_consensus():
    labels = np.array([2, 0, 1, 0, 2, 0, 1])
    item = np.array([0.5, 0.7, 0.9, 0.95, 0.8, np.nan, 0.6])
    order = rp.consensus_order(labels, item)
    assert list(order) == [3, 1, 5, 2, 6, 4, 0]
    M, labels, item = consensus_sample(s=300)
    fig, _ = rp.draw_consensus_matrix(M, labels, item, 4, 300)
    shown = fig.axes[0].images[0].get_array()
    order = rp.consensus_order(labels, item)
    assert np.array_equal(shown, M[np.ix_(order, order)])
    lab, it = labels[order], item[order]
    assert np.all(np.diff(lab) >= 0)
    assert all(np.all(np.diff(it[lab == c]) <= 0) for c in range(4))
    # the diagonal blocks hold the high consensus
    assert shown[lab[:, None] == lab[None, :]].mean() > 0.8 > 0.2 > shown[
        lab[:, None] != lab[None, :]].mean()
    plt.close(fig)


def test_matrix_title_says_when_rows_are_a_sample(figures):
    title = figures["consensus_matrix"][0].axes[0].get_title()
    assert title.startswith("blobs: consensus matrix, k = 4 (sample of 400 of 1,797 rows)")
    assert MATRIX_ORDER in title and "k picked by: consensus, recommended" in title
    assert "sample of" not in figures["consensus_matrix_k20"][0].axes[0].get_title()
    with pytest.raises(ValueError, match="s x s"):
        rp.draw_consensus_matrix(np.eye(3), [0, 1], [1.0, 1.0], 2, 3)


def test_matrix_lines_between_clusters(figures):
    ax = figures["consensus_matrix"][0].axes[0]
    assert len(ax.get_lines()) == 2 * 3  # one horizontal and one vertical per boundary


# --------------------------------------------------------------------------- #
# cluster stability
# --------------------------------------------------------------------------- #
def test_stability_bars_bands_and_consensus(figures):
    fig = figures["cluster_stability"][0]
    table = clusters_table()
    for ax, k in zip(fig.axes, [4, 5], strict=True):
        rows = table[table["k"] == k].sort_values("cluster")
        bars = [p for p in ax.patches if p.get_width() == pytest.approx(0.7)]
        np.testing.assert_allclose([b.get_height() for b in bars], rows["jaccard_mean"])
        (diamonds,) = [line for line in ax.get_lines() if line.get_marker() == "D"]
        np.testing.assert_allclose(diamonds.get_ydata(), rows["cluster_consensus"])
        names = {t.get_text() for t in ax.texts}
        assert names == {name for _, name in STABILITY_BANDS}
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks == [f"{c}\n{s:,}" for c, s in zip(rows["cluster"], rows["size"],
                                                       strict=True)]
    assert "consensus, recommended" in fig.axes[0].get_title()
    assert "prediction strength" in fig.axes[1].get_title()
    assert "1 of 5 clusters" in fig.axes[1].get_title() or "clusters stable" in fig.axes[
        1].get_title()


def test_stability_with_a_k_without_rows_and_no_ks():
    fig, marks = rp.draw_cluster_stability(clusters_table(), [4, 12], dataset="blobs")
    assert marks == {"ks": [4, 12]} and fig.axes[1].texts[-1].get_text().startswith("no ")
    plt.close(fig)
    fig, marks = rp.draw_cluster_stability(clusters_table(), [None], dataset="blobs")
    assert marks == {"ks": []} and text_problems(fig) == []
    plt.close(fig)


# --------------------------------------------------------------------------- #
# captions say what the pictures draw, with the same words
# --------------------------------------------------------------------------- #
CAPTIONS = {
    "resampling": [RULES["consensus"], RULES["prediction_strength"], PAC_WINDOW, NULL_BAND,
                   NULL_MEAN, RCSI_LINE, PS_SPREAD, PS_CUTOFF_LINE, PICK, "recommended k",
                   "sample of", "no cluster structure"],
    "consensus_matrix": [MATRIX_ORDER, "sample of", "consensus M(i, j)"],
    "cluster_stability": [JACCARD_BARS, CLUSTER_CONSENSUS, *(n for _, n in STABILITY_BANDS)],
    "resampling_table": ["pac", "rcsi", "p_beta", "ps_mean", "pairs_used", "every_pair"],
}
CAPTION_ONLY = {"sample of", "no cluster structure", RULES["prediction_strength"].split(" > ")[0]}


def _caption(name: str) -> str:
    return " ".join((REPO / "workflow" / "report" / f"{name}.rst").read_text().split())


@pytest.mark.parametrize("name", sorted(CAPTIONS))
def test_caption_and_plot_say_the_same(name, drawn):
    caption = _caption(name)
    for phrase in CAPTIONS[name]:
        assert phrase in caption, f"{name}.rst lacks {phrase!r}"
        if name in drawn and phrase not in CAPTION_ONLY:
            assert phrase in drawn[name][1], f"{name}.png lacks {phrase!r}"
