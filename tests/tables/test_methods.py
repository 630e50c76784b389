"""Methods (tables/methods.py): the init alone while only lloyd is swept, "init / algorithm"
otherwise, and the fit keys and labels seen through that view."""

from __future__ import annotations

import pandas as pd

from kmeans_sweep.tables import methods


def _frame(rows):
    return pd.DataFrame(rows, columns=["dataset", "k", "init", "seed", "algorithm",
                                       "fit_seconds", "inertia"])


def test_method_view_names_the_algorithm_unless_only_lloyd():
    one = _frame([["d", 2, "random", 0, "lloyd", 0.1, 5.0]])
    assert methods.view(one) is one
    only = _frame([["d", 2, "random", 0, "minibatch", 0.1, 5.0]])
    assert methods.named(only) and list(methods.view(only)["init"]) == ["random / minibatch"]
    assert methods.fit_of(2, "random / minibatch", 0) == (2, "random", 0, "minibatch")
    two = _frame([["d", 2, "random", 0, "lloyd", 0.1, 5.0], ["d", 2, "pca", 0, "elkan", 0.1, 5]])
    assert list(methods.view(two)["init"]) == ["random / lloyd", "pca / elkan"]
    assert methods.split("pca / elkan") == ("pca", "elkan") and methods.split("pca") == (
        "pca", "lloyd")
    assert methods.fit_of(2, "pca / elkan", 0) == (2, "pca", 0, "elkan")
    assert methods.fit_of(2, "pca", 0) == (2, "pca", 0)
    labels = {(2, "pca", 0): 1, (2, "pca", 0, "elkan"): 2}
    assert methods.labels_view(labels, True) == {(2, "pca / lloyd", 0): 1, (2, "pca / elkan", 0): 2}
