"""Every picture agrees with the choose_k table, keeps its text readable, and keeps one colour per
init method; the captions say what the pictures draw (the tables for people: tests/tables/)."""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from _fitsframe import build_fits
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text
from sklearn.datasets import make_blobs

from kmeans_sweep.choose import choose_k as ck
from kmeans_sweep.choose import stability as stab
from kmeans_sweep.choose import verdict
from kmeans_sweep.definitions import (
    ALGORITHM_SPREAD,
    ALL_BAND,
    ARI_TO_LLOYD,
    BEST_FIT,
    INERTIA_RATIO,
    MEAN_ALL,
    MOST_STABLE,
    PICK,
    RULES,
    SEED_BAND,
)
from kmeans_sweep.fit.gap import gap_statistic
from kmeans_sweep.plots import comparison as compare_plot
from kmeans_sweep.plots import criteria as ckp
from kmeans_sweep.plots import curves as plots
from kmeans_sweep.plots import pca as cluster_plot
from kmeans_sweep.plots.silhouette import draw_silhouette_diagram, spread_labels
from kmeans_sweep.plots.style import INIT_COLORS, PICK_COLOR, RESERVED_COLORS, init_colors
from kmeans_sweep.tables import compare, methods

REPO = Path(__file__).resolve().parents[2]
INITS = ("k-means++", "random", "pca")


@cache
def sweep(n_centers: int = 4, std: float = 1.0):
    """A small labelled sweep: fits, labels, gap, stability, the choose_k table."""
    X, y = make_blobs(n_samples=240, n_features=4, centers=n_centers, cluster_std=std,
                      random_state=1)
    fits, labels = build_fits(X, range(2, 8), inits=INITS, seeds=range(3), y=y, dataset="blobs")
    fits["silhouette_sample_size"], fits["n_samples"] = 5000, len(X)
    gap = gap_statistic(X, range(2, 8), n_refs=2)
    stability = stab.stability_table(labels)
    choice = ck.choose_k(fits, gap, stability)
    return X, y, fits, labels, gap, stability, choice


def with_algorithms(fits, labels):
    """The sweep as if also fitted by elkan (same fits) and minibatch (3 % worse, slower at
    small k): fits with an algorithm column, labels by fit key."""
    lloyd = fits.assign(algorithm="lloyd")
    elkan = lloyd.assign(algorithm="elkan", fit_seconds=lloyd["fit_seconds"] * 1.2)
    mini = lloyd.assign(algorithm="minibatch", inertia=lloyd["inertia"] * 1.03,
                        fit_seconds=lloyd["fit_seconds"] * 0.5)
    every = pd.concat([lloyd, elkan, mini], ignore_index=True)
    keyed = dict(labels)
    for (k, init, seed), lab in labels.items():
        keyed[(k, init, seed, "elkan")] = lab
        keyed[(k, init, seed, "minibatch")] = np.roll(lab, 3)
    return every, keyed


def draw_all(choice=None, n_centers=4, std=1.0) -> dict:
    """{name: (figure, marks)} of every plot the workflow draws, on the small sweep."""
    X, y, fits, labels, gap, stability, table = sweep(n_centers, std)
    choice = table if choice is None else choice
    rec = verdict.row(choice, "recommended")
    key = (int(rec["k"]), rec["fit_init"], int(rec["fit_seed"]))
    lab = labels[key]
    centers = np.vstack([X[lab == c].mean(axis=0) for c in range(key[0])])
    kw = {"dataset": "blobs", "width": 8, "height": 5}
    out = {
        "elbow": plots.draw_elbow(fits, choice, **kw),
        "silhouette": plots.draw_silhouette(fits, choice, **kw),
        "clusters_pca": cluster_plot.draw_clusters_pca(
            X, lab, centers, y, choice, class_names=[f"class {i}" for i in range(4)], **kw
        ),
        "criteria": ckp.draw_criteria(fits, gap, stability, choice, dataset="blobs"),
        "stability": ckp.draw_stability(stability, choice, dataset="blobs"),
    }
    every, keyed = with_algorithms(fits, labels)
    view = methods.view(every)
    out["elbow_algorithms"] = plots.draw_elbow(view, choice, **kw)
    out["silhouette_algorithms"] = plots.draw_silhouette(view, choice, **kw)
    comparison = compare.table(compare.per_fit(every, keyed), "blobs")
    out["comparison"] = compare_plot.draw_comparison(
        comparison, skipped=["init pca with bisecting"], **kw)
    for k in verdict.diagram_ks(choice, sorted(fits["k"].unique()), 4):
        why = ", ".join(verdict.who_picks(choice, k)) or "the number of true classes"
        out[f"silhouette_k{k}"] = draw_silhouette_diagram(
            X, labels[(k, "k-means++", 0)], k, title=f"blobs: silhouette diagram at k = {k}",
            subtitle=f"k picked by: {why}\nbest fit: k-means++, seed 0",
        )
    return out


