"""The real workflow on small configs: every output of the contract, with real values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_png, tiny_config

SCORES = ["fit_seconds", "inertia", "n_iter", "silhouette", "calinski_harabasz", "davies_bouldin"]
LABEL_SCORES = ["homogeneity", "completeness", "v_measure", "ari", "ami"]
PLOTS = ["elbow", "silhouette", "clusters_pca", "criteria", "stability", "comparison"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    from conftest import Workflow

    wf = Workflow(tmp_path_factory.mktemp("tiny"))
    wf.write_config(tiny_config())
    wf.run()
    return wf


def test_fits_parquet_has_every_fit_and_score(tiny_run):
    fits = pd.read_parquet(tiny_run.results("iris", "fits.parquet"))
    assert len(fits) == 3 * 2 * 2
    assert list(fits.columns[:4]) == ["dataset", "k", "init", "seed"]
    for col in SCORES + LABEL_SCORES + ["sklearn_version", "n_clusters"]:
        assert col in fits.columns, col
    assert set(fits["dataset"]) == {"iris"}
    assert sorted(set(zip(fits.k, fits.init, fits.seed, strict=True))) == sorted(
        (k, i, s) for k in (2, 3, 4) for i in ("k-means++", "random") for s in (0, 1)
    )
    assert fits[SCORES + LABEL_SCORES].notna().all().all()
    assert (fits["inertia"] > 0).all() and (fits["fit_seconds"] > 0).all()
    assert fits["silhouette"].between(-1, 1).all()
    assert fits["ari"].between(-1, 1).all()
    # inertia falls with k for the best fit at each k
    best = fits.groupby("k")["inertia"].min()
    assert best.is_monotonic_decreasing
    import sklearn

    assert set(fits["sklearn_version"]) == {sklearn.__version__}


def test_scores_match_scikit_learn(tiny_run):
    """Recompute one fit's scores with scikit-learn from the stored labels."""
    from sklearn import metrics
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    from kmeans_sweep.io import read_labels

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    fits = pd.read_parquet(tiny_run.results("iris", "fits.parquet"))
    labels = read_labels(sorted(tiny_run.results("iris", "fits").glob("chunk*.labels.parquet")))
    assert len(labels) == len(fits)
    for row in fits.itertuples():
        lab = labels[(row.k, row.init, row.seed)]
        assert row.silhouette == pytest.approx(metrics.silhouette_score(X, lab), rel=1e-9)
        assert row.calinski_harabasz == pytest.approx(
            metrics.calinski_harabasz_score(X, lab), rel=1e-9
        )
        assert row.davies_bouldin == pytest.approx(metrics.davies_bouldin_score(X, lab), rel=1e-9)
        assert row.ami == pytest.approx(metrics.adjusted_mutual_info_score(y, lab), rel=1e-9)
        assert row.ari == pytest.approx(metrics.adjusted_rand_score(y, lab), rel=1e-9)
        assert row.v_measure == pytest.approx(metrics.v_measure_score(y, lab), rel=1e-9)


def test_summary_tables(tiny_run):
    fits = pd.read_parquet(tiny_run.results("iris", "fits.parquet"))
    summary = pd.read_parquet(tiny_run.results("iris", "summary.parquet"))
    csv = pd.read_csv(tiny_run.results("iris", "summary.csv"))
    assert len(summary) == 3 * 2 and len(csv) == len(summary)
    assert (summary["n_fits"] == 2).all()
    for m in SCORES + LABEL_SCORES:
        assert f"{m}_mean" in summary and f"{m}_std" in summary, m
    row = summary[(summary.k == 3) & (summary.init == "random")].iloc[0]
    sel = fits[(fits.k == 3) & (fits.init == "random")]
    assert row["inertia_mean"] == pytest.approx(sel["inertia"].mean())
    assert row["inertia_std"] == pytest.approx(sel["inertia"].std(ddof=1))
    # the CSV is rounded for people (4 decimals for silhouette), the Parquet keeps every digit
    assert np.allclose(csv["silhouette_mean"], summary["silhouette_mean"], rtol=0, atol=5e-5)
    assert (csv["silhouette_mean"] == csv["silhouette_mean"].round(4)).all()
    assert not (summary["silhouette_mean"] == summary["silhouette_mean"].round(4)).all()


