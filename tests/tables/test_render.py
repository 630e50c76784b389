"""Tables for people (tables/render.py): every number rounded to the digits that mean
something, every column explained, and a self-contained HTML page."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _fitsframe import build_fits  # tests/ helper (pytest puts tests/ on sys.path)
from sklearn.datasets import make_blobs

from kmeans_sweep.tables import render
from kmeans_sweep.tables.aggregate import summarize

REPO = Path(__file__).resolve().parents[2]


@cache
def small_sweep() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fits of a small labelled sweep and its choose_k table."""
    from kmeans_sweep.choose import choose_k as ck
    from kmeans_sweep.choose import stability as stab
    from kmeans_sweep.fit.gap import gap_statistic

    X, y = make_blobs(n_samples=150, n_features=3, centers=3, random_state=1)
    fits, labels = build_fits(X, range(2, 6), seeds=range(3), y=y, dataset="blobs")
    choice = ck.choose_k(fits, gap_statistic(X, range(2, 6), n_refs=2),
                         stab.stability_table(labels))
    return fits, choice


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("inertia_mean", 123456.789, 123457.0),  # 6 significant digits
        ("inertia_best_fit", 0.000123456789, 0.000123457),
        ("silhouette_mean", 0.123456, 0.1235),  # a score on a fixed scale: 4 decimals
        ("gap", 1.23456, 1.2346),
        ("calinski_harabasz_best_fit", 98765.4321, 98765.0),  # 5 significant digits
        ("davies_bouldin_mean", 0.987654, 0.9877),  # 4 significant digits
        ("inertia_std", 1234.5, 1200.0),  # every spread: 2 significant digits
        ("fit_seconds_mean", 0.0123456, 0.0123),
        ("rcsi", -2.34567, -2.35),
        ("p_rcsi", 0.000123456, 0.000123),
    ],
)
def test_numbers_are_rounded_to_meaningful_digits(column, value, shown):
    out = render.for_people(pd.DataFrame({column: [value]}))
    assert out[column].iloc[0] == pytest.approx(shown, rel=1e-12)


def test_rounding_leaves_the_rest_alone():
    frame = pd.DataFrame({"k": [2, 3], "inertia_mean": [np.nan, 0.0], "note": ["a", "b"],
                          "unknown_column": [1.23456789, 2.0], "n_fits": [3, 3]})
    out = render.for_people(frame)
    pd.testing.assert_frame_equal(out, frame)  # NaN, 0, text, ints, unknown columns as they were
    assert out is not frame


def test_tables_are_rounded_and_every_column_explained():
    fits, choice = small_sweep()
    summary = summarize(fits)
    shown = render.for_people(summary)
    assert shown["inertia_mean"].map(lambda v: len(f"{v:g}".replace(".", "")) <= 6).all()
    assert shown["silhouette_mean"].map(lambda v: round(v, 4) == v).all()
    assert np.allclose(shown["silhouette_mean"], summary["silhouette_mean"], atol=5e-5)
    guide = render.summary_guide(summary.columns)
    assert all(guide[c] for c in summary.columns), [c for c in guide if not guide[c]]
    assert set(choice.columns) <= set(render.CHOICE_GUIDE)
    readme = (REPO / "docs" / "outputs.md").read_text()
    for col in [*render.METRICS, *[c for c in render.CHOICE_GUIDE if c != "dataset"]]:
        assert f"`{col}`" in readme, f"docs/outputs.md does not explain {col}"
    page = render.to_html(choice, "t", render.CHOICE_GUIDE, ["intro"], highlight="recommended")
    assert page.count("<tr") == len(choice) + 1 and "<dt>seed_stability_ari</dt>" in page


def test_the_html_page_escapes_highlights_and_rounds():
    frame = pd.DataFrame({"criterion": ["gap", "recommended"], "k": [3, 4],
                          "inertia_mean": [100594.0, 12.3456789], "note": ["<b>&", None],
                          "pac_refs": [[0.123456, 0.5], [0.25]]})
    page = render.to_html(frame, "a <title>", {"k": "the k"}, ["one", "two"], "recommended")
    assert "<title>a &lt;title&gt;</title>" in page and "<p>one</p><p>two</p>" in page
    assert "<td>&lt;b&gt;&amp;</td>" in page
    assert re.search(r"<td[^>]*></td><td>0.25</td>", page)  # a missing value: an empty cell
    assert '<tr class="hl"><td>recommended</td>' in page and page.count('class="hl"') == 1
    assert '<td class="num">100594</td>' in page and '<td class="num">12.3457</td>' in page
    assert "<td>0.1235, 0.5</td>" in page  # each reference's PAC, 4 significant digits
    assert "<dt>k</dt><dd>the k</dd>" in page and "<dt>note</dt><dd></dd>" in page