@pytest.fixture(scope="module")
def figures():
    figs = draw_all()
    yield figs
    plt.close("all")


def _pick_lines(fig) -> set[int]:
    """The ks of the dashed pick lines drawn in a figure."""
    ks = set()
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_color() == PICK_COLOR and line.get_linestyle() == "--":
                ks.add(round(float(line.get_xdata()[0])))
    return ks


# --------------------------------------------------------------------------- #
# one definition per pick
# --------------------------------------------------------------------------- #
def test_each_plot_marks_the_k_of_the_choose_k_table(figures):
    choice = sweep()[-1]
    picks = verdict.picks(choice)
    assert figures["elbow"][1] == {"elbow": picks["elbow"]}
    assert figures["silhouette"][1] == {"silhouette": picks["silhouette"]}
    assert figures["stability"][1] == {"stability": picks["stability"]}
    assert figures["clusters_pca"][1] == {"clusters_pca": picks["recommended"]}
    assert figures["criteria"][1] == picks
    for name in ("elbow", "silhouette", "stability"):
        assert _pick_lines(figures[name][0]) == {picks[name]}, name
    for name in ("elbow", "silhouette"):
        assert figures[f"{name}_algorithms"][1] == {name: picks[name]}
        assert _pick_lines(figures[f"{name}_algorithms"][0]) == {picks[name]}, name
    assert figures["comparison"][1] == {} and not _pick_lines(figures["comparison"][0])
    label_free = {picks[c] for c in ck.LABEL_FREE_CRITERIA if picks[c] is not None}
    assert _pick_lines(figures["criteria"][0]) == label_free
    diagrams = {m["k"] for name, (_, m) in figures.items() if name.startswith("silhouette_k")}
    assert diagrams == {k for k in picks.values() if k is not None} | {4}


def test_plots_mark_the_table_not_their_own_computation():
    """Change the table's picks: every plot follows the table."""
    choice = sweep()[-1].copy()
    other = {"elbow": 6, "silhouette": 7, "stability": 5, "recommended": 6}
    for crit, k in other.items():
        choice.loc[choice["criterion"] == crit, "k"] = k
    choice.loc[choice["criterion"] == "recommended", ["fit_init", "fit_seed"]] = ["random", 1]
    figs = draw_all(choice)
    try:
        for crit in ("elbow", "silhouette", "stability"):
            assert figs[crit][1] == {crit: other[crit]}
            assert _pick_lines(figs[crit][0]) == {other[crit]}
        assert figs["clusters_pca"][1] == {"clusters_pca": 6}
        assert "random seed 1" in " ".join(t.get_text() for t in figs["clusters_pca"][0].texts
                                           + figs["clusters_pca"][0].axes[0].texts
                                           + [figs["clusters_pca"][0].axes[0].title])
    finally:
        for fig, _ in figs.values():
            plt.close(fig)


def test_choose_k_table_has_one_meaning_per_column():
    choice = sweep()[-1]
    assert list(choice.columns) == list(ck.CHOICE_COLUMNS)
    by_k = ck.criteria_by_k(sweep()[2]).set_index("k")
    for r in choice.itertuples():
        if pd.isna(r.k):
            continue
        best = by_k.loc[int(r.k)]
        assert r.silhouette_best_fit == best["silhouette"]
        assert r.inertia_best_fit == best["inertia"]
        assert (r.fit_init, r.fit_seed) == (best["best_init"], best["best_seed"])
        assert r.rule == RULES[r.criterion]
        votes = sum(1 for c in ck.LABEL_FREE_CRITERIA if verdict.picks(choice)[c] == r.k)
        assert r.criteria_agreeing == votes


# --------------------------------------------------------------------------- #
# readable text
# --------------------------------------------------------------------------- #
def _drawn_texts(fig):
    """Every text the figure draws: tick labels only of the ticks inside the view."""
    tick_labels, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_labels |= {id(tick.label1), id(tick.label2)}
            for tick in axis._update_ticks():  # the ticks matplotlib draws
                drawn += [lab for lab in (tick.label1, tick.label2) if lab.get_visible()]
    others = [t for t in fig.findobj(Text) if id(t) not in tick_labels and t.get_visible()]
    return [t for t in others + drawn if t.get_text().strip()]


