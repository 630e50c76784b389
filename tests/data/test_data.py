"""Unit tests of loading, checking and scaling data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kmeans_sweep.data import load as data
from kmeans_sweep.data import scaling
from kmeans_sweep.data.errors import DataError


def spec(path, **kw):
    return {"source": str(path), "scale": "standard", "missing": "error", **kw}


def test_builtins_have_the_documented_shapes():
    for name, shape in data.BUILTIN_SHAPES.items():
        ds = data.load_builtin({"source": name})
        assert ds.X.shape == shape and ds.y is not None and len(ds.y) == shape[0]
    blobs = data.load_builtin({"source": "blobs", "n_samples": 50, "n_features": 3, "centers": 4})
    assert blobs.X.shape == (50, 3) and len(np.unique(blobs.y)) == 4


def test_csv_with_labels_and_selected_features(tmp_path):
    path = tmp_path / "d.csv"
    pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "a": [1.0, 2, 3, 4],
            "b": [0, 1, 0, 1],
            "flag": [True, False, True, True],
            "y": ["x", "y", "x", "z"],
        }
    ).to_csv(path, index=False)
    ds = data.load_file("d", spec(path, label_column="y", feature_columns=["a", "b", "flag"]))
    assert ds.X.shape == (4, 3) and ds.feature_names == ["a", "b", "flag"]
    assert ds.y.tolist() == [0, 1, 0, 2] and ds.label_names == ["x", "y", "z"]


def test_parquet_default_features_exclude_the_label(tmp_path):
    path = tmp_path / "d.parquet"
    pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1], "cls": [0, 1, 1]}).to_parquet(path)
    ds = data.load_file("d", spec(path, label_column="cls"))
    assert ds.feature_names == ["a", "b"] and ds.y.tolist() == [0, 1, 1]


def test_missing_values_dropped_and_counted(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,2\n,3\n4,\n5,6\n")
    with pytest.raises(DataError, match=r"missing values in 2 row\(s\) \(first at data row 2\)"):
        data.load_file("d", spec(path))
    ds = data.load_file("d", spec(path, missing="drop"))
    assert ds.X.tolist() == [[1, 2], [5, 6]] and ds.dropped_rows == 2
    assert ds.notes == ["dropped 2 row(s) with missing values"]


def test_text_column_is_named(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,name\n1,ann\n2,bob\n")
    with pytest.raises(DataError, match=r"column 'name' .* holds text \(e.g. 'ann'\)"):
        data.load_file("d", spec(path))


def test_constant_columns_scale_without_dividing_by_zero():
    X = np.c_[np.arange(5.0), np.full(5, 3.0)]
    for method in ("standard", "minmax", "none"):
        out, constant = scaling.scale(X, method)
        assert constant == [1] and np.isfinite(out).all()
    out, _ = scaling.scale(X, "standard")
    assert np.allclose(out[:, 1], 0) and np.isclose(out[:, 0].std(), 1)


def test_data_hash_changes_with_values_and_labels():
    X = np.arange(6.0).reshape(3, 2)
    base = data.data_hash(X, None)
    assert base == data.data_hash(X.copy(), None)
    assert base != data.data_hash(X + 1e-12, None)
    assert base != data.data_hash(X, np.array([0, 1, 1]))
    assert base != data.data_hash(X.reshape(2, 3), None)


def test_digits_are_read_as_scikit_learn_loads_them():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    ds = data.load_builtin({"source": "digits"})
    assert ds.X.dtype == np.float64 and ds.X.flags.c_contiguous
    assert np.array_equal(ds.X, bunch.data) and np.array_equal(ds.y, bunch.target)
    assert ds.feature_names == bunch.feature_names
    assert ds.label_names == [str(n) for n in bunch.target_names]
    assert data._sklearn_data_file("digits.csv.gz") is not None  # the fast path is taken
    assert data._sklearn_data_file("no-such-file.csv.gz") is None


def _standard_cases():
    rng = np.random.default_rng(7)
    yield "digits", data.load_builtin({"source": "digits"}).X
    for name in ("iris", "wine", "breast_cancer"):
        yield name, data.load_builtin({"source": name}).X
    wide = rng.normal(size=(5001, 6)) * [1, 1e6, 1e-6, 3, 1, 1] + [0, -4e7, 2, 1e9, 0, 0]
    wide[:, 4] = 2.5  # constant
    wide[:, 5] = 1e-300 * rng.normal(size=5001)  # within rounding of zero variance
    yield "wide", wide
    yield "one row", rng.normal(size=(1, 3))
    yield "negative zeros", np.c_[np.full(4, -0.0), np.arange(4.0)]


@pytest.mark.parametrize("case", list(_standard_cases()), ids=lambda c: c[0])
def test_standard_scaling_is_bit_for_bit_scikit_learns(case):
    import warnings

    from sklearn.preprocessing import StandardScaler

    _, X = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = StandardScaler().fit_transform(X)
    out, _ = scaling.scale(X, "standard")
    assert out.tobytes() == expected.tobytes()


def test_preparing_digits_does_not_import_scikit_learn(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    workflow = Path(__file__).resolve().parents[2] / "workflow"
    code = (
        f"import sys; sys.path.insert(0, {str(workflow)!r})\n"
        "from kmeans_sweep.steps import names\n"
        "from kmeans_sweep.steps.prepare import prepare_dataset\n"
        "prepare_dataset(names(), names(X=%r, y=%r, meta=%r), "
        "names(dataset={'source': 'digits', 'scale': 'standard'}), names(dataset='digits'))\n"
        % (str(tmp_path / 'X.npy'), str(tmp_path / 'y.npy'), str(tmp_path / 'meta.json'))
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert np.load(tmp_path / "X.npy").shape == (1797, 64)
