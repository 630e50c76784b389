"""Loading and checking datasets (scaling is in :mod:`scaling`).

Everything here raises :class:`DataError` with a one-line message naming the dataset key
or the file and the problem. The same checks run twice: when the Snakefile is parsed (so a
bad file stops the run before any job starts) and in the ``prepare_dataset`` job.
Files are only ever read as data: CSV through pandas' parser, Parquet through pyarrow.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import DataError

BUILTIN_SHAPES = {
    "digits": (1797, 64),
    "iris": (150, 4),
    "wine": (178, 13),
    "breast_cancer": (569, 30),
}
BLOBS_DEFAULTS = {
    "n_samples": 1000,
    "n_features": 2,
    "centers": 3,
    "cluster_std": 1.0,
    "random_state": 0,
}
BUILTINS = (*BUILTIN_SHAPES, "blobs")
FILE_ONLY_KEYS = ("label_column", "feature_columns", "labels_file")
SAMPLES_IN_ROWS_KEYS = ("label_column", "feature_columns")  # not with layout: features_in_rows
LAYOUTS = ("samples_in_rows", "features_in_rows")
BLOBS_ONLY_KEYS = tuple(BLOBS_DEFAULTS)
FILE_SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass
class Dataset:
    """A loaded (not yet scaled) dataset."""

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    label_names: list[str] | None = None
    dropped_rows: int = 0
    notes: list[str] = field(default_factory=list)


def is_file_source(source: str) -> bool:
    return source not in BUILTINS


def check_spec_keys(name: str, spec: dict) -> None:
    """Reject options that do not apply to this kind of source."""
    source = spec["source"]
    _check_layout_keys(name, spec)
    if is_file_source(source):
        bad = [key for key in BLOBS_ONLY_KEYS if key in spec]
        if bad:
            raise DataError(
                f"datasets.{name}.{bad[0]}: only applies to source: blobs, "
                f"not to the file {source!r}"
            )
        if Path(source).suffix.lower() not in FILE_SUFFIXES:
            if "/" in source or "." in source:
                raise DataError(
                    f"datasets.{name}.source: {source!r} is neither a built-in dataset nor "
                    f"a .csv or .parquet file"
                )
            raise DataError(
                f"datasets.{name}.source: unknown built-in dataset {source!r} "
                f"(choose one of {', '.join(BUILTINS)} or give a .csv/.parquet path)"
            )
        return
    for key in FILE_ONLY_KEYS:
        if spec.get(key) is not None:
            raise DataError(
                f"datasets.{name}.{key}: only applies to file datasets, not to the "
                f"built-in {source!r}"
            )
    if source != "blobs":
        bad = [key for key in BLOBS_ONLY_KEYS if key in spec]
        if bad:
            raise DataError(
                f"datasets.{name}.{bad[0]}: only applies to source: blobs, not to {source!r}"
            )


def is_features_in_rows(spec: dict) -> bool:
    return spec.get("layout", "samples_in_rows") == "features_in_rows"


def _check_layout_keys(name: str, spec: dict) -> None:
    """``layout`` applies to files; ``labels_file`` needs features_in_rows, which has no
    label_column or feature_columns."""
    where = f"datasets.{name}"
    if is_features_in_rows(spec):
        if not is_file_source(spec["source"]):
            raise DataError(
                f"{where}.layout: features_in_rows only applies to files, not to the built-in "
                f"{spec['source']!r}"
            )
        bad = [key for key in SAMPLES_IN_ROWS_KEYS if spec.get(key) is not None]
        if bad:
            raise DataError(
                f"{where}.{bad[0]}: only applies to layout: samples_in_rows (with "
                f"features_in_rows, give the classes in datasets.{name}.labels_file)"
            )
    elif spec.get("labels_file") is not None:
        raise DataError(
            f"{where}.labels_file: only applies to layout: features_in_rows (with samples in "
            f"rows, name the class column in datasets.{name}.label_column)"
        )


def blobs_options(spec: dict) -> dict:
    return {key: spec.get(key, default) for key, default in BLOBS_DEFAULTS.items()}


def builtin_shape(spec: dict) -> tuple[int, int]:
    source = spec["source"]
    if source == "blobs":
        opts = blobs_options(spec)
        return opts["n_samples"], opts["n_features"]
    return BUILTIN_SHAPES[source]


def load_builtin(spec: dict) -> Dataset:
    source = spec["source"]
    if source == "blobs":
        from sklearn.datasets import make_blobs

        opts = blobs_options(spec)
        X, y = make_blobs(**opts)
        names = [f"x{i}" for i in range(X.shape[1])]
        return Dataset(np.ascontiguousarray(X, dtype=np.float64), y.astype(np.int64), names)
    if source == "digits" and (path := _sklearn_data_file("digits.csv.gz")):
        return read_digits(path)
    from sklearn import datasets

    loader = getattr(datasets, f"load_{source}")
    bunch = loader()
    names = [str(n) for n in getattr(bunch, "feature_names", range(bunch.data.shape[1]))]
    label_names = [str(n) for n in getattr(bunch, "target_names", [])] or None
    return Dataset(
        np.ascontiguousarray(bunch.data, dtype=np.float64),
        bunch.target.astype(np.int64),
        names,
        label_names,
    )


def _sklearn_data_file(name: str) -> Path | None:
    """A data file shipped with scikit-learn, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / name
    return path if path.is_file() else None