def test_plots_exist_and_are_not_blank(tiny_run):
    for name in PLOTS:
        assert_png(tiny_run.results("iris", "plots", f"{name}.png"))
    diagrams = sorted(tiny_run.results("iris", "plots", "silhouette_diagrams").glob("*.png"))
    assert diagrams, "no silhouette diagrams"
    for path in diagrams:
        assert path.name.startswith("silhouette_k")
        assert_png(path)


def test_every_picture_marks_the_k_of_choose_k_csv(tiny_run):
    """The ks each PNG records as marked (its metadata) are choose_k.csv's."""
    from kmeans_sweep.plots.style import read_marks

    choice = pd.read_csv(tiny_run.results("iris", "choose_k.csv"))
    picks = {r.criterion: None if pd.isna(r.k) else int(r.k) for r in choice.itertuples()}
    plots = tiny_run.results("iris", "plots")
    assert read_marks(plots / "elbow.png") == {"elbow": picks["elbow"]}
    assert read_marks(plots / "silhouette.png") == {"silhouette": picks["silhouette"]}
    assert read_marks(plots / "stability.png") == {"stability": picks["stability"]}
    assert read_marks(plots / "clusters_pca.png") == {"clusters_pca": picks["recommended"]}
    assert read_marks(plots / "criteria.png") == picks
    diagrams = sorted((plots / "silhouette_diagrams").glob("*.png"))
    marked = {read_marks(p)["k"] for p in diagrams}
    assert marked == {k for k in picks.values() if k is not None} | {3}  # iris: 3 classes
    assert {p.name for p in diagrams} == {f"silhouette_k{k}.png" for k in marked}
    for name in ("summary.html", "choose_k.html"):
        page = tiny_run.results("iris", name).read_text()
        assert "<table>" in page and "<h3>Columns</h3>" in page, name


def test_nothing_to_do_after_a_run(tiny_run):
    out = tiny_run.run("-n")
    assert "Nothing to be done" in out.stdout + out.stderr


def test_lint_is_clean(tiny_run):
    out = tiny_run.run("--lint")
    assert "Congratulations" in out.stdout + out.stderr


def test_digits_agree_with_scikit_learn_example(workflow):
    """Configured like examples/cluster/plot_kmeans_digits.py, the numbers agree with it."""
    from sklearn import metrics
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_digits
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    workflow.write_config(
        {
            "datasets": {"digits": {"source": "digits", "scale": "standard"}},
            "sweep": {"k": [10], "init": ["k-means++", "random"], "seeds": [0], "n_init": 4},
            "choose_k": {"gap_references": 2},
        }
    )
    workflow.run("results/digits/fits.parquet")
    fits = pd.read_parquet(workflow.results("digits", "fits.parquet")).set_index("init")
    data, labels = load_digits(return_X_y=True)
    for init in ("k-means++", "random"):
        # exactly the example's bench_k_means
        est = make_pipeline(
            StandardScaler(), KMeans(init=init, n_clusters=10, n_init=4, random_state=0)
        ).fit(data)
        lab = est[-1].labels_
        row = fits.loc[init]
        assert f"{row.inertia:.0f}" == f"{est[-1].inertia_:.0f}"
        expected = [
            metrics.homogeneity_score(labels, lab),
            metrics.completeness_score(labels, lab),
            metrics.v_measure_score(labels, lab),
            metrics.adjusted_rand_score(labels, lab),
            metrics.adjusted_mutual_info_score(labels, lab),
        ]
        got = [row.homogeneity, row.completeness, row.v_measure, row.ari, row.ami]
        assert [f"{v:.3f}" for v in got] == [f"{v:.3f}" for v in expected]
        assert got == pytest.approx(expected, rel=1e-12)