def _texts(fig):
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), Text.get_window_extent(t, renderer)) for t in _drawn_texts(fig)]


def text_problems(fig) -> list[str]:
    """Texts (partly) outside the figure, and pairs of texts that overlap."""
    problems = []
    frame = fig.bbox
    found = _texts(fig)
    for text, box in found:
        if box.x0 < frame.x0 - 1 or box.x1 > frame.x1 + 1 or box.y0 < frame.y0 - 1 or (
            box.y1 > frame.y1 + 1
        ):
            problems.append(f"outside the figure: {text!r}")
    for (a, ba), (b, bb) in combinations(found, 2):
        if ba.shrunk(0.95, 0.8).overlaps(bb.shrunk(0.95, 0.8)):
            problems.append(f"overlap: {a!r} and {b!r}")
    return problems


def test_no_text_outside_the_figure_or_on_another_text(figures):
    for name, (fig, _) in figures.items():
        assert text_problems(fig) == [], name


def test_the_text_check_finds_problems():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title("a title far too long to fit into a figure three inches wide, surely")
    ax.text(0.5, 0.5, "one", transform=ax.transAxes)
    ax.text(0.52, 0.5, "two", transform=ax.transAxes)
    problems = text_problems(fig)
    plt.close(fig)
    assert any(p.startswith("outside") for p in problems)
    assert "overlap: 'one' and 'two'" in problems


def test_silhouette_labels_are_spread_apart():
    y = spread_labels(np.array([1.0, 1.1, 1.2, 5.0, 9.9]), 1.0, 0.5, 10.0)
    assert np.all(np.diff(y) >= 1.0 - 1e-12) and y[0] >= 0.5 and y[-1] <= 10.0
    assert y[3] == 5.0  # labels with room stay where they are


# --------------------------------------------------------------------------- #
# colours
# --------------------------------------------------------------------------- #
def _legend_entries(fig):
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    for legend in legends:
        for handle, text in zip(legend.legend_handles, legend.texts, strict=True):
            yield text.get_text(), handle


def _init_of(label: str) -> str | None:
    for init in INITS:
        if re.match(rf"(stability of )?{re.escape(init)}(?=[\s:,(]|$)", label):
            return init
    return None


def test_one_colour_per_init_in_every_plot(figures):
    assert not set(RESERVED_COLORS) & set(INIT_COLORS.values())
    assert init_colors(["b", "a", "pca"]) == init_colors(["pca", "a", "b"])
    seen = {}
    for name, (fig, _) in figures.items():
        for label, handle in _legend_entries(fig):
            init = _init_of(label)
            if init is None or not isinstance(handle, Line2D):
                continue
            seen.setdefault(init, set()).add(handle.get_color())
            assert handle.get_color() == INIT_COLORS[init], (name, label)
    assert set(seen) == set(INITS)
    # criteria.png uses init colours only for the per-init stability lines
    fig = figures["criteria"][0]
    for i, ax in enumerate(fig.axes):
        for line in ax.get_lines():
            if line.get_color() in INIT_COLORS.values():
                assert i == 5, f"panel {i} uses an init colour"


def test_one_colour_and_line_style_per_algorithm(figures):
    algo_colors = set(compare_plot.ALGORITHM_COLORS.values())
    assert not algo_colors & (set(RESERVED_COLORS) | set(INIT_COLORS.values()))
    entries = dict(_legend_entries(figures["comparison"][0]))
    assert set(entries) == {"lloyd", "elkan", "minibatch"}
    for algo, handle in entries.items():
        assert handle.get_color() == compare_plot.ALGORITHM_COLORS[algo]
        assert handle.get_linestyle() == Line2D([], [], ls=methods.LINESTYLES[algo]).get_linestyle()
    # the sweep's curves: the init's colour, the algorithm's line style
    for label, handle in _legend_entries(figures["elbow_algorithms"][0]):
        if " / " in label:
            init, algo = methods.split(label.split(" (")[0])
            assert handle.get_color() == INIT_COLORS[init], label
            assert handle.get_linestyle() == Line2D([], [], ls=methods.LINESTYLES[algo]
                                                    ).get_linestyle(), label