def read_digits(path: Path) -> Dataset:
    """The digits as ``sklearn.datasets.load_digits()`` gives them (same file, same parser,
    same names: tested), without the 3 s import of scikit-learn."""
    with gzip.open(path, mode="rt", encoding="utf-8") as fh:
        values = np.loadtxt(fh, delimiter=",")
    names = [f"pixel_{row}_{col}" for row in range(8) for col in range(8)]
    return Dataset(
        np.ascontiguousarray(values[:, :-1]),
        values[:, -1].astype(np.int64),
        names,
        [str(i) for i in range(10)],
    )


def _check_path(name: str, path: Path) -> str:
    """Check that the file exists and is a non-empty file of its kind; returns its suffix."""
    where = f"datasets.{name}.source: file '{path}'"
    if not path.exists():
        raise DataError(f"{where} not found")
    if path.is_dir():
        raise DataError(f"{where} is a directory, not a file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DataError(f"{where} cannot be read: {exc.strerror or exc}") from None
    if not head:
        raise DataError(f"{where} is empty")
    suffix = path.suffix.lower()
    if suffix != ".csv" and head[:4] != b"PAR1":
        raise DataError(f"{where} is not a Parquet file (no PAR1 magic bytes)")
    return suffix


def _columns_chooser(name: str, spec: dict, path: Path):
    """``select(columns) -> (features, label_column)`` with the column checks."""
    where = f"datasets.{name}"

    def select(columns: list[str]) -> tuple[list[str], str | None]:
        dup = sorted({c for c in columns if columns.count(c) > 1})
        if dup:
            raise DataError(f"{where}: file '{path}' has duplicate column names: {', '.join(dup)}")
        label_column = spec.get("label_column")
        if label_column is not None and label_column not in columns:
            raise DataError(
                f"{where}.label_column: column {label_column!r} is not in '{path}' "
                f"(columns: {_preview(columns)})"
            )
        features = spec.get("feature_columns")
        if features is None:
            features = [c for c in columns if c != label_column]
            if not features:
                raise DataError(f"{where}: file '{path}' has no feature columns")
        else:
            missing = [c for c in features if c not in columns]
            if missing:
                raise DataError(
                    f"{where}.feature_columns: column {missing[0]!r} is not in '{path}' "
                    f"(columns: {_preview(columns)})"
                )
            if label_column is not None and label_column in features:
                raise DataError(
                    f"{where}.feature_columns: the label column {label_column!r} cannot be a "
                    f"feature"
                )
        return list(features), label_column

    return select


def _text_error(name: str, path: Path):
    def fail(col: str, series) -> None:
        import pandas as pd

        numeric = pd.to_numeric(series, errors="coerce")
        offending = series[numeric.isna() & series.notna()]
        example = f" (e.g. {str(offending.iloc[0])!r})" if len(offending) else ""
        raise DataError(
            f"datasets.{name}: column {col!r} in '{path}' holds text{example}, not numbers; "
            f"list the numeric columns in datasets.{name}.feature_columns"
        )

    return fail


def scan_file(name: str, spec: dict, dtype=None):
    """Read (``dtype`` given) or only check (``dtype=None``) a user file in bounded memory.

    Returns a :class:`kmeans_sweep.readers.Scan`: the feature matrix with rows holding missing
    values dropped (when ``missing: drop``), the labels of the kept rows, and the counts.
    """
    from . import readers

    path = Path(spec["source"])
    where = f"datasets.{name}"
    suffix = _check_path(name, path)
    if is_features_in_rows(spec):
        from .wide import scan_features_in_rows

        return scan_features_in_rows(name, spec, path, suffix, dtype)
    reader = readers.scan_csv if suffix == ".csv" else readers.scan_parquet
    sink, labels, n, features = reader(
        path,
        f"{where}.source: file '{path}'",
        _columns_chooser(name, spec, path),
        _text_error(name, path),
        dtype,
    )
    if sink.first_inf is not None:
        col = features[sink.first_inf[1]]
        raise DataError(f"{where}: column {col!r} in '{path}' holds infinite values")
    bad = sink.bad[:n]
    if labels is not None:
        bad |= labels.isna().to_numpy()
    dropped = int(bad.sum())
    notes = []
    X = None if sink.X is None else sink.X[:n]
    if dropped:
        if spec.get("missing", "error") != "drop":
            first = int(np.argmax(bad))
            raise DataError(
                f"{where}: '{path}' has missing values in {dropped} row(s) (first at data row "
                f"{first + 1}); set datasets.{name}.missing: drop to drop them"
            )
        notes.append(f"dropped {dropped} row(s) with missing values")
        if dropped == n:
            raise DataError(f"{where}: every row of '{path}' has missing values")
        if X is not None:
            X = readers.compact_rows(X, ~bad)
        if labels is not None:
            labels = labels[~bad].reset_index(drop=True)
    return readers.Scan(X, n - dropped, labels, dropped, features, notes)


def load_file(name: str, spec: dict, dtype=np.float64) -> Dataset:
    """Load a user CSV/Parquet file, check it thoroughly, and return it as ``dtype``."""
    import pandas as pd

    scan = scan_file(name, spec, np.dtype(dtype))
    y = label_names = None
    if scan.labels is not None:
        codes, uniques = pd.factorize(scan.labels, sort=True)
        y = codes.astype(np.int64)
        label_names = [str(u) for u in uniques]
    return Dataset(scan.X, y, scan.feature_names, label_names, scan.dropped, scan.notes)


def _preview(columns: list[str], limit: int = 8) -> str:
    shown = ", ".join(columns[:limit])
    return shown + (", ..." if len(columns) > limit else "")


def dataset_dtype(spec: dict) -> np.dtype:
    """The dtype the dataset is prepared and fitted in (``dtype``, default float64)."""
    return np.dtype(spec.get("dtype") or "float64")


def load_dataset(name: str, spec: dict) -> Dataset:
    check_spec_keys(name, spec)
    dtype = dataset_dtype(spec)
    if is_file_source(spec["source"]):
        return load_file(name, spec, dtype)
    ds = load_builtin(spec)
    ds.X = ds.X.astype(dtype, copy=False)
    return ds


def data_hash(X: np.ndarray, y: np.ndarray | None) -> str:
    """Content hash of a prepared dataset (values, shape and labels)."""
    h = hashlib.sha256()
    h.update(repr((X.shape, str(X.dtype))).encode())
    h.update(np.ascontiguousarray(X).view(np.uint8).data)
    if y is not None and len(y):
        h.update(b"labels")
        h.update(np.ascontiguousarray(y, dtype=np.int64).view(np.uint8).data)
    return h.hexdigest()
