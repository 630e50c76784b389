"""Loading, checking and scaling datasets.

Everything here raises :class:`DataError` with a one-line message naming the dataset key
or the file and the problem. The same checks run twice: when the Snakefile is parsed (so a
bad file stops the run before any job starts) and in the ``prepare_dataset`` job.
Files are only ever read as data: CSV through pandas' parser, Parquet through pyarrow.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

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
FILE_ONLY_KEYS = ("label_column", "feature_columns")
BLOBS_ONLY_KEYS = tuple(BLOBS_DEFAULTS)
FILE_SUFFIXES = (".csv", ".parquet", ".pq")


class DataError(ValueError):
    """A dataset cannot be used; the message is one line naming the key or file."""


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


def _read_table(name: str, path: Path):
    """Read a CSV or Parquet file into a pandas DataFrame, with one-line errors."""
    import pandas as pd

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
    if suffix == ".csv":
        try:
            frame = pd.read_csv(path, skipinitialspace=True)
        except pd.errors.EmptyDataError:
            raise DataError(f"{where} is empty") from None
        except pd.errors.ParserError as exc:
            detail = str(exc).strip().splitlines()[-1]
            raise DataError(f"{where} is not a well-formed CSV ({detail})") from None
        except UnicodeDecodeError:
            raise DataError(f"{where} is not a text CSV file (cannot decode it as UTF-8)") from None
    else:
        import pyarrow.parquet as pq

        if head[:4] != b"PAR1":
            raise DataError(f"{where} is not a Parquet file (no PAR1 magic bytes)")
        try:
            frame = pq.read_table(path).to_pandas()
        except Exception as exc:  # pyarrow raises several types for corrupt files
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(f"{where} is not a readable Parquet file ({detail})") from None
    if frame.shape[1] == 0:
        raise DataError(f"{where} has no columns")
    if frame.shape[0] == 0:
        raise DataError(f"{where} has a header but no data rows")
    return frame


def load_file(name: str, spec: dict) -> Dataset:
    """Load a user CSV/Parquet file and check it thoroughly."""
    import pandas as pd

    path = Path(spec["source"])
    where = f"datasets.{name}"
    frame = _read_table(name, path)
    frame.columns = [str(c) for c in frame.columns]
    columns = list(frame.columns)
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
                f"{where}.feature_columns: the label column {label_column!r} cannot be a feature"
            )

    for col in features:
        series = frame[col]
        if pd.api.types.is_bool_dtype(series):
            frame[col] = series.astype(np.float64)
        elif not pd.api.types.is_numeric_dtype(series):
            numeric = pd.to_numeric(series, errors="coerce")
            offending = series[numeric.isna() & series.notna()]
            example = f" (e.g. {str(offending.iloc[0])!r})" if len(offending) else ""
            raise DataError(
                f"{where}: column {col!r} in '{path}' holds text{example}, not numbers; "
                f"list the numeric columns in datasets.{name}.feature_columns"
            )

    values = frame[features].to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(values).any():
        col = features[int(np.argwhere(np.isinf(values))[0][1])]
        raise DataError(f"{where}: column {col!r} in '{path}' holds infinite values")
    bad_rows = np.isnan(values).any(axis=1)
    if label_column is not None:
        bad_rows |= frame[label_column].isna().to_numpy()
    dropped = int(bad_rows.sum())
    notes = []
    if dropped:
        if spec.get("missing", "error") != "drop":
            first = int(np.argmax(bad_rows))
            raise DataError(
                f"{where}: '{path}' has missing values in {dropped} row(s) (first at data row "
                f"{first + 1}); set datasets.{name}.missing: drop to drop them"
            )
        values = values[~bad_rows]
        notes.append(f"dropped {dropped} row(s) with missing values")
        if values.shape[0] == 0:
            raise DataError(f"{where}: every row of '{path}' has missing values")
    y = None
    label_names = None
    if label_column is not None:
        codes, uniques = pd.factorize(frame[label_column][~bad_rows], sort=True)
        y = codes.astype(np.int64)
        label_names = [str(u) for u in uniques]
    return Dataset(np.ascontiguousarray(values), y, list(features), label_names, dropped, notes)


def _preview(columns: list[str], limit: int = 8) -> str:
    shown = ", ".join(columns[:limit])
    return shown + (", ..." if len(columns) > limit else "")


def load_dataset(name: str, spec: dict) -> Dataset:
    check_spec_keys(name, spec)
    if is_file_source(spec["source"]):
        return load_file(name, spec)
    return load_builtin(spec)


def scale(X: np.ndarray, method: str) -> tuple[np.ndarray, list[int]]:
    """Scale features; returns the scaled matrix and the indices of constant columns.

    Constant columns never divide by zero: StandardScaler and MinMaxScaler leave their
    scale at 1, so such a column becomes all zeros.
    """
    constant = [int(i) for i in np.flatnonzero(np.ptp(X, axis=0) == 0)] if len(X) else []
    if method == "none":
        return np.ascontiguousarray(X, dtype=np.float64), constant
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    scaler = StandardScaler() if method == "standard" else MinMaxScaler()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = scaler.fit_transform(X)
    return np.ascontiguousarray(out, dtype=np.float64), constant


def data_hash(X: np.ndarray, y: np.ndarray | None) -> str:
    """Content hash of a prepared dataset (values, shape and labels)."""
    h = hashlib.sha256()
    h.update(repr((X.shape, str(X.dtype))).encode())
    h.update(np.ascontiguousarray(X).view(np.uint8).data)
    if y is not None and len(y):
        h.update(b"labels")
        h.update(np.ascontiguousarray(y, dtype=np.int64).view(np.uint8).data)
    return h.hexdigest()