# --------------------------------------------------------------------------- #
# captions and titles use the same definitions
# --------------------------------------------------------------------------- #
CAPTIONS = {
    "elbow": [RULES["elbow"], BEST_FIT, SEED_BAND, "fit time"],
    "silhouette": [RULES["silhouette"], BEST_FIT, SEED_BAND],
    "criteria": [MEAN_ALL, ALL_BAND, BEST_FIT, MOST_STABLE, PICK, "recommended k"]
    + [RULES[c] for c in ck.LABEL_FREE_CRITERIA],
    "stability": [RULES["stability"], MOST_STABLE],
    "clusters_pca": ["recommended k", "best fit", "true class"],
    "silhouette_diagram": ["k picked by", "number of true classes", "best fit"],
    "comparison": [ALGORITHM_SPREAD, INERTIA_RATIO, ARI_TO_LLOYD, "fit time", "log scale",
                   "bisecting with init pca"],
}
WRONG = ["mean curve", "spread over seeds", "highest mean silhouette", "neighbour"]


def _caption(name: str) -> str:
    return " ".join((REPO / "workflow" / "report" / f"{name}.rst").read_text().split())


@pytest.mark.parametrize("name", sorted(CAPTIONS))
def test_caption_and_plot_say_the_same(name, figures):
    caption = _caption(name)
    fig = figures[name][0] if name in figures else figures["silhouette_k4"][0]
    drawn = " ".join(" ".join(text.split()) for text, _ in _texts(fig))
    caption_only = {("silhouette_diagram", "number of true classes"),
                    ("comparison", "bisecting with init pca")}
    for phrase in CAPTIONS[name]:
        assert phrase in caption, f"{name}.rst lacks {phrase!r}"
        if (name, phrase) not in caption_only:
            assert phrase.lower() in drawn.lower(), f"{name}.png lacks {phrase!r}"
    for phrase in WRONG:
        assert phrase not in caption, f"{name}.rst says {phrase!r}"


def test_headline_says_uncertain_and_names_candidates():
    choice = sweep()[-1]
    lines = verdict.headline(choice, "blobs", list(range(2, 8)))
    assert lines[0] == "blobs: recommended k = 4 (clear)", lines
    # picks at the edge of the sweep abstain, and the headline says to widen it
    _, _, fits, _, gap, stability, _ = sweep()
    edge = ck.choose_k(fits[fits.k <= 4], gap[gap.k <= 4],
                       stability[stability.k <= 4])
    lines = verdict.headline(edge, "blobs", [2, 3, 4])
    assert lines[0].startswith("blobs: no clear k. Candidates: k = 3"), lines
    assert "the largest k swept, and abstain" in lines[1] and "widen the sweep" in lines[1]


@pytest.mark.parametrize("n, n_features", [(500, 1), (500, 2), (500, 9), (500, 500), (40, 500)])
def test_pca_axes_match_sklearn_pca(n, n_features):
    """The cluster picture's axes are scikit-learn's PCA axes (signs included), computed
    without scikit-learn: without a centred copy of X (row blocks) when n >= p, by a thin
    SVD of the rows on wide data (40 x 500)."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(5)
    X = rng.normal(size=(n, n_features)) * np.arange(1, n_features + 1) + 3.0
    n_comp = min(2, n_features)
    mean, components, ratio = cluster_plot.pca_axes(X, n_comp, block=64)
    pca = PCA(n_components=n_comp).fit(X)
    np.testing.assert_allclose(mean, pca.mean_, atol=1e-12)
    np.testing.assert_allclose(components, pca.components_, atol=1e-9)
    np.testing.assert_allclose(ratio, pca.explained_variance_ratio_, atol=1e-12)
    centers = X[:3]
    _, P, C, ev = cluster_plot._project(X, centers, max_points=10_000)
    np.testing.assert_allclose(P[:, :n_comp], pca.transform(X), atol=1e-9)
    np.testing.assert_allclose(C[:, :n_comp], pca.transform(centers), atol=1e-9)
    np.testing.assert_allclose(ev, pca.explained_variance_ratio_ * 100, atol=1e-10)


@pytest.mark.parametrize(
    "lo, hi, expected",
    [
        (0.006, 0.05, {"10 ms", "20 ms", "30 ms", "50 ms"}),  # about a decade: 2, 3, 5 too
        (0.0004, 3.0, {"1 ms", "10 ms", "100 ms", "1 s"}),  # several decades: decades only
        (0.012, 0.018, {"15 ms", "16 ms", "17 ms"}),  # part of a decade: every minor tick
    ],
)
def test_fit_time_axis_reads_in_ms_and_s(lo, hi, expected):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [lo, hi])
    compare_plot.log_seconds(ax)
    ax.set_ylim(lo, hi)
    fig.canvas.draw()
    ticks = ax.get_yticklabels(minor=False) + ax.get_yticklabels(minor=True)
    labels = {t.get_text() for t in ticks}
    labels.discard("")
    assert expected <= labels and not any("$" in t or "10^" in t for t in labels), labels
    plt.close(fig)
