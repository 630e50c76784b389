"""The algorithm comparison (tables/compare.py): per fit its time against lloyd's, its inertia
against the best fit at its k and its agreement with the best lloyd partition; per (k,
algorithm) the median and range; the findings in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kmeans_sweep.tables import compare


def _frame(rows):
    return pd.DataFrame(rows, columns=["dataset", "k", "init", "seed", "algorithm",
                                       "fit_seconds", "inertia"])


def test_comparison_table_values():
    a, b = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    fits = _frame([
        ["d", 2, "random", 0, "lloyd", 0.2, 10.0],
        ["d", 2, "random", 1, "lloyd", 0.4, 12.0],
        ["d", 2, "random", 0, "minibatch", 0.1, 11.0],
        ["d", 2, "random", 1, "minibatch", 0.05, 15.0],
    ])
    labels = {(2, "random", 0): a, (2, "random", 1): b, (2, "random", 0, "minibatch"): a,
              (2, "random", 1, "minibatch"): b}
    per_fit = compare.per_fit(fits, labels)
    assert list(per_fit["inertia_ratio"]) == [1.0, 1.2, 1.1, 1.5]
    assert list(per_fit["time_vs_lloyd"]) == pytest.approx([2 / 3, 4 / 3, 1 / 3, 1 / 6])
    assert list(per_fit["ari_to_best_lloyd"]) == pytest.approx([1.0, -0.5, 1.0, -0.5])
    table = compare.table(per_fit, "d")
    assert list(table["algorithm"]) == ["lloyd", "minibatch"]
    mb = table.iloc[1]
    assert mb["n_fits"] == 2 and mb["inertia_ratio_median"] == pytest.approx(1.3)
    assert (mb["inertia_ratio_min"], mb["inertia_ratio_max"]) == (1.1, 1.5)
    assert mb["fit_time_s_max"] == 0.1
    guide = compare.guide(table.columns)
    assert all(guide.values()), [c for c, v in guide.items() if not v]
    lines = compare.findings(table)
    assert lines[1].startswith("minibatch: median fit 75.0 ms, 0.25 × lloyd's time")


def test_comparison_without_lloyd_has_no_agreement():
    fits = _frame([["d", 2, "random", 0, "elkan", 0.2, 10.0]])
    per_fit = compare.per_fit(fits, {(2, "random", 0, "elkan"): np.array([0, 1])})
    assert per_fit["ari_to_best_lloyd"].isna().all() and per_fit["time_vs_lloyd"].isna().all()
    assert compare.findings(compare.table(per_fit, "d")) == [
        "elkan: median fit 200.0 ms, inertia 1.000 × the best fit's (medians over k)"]
