"""Wide data: a matrix stored features in rows with a labels file, and feature selection."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from kmeans_sweep.config import fill_defaults, inspect_dataset, prepare_settings
from kmeans_sweep.data.errors import DataError
from kmeans_sweep.data.load import check_spec_keys, load_dataset
from kmeans_sweep.data.selection import spread, top_features
from kmeans_sweep.steps import names
from kmeans_sweep.steps.prepare import prepare_dataset

SAMPLES = [f"s{i}" for i in range(12)]
GENES = [f"g{j}" for j in range(30)]
CLASSES = np.array([3, 10, 2] * 4)  # numbers: "10" must sort after "2", as in a label column


def write_both(tmp_path, X=None):
    """The same data stored both ways; returns the two dataset specs."""
    X = np.random.default_rng(0).normal(size=(12, 30)).round(4) if X is None else X
    long = pd.DataFrame(X, columns=GENES).assign(cls=CLASSES)
    long.to_csv(tmp_path / "long.csv", index=False)
    wide = pd.DataFrame(X.T, columns=SAMPLES)
    wide.insert(0, "gene", GENES)
    wide.to_csv(tmp_path / "wide.csv", index=False)
    # the labels file in another order than the data's samples
    labels = pd.DataFrame({"sample": SAMPLES[::-1], "subtype": CLASSES[::-1]})
    labels.to_csv(tmp_path / "labels.csv", index=False)
    return (
        {"source": str(tmp_path / "long.csv"), "label_column": "cls", "scale": "standard"},
        {
            "source": str(tmp_path / "wide.csv"),
            "layout": "features_in_rows",
            "labels_file": str(tmp_path / "labels.csv"),
            "scale": "standard",
        },
    )


def prepare(tmp_path, name, spec):
    out = tmp_path / name
    out.mkdir()
    meta = prepare_dataset(
        names(), names(X=out / "X.npy", y=out / "y.npy", meta=out / "meta.json"),
        names(dataset=spec), names(dataset=name),
    )
    return np.load(out / "X.npy"), np.load(out / "y.npy"), meta


def test_features_in_rows_prepares_the_same_data(tmp_path):
    long, wide = write_both(tmp_path)
    X1, y1, m1 = prepare(tmp_path, "long", long)
    X2, y2, m2 = prepare(tmp_path, "wide", wide)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert m1["sha256"] == m2["sha256"] and m1["feature_names"] == m2["feature_names"] == GENES
    assert m2["label_names"] == ["2", "3", "10"] and m2["layout"] == "features_in_rows"
    pd.DataFrame(pd.read_csv(wide["source"])).to_parquet(tmp_path / "wide.parquet")
    X3, y3, _ = prepare(tmp_path, "pq", {**wide, "source": str(tmp_path / "wide.parquet")})
    np.testing.assert_array_equal(X1, X3)
    np.testing.assert_array_equal(y1, y3)


def test_missing_values_drop_samples_and_their_labels(tmp_path):
    X = np.random.default_rng(1).normal(size=(12, 30)).round(4)
    X[4, 7] = np.nan
    long, wide = write_both(tmp_path, X)
    with pytest.raises(DataError, match=r"missing values in 1 sample.*'s4'.*missing: drop"):
        load_dataset("w", wide)
    a, b = (
        load_dataset("l", {**long, "missing": "drop"}),
        load_dataset("w", {**wide, "missing": "drop"}),
    )
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert b.X.shape == (11, 30) and b.dropped_rows == 1


def test_top_variable_features_before_scaling(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(12, 30))
    X[:, [3, 17, 25]] *= 50  # the widest spread
    X[0, 9] = 1e6  # one outlier: the largest variance, but not the largest MAD
    long, _ = write_both(tmp_path, X)
    _, _, meta = prepare(tmp_path, "mad", {**long, "top_variable_features": 3})
    assert meta["feature_names"] == ["g3", "g17", "g25"] and meta["n_features"] == 3
    assert meta["feature_selection"] == {
        "measure": "mad",
        "top_variable_features": 3,
        "n_features_before": 30,
        "n_features_kept": 3,
    }
    assert json.loads((tmp_path / "mad" / "meta.json").read_text())["feature_selection"]
    spec = {**long, "top_variable_features": 3, "feature_selection": "variance"}
    Xv, _, meta = prepare(tmp_path, "var", spec)
    assert "g9" in meta["feature_names"]
    np.testing.assert_allclose(Xv.std(axis=0), 1.0)  # scaled after the selection
    assert list(top_features(X, 100, "mad")) == list(range(30))


def test_spread_is_mad_and_variance_in_column_blocks(monkeypatch):
    from kmeans_sweep.data import selection

    X = np.random.default_rng(3).normal(size=(50, 7)).astype(np.float32)
    monkeypatch.setattr(selection, "BLOCK_BYTES", 8 * 50 * 2)  # two columns per block
    mad = np.median(np.abs(X - np.median(X, axis=0)), axis=0)
    np.testing.assert_allclose(spread(X, "mad"), mad, rtol=1e-6)
    np.testing.assert_allclose(spread(X, "variance"), X.astype(float).var(axis=0), rtol=1e-9)


def test_shape_and_params_follow_the_new_keys(tmp_path):
    long, wide = write_both(tmp_path)
    config = fill_defaults({"datasets": {"w": dict(wide), "l": dict(long)}})
    w, s = config["datasets"]["w"], config["datasets"]["l"]
    assert inspect_dataset("w", w).n_samples == 12
    assert inspect_dataset("w", {**w, "top_variable_features": 5}).n_features == 5
    assert "layout" not in prepare_settings(s) and "top_variable_features" not in prepare_settings(
        s
    )
    assert prepare_settings(w)["labels_file"] == wide["labels_file"]
    assert prepare_settings({**s, "top_variable_features": 5})["feature_selection"] == "mad"


@pytest.mark.parametrize(
    "spec, words",
    [
        ({"source": "iris", "layout": "features_in_rows"}, ["datasets.x.layout", "files"]),
        (
            {"source": "a.csv", "labels_file": "l.csv"},
            ["datasets.x.labels_file", "features_in_rows"],
        ),
        (
            {"source": "a.csv", "layout": "features_in_rows", "label_column": "c"},
            ["datasets.x.label_column", "samples_in_rows", "labels_file"],
        ),
    ],
)
def test_keys_that_do_not_apply_to_the_layout(spec, words):
    with pytest.raises(DataError) as err:
        check_spec_keys("x", spec)
    assert all(w in str(err.value) for w in words), str(err.value)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t.replace("\ng2,", "\ng1,"), ["duplicate feature ids", "'g1'"]),
        (lambda t: re.sub(r"\ng5,[^,]+,", "\ng5,inf,", t), ["'g5'", "infinite", "'s0'"]),
    ],
)
def test_malformed_feature_rows(tmp_path, edit, words):
    _, wide = write_both(tmp_path)
    path = tmp_path / "wide.csv"
    path.write_text(edit(path.read_text()))
    with pytest.raises(DataError) as err:
        load_dataset("w", wide)
    assert all(w in str(err.value) for w in words), str(err.value)


@pytest.mark.parametrize(
    "labels, words",
    [
        ("sample\ns0\n", ["two columns", "not 1"]),
        ("sample,c\ns0,a\ns0,b\n", ["more than once", "'s0'"]),
        ("", ["labels.csv", "empty"]),
    ],
)
def test_malformed_labels_file(tmp_path, labels, words):
    _, wide = write_both(tmp_path)
    (tmp_path / "labels.csv").write_text(labels)
    with pytest.raises(DataError) as err:
        load_dataset("w", wide)
    assert all(w in str(err.value) for w in words), str(err.value)
    assert str(err.value).startswith("datasets.w.labels_file: ")
