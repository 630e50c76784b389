"""Large data in bounded memory: column-wise reading, in-place scaling, dtype, memory-mapped
copy-on-write fits and compact labels."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import tiny_config

from kmeans_sweep import io
from kmeans_sweep.data import load as data
from kmeans_sweep.data import readers, scaling
from kmeans_sweep.data.errors import DataError
from kmeans_sweep.fit import mapped_fit


def spec(path, **kw):
    return {"source": str(path), "scale": "standard", "missing": "error", **kw}


def old_load(path, **kw) -> np.ndarray:
    """What the loader did before: the whole file through pandas, as float64."""
    frame = pd.read_csv(path) if str(path).endswith(".csv") else pd.read_parquet(path)
    features = kw.get("feature_columns") or [
        c for c in frame.columns if c != kw.get("label_column")
    ]
    return frame[features].to_numpy(dtype=np.float64, na_value=np.nan)


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 2500
    return pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.integers(-50, 50, size=n),
            "c": rng.normal(size=n) * 1e3,
            "flag": rng.integers(0, 2, size=n).astype(bool),
            "label": rng.choice(["x", "y", "z"], size=n),
        }
    )


@pytest.fixture(params=["csv", "parquet"])
def table_file(request, tmp_path, frame, monkeypatch):
    """The frame as CSV (read in chunks of 700 rows) or as Parquet (row groups of 600)."""
    monkeypatch.setattr(readers, "CSV_CHUNK_ROWS", 700)
    path = tmp_path / f"d.{request.param}"
    if request.param == "csv":
        frame.to_csv(path, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(frame), path, row_group_size=600)
    return path


def test_chunked_reading_equals_the_whole_file_read(table_file):
    ds = data.load_file("d", spec(table_file, label_column="label"))
    assert ds.X.dtype == np.float64
    assert np.array_equal(ds.X, old_load(table_file, label_column="label"))
    assert ds.feature_names == ["a", "b", "c", "flag"] and ds.label_names == ["x", "y", "z"]
    codes, _ = pd.factorize(
        pd.read_csv(table_file)["label"]
        if table_file.suffix == ".csv"
        else pd.read_parquet(table_file)["label"],
        sort=True,
    )
    assert np.array_equal(ds.y, codes)


def test_float32_reading_has_no_float64_copy(table_file):
    ds = data.load_file("d", spec(table_file, label_column="label"), np.float32)
    assert ds.X.dtype == np.float32 and ds.X.flags.c_contiguous
    assert np.array_equal(ds.X, old_load(table_file, label_column="label").astype(np.float32))


def test_missing_rows_dropped_in_place(tmp_path, frame, monkeypatch):
    monkeypatch.setattr(readers, "CSV_CHUNK_ROWS", 300)
    frame = frame.astype({"b": float})
    frame.loc[[5, 700, 2499], "a"] = np.nan
    frame.loc[[1200], "b"] = np.nan
    frame.loc[[1500], "label"] = None
    for name in ("d.csv", "d.parquet"):
        path = tmp_path / name
        frame.to_csv(path, index=False) if name.endswith("csv") else frame.to_parquet(path)
        with pytest.raises(
            DataError, match=r"missing values in 5 row\(s\) \(first at data row 6\)"
        ):
            data.load_file("d", spec(path, label_column="label"))
        ds = data.load_file("d", spec(path, label_column="label", missing="drop"), np.float32)
        keep = frame.drop(index=[5, 700, 2499, 1200, 1500])
        assert ds.dropped_rows == 5 and ds.X.shape == (len(keep), 4)
        features = keep[["a", "b", "c", "flag"]].to_numpy(dtype=np.float64)
        assert np.array_equal(ds.X, features.astype(np.float32))
        assert np.array_equal(ds.y, pd.factorize(keep["label"], sort=True)[0])
        scan = data.scan_file("d", spec(path, label_column="label", missing="drop"))
        assert scan.X is None and scan.n_rows == len(keep) and scan.dropped == 5


def test_errors_in_a_later_chunk_keep_their_order(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CSV_CHUNK_ROWS", 2)
    path = tmp_path / "d.csv"
    # missing in chunk 1, infinite in chunk 2, text in chunk 3: text wins, then infinity
    path.write_text("a,b\n1,\n2,3\n4,inf\n5,6\n7,x\n")
    with pytest.raises(DataError, match=r"column 'b' .* holds text \(e.g. 'x'\)"):
        data.scan_file("d", spec(path))
    path.write_text("a,b\n1,\n2,3\n4,inf\n5,6\n7,8\n")
    with pytest.raises(DataError, match=r"column 'b' .* holds infinite values"):
        data.scan_file("d", spec(path))


def test_parquet_text_column_and_pandas_index(tmp_path):
    path = tmp_path / "d.parquet"
    pd.DataFrame({"a": [1.0, 2.0], "name": ["ann", "bob"]}, index=[7, 9]).to_parquet(path)
    with pytest.raises(DataError, match=r"column 'name' .* holds text \(e.g. 'ann'\)"):
        data.load_file("d", spec(path))
    ds = data.load_file("d", spec(path, feature_columns=["a"]))
    assert ds.feature_names == ["a"] and ds.X.tolist() == [[1.0], [2.0]]


@pytest.mark.parametrize("method", ["standard", "minmax", "none"])
def test_in_place_scaling_equals_the_old_path_for_float64(method):
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(size=(3000, 3)) * [1, 100, 1e-3] + [0, 5, -7], np.full(3000, 2.0)]
    old = {"standard": StandardScaler(), "minmax": MinMaxScaler()}.get(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = X if old is None else old.fit_transform(X)
    copy = X.copy()
    out, constant = scaling.scale(copy, method, in_place=True)
    assert constant == [3] and out.dtype == np.float64
    assert np.array_equal(out, expected)
    assert np.shares_memory(out, copy)


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_float32_scaling_stays_float32_and_in_place(method):
    rng = np.random.default_rng(2)
    X64 = np.c_[rng.normal(size=(200_000, 3)) * [1, 100, 3] + [0, 1e3, -7], np.full(200_000, 2.0)]
    X = X64.astype(np.float32)
    expected, _ = scaling.scale(X.astype(np.float64), method)
    out, constant = scaling.scale(X, method, in_place=True)
    assert out.dtype == np.float32 and np.shares_memory(out, X) and constant == [3]
    assert np.allclose(out, expected, atol=1e-5, rtol=1e-5)
    assert np.all(out[:, 3] == 0)
    if method == "standard":
        assert np.allclose(out[:, :3].mean(axis=0, dtype=np.float64), 0, atol=1e-6)
        assert np.allclose(out[:, :3].std(axis=0, dtype=np.float64), 1, atol=1e-6)


def test_scale_without_in_place_leaves_the_input_alone():
    X = np.arange(12.0).reshape(6, 2)
    before = X.copy()
    scaling.scale(X, "standard")
    assert np.array_equal(X, before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_copy_on_write_fit_is_identical_and_leaves_the_file(tmp_path, dtype):
    from sklearn.cluster import BisectingKMeans, KMeans, MiniBatchKMeans

    rng = np.random.default_rng(3)
    X = (rng.normal(size=(4000, 5)) * 3 + 10).astype(dtype)
    path = tmp_path / "X.npy"
    io.write_npy(X, path)
    mapped = io.load_X(path)
    assert isinstance(mapped, np.memmap) and not mapped.flags.writeable
    for make in (
        lambda: KMeans(6, random_state=0, n_init=1),
        lambda: KMeans(4, init="random", algorithm="elkan", random_state=1, n_init=2),
        lambda: BisectingKMeans(5, random_state=0),
        lambda: MiniBatchKMeans(5, random_state=0, n_init=1),
    ):
        for _ in range(2):  # the second fit must see the file's values again
            ref = make().fit(X)
            got = mapped_fit.fit_model(make(), mapped)
            assert np.array_equal(ref.labels_, got.labels_)
            assert ref.inertia_ == got.inertia_
            assert np.array_equal(ref.cluster_centers_, got.cluster_centers_)
            if "copy_x" in got.get_params():
                assert got.get_params()["copy_x"] is True
    assert np.array_equal(np.load(path), X) and np.array_equal(mapped, X)


def test_fit_one_on_a_mapped_X_equals_in_memory(tmp_path):
    from kmeans_sweep.fit.fitting import fit_one
    from kmeans_sweep.fit.scores import silhouette_base

    X = np.random.default_rng(4).normal(size=(600, 4)).astype(np.float32)
    io.write_npy(X, tmp_path / "X.npy")
    settings = {"n_init": 1, "max_iter": 300}
    sil = silhouette_base(X, 5000)
    a = fit_one(X, None, 5, "k-means++", 0, settings, sil)
    b = fit_one(io.load_X(tmp_path / "X.npy"), None, 5, "k-means++", 0, settings, sil)
    drop = ("fit_seconds", "score_seconds")
    assert {k: v for k, v in a[0].items() if k not in drop} == {
        k: v for k, v in b[0].items() if k not in drop
    }
    assert np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])


@pytest.mark.parametrize(("k", "dtype"), [(2, np.uint8), (256, np.uint8), (300, np.uint16)])
def test_labels_stored_compactly_round_trip(tmp_path, k, dtype):
    from kmeans_sweep.fit.scores import encode

    rng = np.random.default_rng(5)
    labels = {(k, "k-means++", s): rng.integers(0, k, size=1000).astype(np.int32) for s in (0, 1)}
    labels[(k, "k-means++", 0)][0] = k - 1
    path = tmp_path / "labels.parquet"
    io.write_labels(labels, path)
    back = io.read_labels([path])
    assert set(back) == set(labels)
    for key, lab in labels.items():
        assert back[key].dtype == dtype and np.array_equal(back[key], lab)
        codes, counts = encode(back[key])
        ref_codes, ref_counts = encode(lab)
        assert np.array_equal(codes, ref_codes) and np.array_equal(counts, ref_counts)
    assert pq.read_schema(path).field(0).type == pa.from_numpy_dtype(dtype)


def test_schema_dtype_default_and_prepare_settings():
    from kmeans_sweep import config as plan

    config = plan.fill_defaults({"datasets": {"d": {"source": "iris"}}})
    assert config["datasets"]["d"]["dtype"] == "float64"
    assert "dtype" not in plan.prepare_settings(config["datasets"]["d"])
    spec32 = {**config["datasets"]["d"], "dtype": "float32"}
    assert plan.prepare_settings(spec32)["dtype"] == "float32"
    assert plan.schema_error({"datasets": {"d": {"source": "iris", "dtype": "float16"}}})


def test_float32_file_runs_end_to_end(workflow, frame):
    path = workflow.path / "data.parquet"
    pq.write_table(pa.Table.from_pandas(frame), path, row_group_size=500)
    config = tiny_config()
    config["datasets"] = {
        "mine": {"source": "data.parquet", "label_column": "label", "dtype": "float32"}
    }
    workflow.write_config(config)
    workflow.run()
    X = np.load(workflow.results("mine", "prepared", "X.npy"))
    assert X.dtype == np.float32 and X.shape == (2500, 4)
    meta = pd.read_json(workflow.results("mine", "prepared", "meta.json"), typ="series")
    assert meta["dtype"] == "float32"
    fits = pd.read_parquet(workflow.results("mine", "fits.parquet"))
    assert len(fits) == 12 and fits["inertia"].notna().all()
    labels = io.read_labels(sorted(workflow.results("mine", "fits").glob("chunk*.labels.parquet")))
    assert len(labels) == 12 and all(v.dtype == np.uint8 for v in labels.values())
    assert workflow.results("mine", "choose_k.csv").exists()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_variances_equal_np_var_bit_for_bit(tmp_path, dtype):
    from sklearn.cluster import _kmeans

    rng = np.random.default_rng(6)
    X = (rng.normal(size=(30_001, 19)) * rng.uniform(0.1, 100, 19) + 3).astype(dtype)
    io.write_npy(X, tmp_path / "X.npy")
    mapped = io.load_X(tmp_path / "X.npy")
    assert np.array_equal(mapped_fit.column_variances(mapped), np.var(X, axis=0))
    original = _kmeans._tolerance
    with mapped_fit._tolerance_from(mapped_fit.column_variances(mapped)):
        assert _kmeans._tolerance(mapped, 1e-4) == original(X, 1e-4)
    assert _kmeans._tolerance is original
