"""Reading a user's CSV or Parquet file column by column, in bounded memory.

The feature matrix goes straight into one preallocated array of the dataset's dtype: Parquet
one column of one row group at a time, CSV in chunks of rows. Nothing ever holds a pandas copy
of the whole file, and a float32 dataset never has a float64 copy. With ``dtype=None`` the
same pass only checks the file (used when the Snakefile is parsed) and keeps no matrix.

The checks and their one-line messages are those of :mod:`kmeans_sweep.data`, in the same
order: column names, then text columns, then infinite values, then missing values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import DataError

CSV_CHUNK_ROWS = 100_000
BLOCK_ROWS = 65_536


@dataclass
class Scan:
    """What one pass over a file found."""

    X: np.ndarray | None  # rows with missing values already dropped; None when only checking
    n_rows: int  # rows kept
    labels: object | None  # a pandas Series of the kept rows' labels, or None
    dropped: int
    feature_names: list[str]
    notes: list[str] = field(default_factory=list)


class _Sink:
    """Receives float64 column pieces; writes them into X and tracks infinite/missing values."""

    def __init__(self, capacity: int, n_features: int, dtype):
        self.X = None if dtype is None else np.empty((capacity, n_features), dtype=dtype)
        self.bad = np.zeros(capacity, dtype=bool)
        self.first_inf: tuple[int, int] | None = None  # (row, column), first in row-major order

    def put(self, start: int, j: int, values: np.ndarray) -> None:
        stop = start + len(values)
        inf = np.isinf(values)
        if inf.any():
            where = (start + int(np.argmax(inf)), j)
            if self.first_inf is None or where < self.first_inf:
                self.first_inf = where
        self.bad[start:stop] |= np.isnan(values)
        if self.X is not None:
            self.X[start:stop, j] = values


def compact_rows(X: np.ndarray, keep: np.ndarray, block: int = BLOCK_ROWS) -> np.ndarray:
    """Move the rows where ``keep`` is True to the front of X, in place, block by block;
    returns the view of the kept rows (no second copy of X)."""
    w = 0
    for start in range(0, len(keep), block):
        rows = X[start : start + block][keep[start : start + block]]
        X[w : w + len(rows)] = rows
        w += len(rows)
    return X[:w]


def _csv_capacity(path: Path) -> int:
    """An upper bound on the number of data rows: the number of line breaks + 1."""
    count = 1
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            count += chunk.count(b"\n")
    return count


def csv_chunks(path: Path, where: str):
    """The CSV as DataFrames of CSV_CHUNK_ROWS rows, with data's one-line errors."""
    import pandas as pd

    try:
        reader = pd.read_csv(path, skipinitialspace=True, chunksize=CSV_CHUNK_ROWS)
        with reader:
            yield from reader
    except pd.errors.EmptyDataError:
        raise DataError(f"{where} is empty") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise DataError(f"{where} is not a well-formed CSV ({detail})") from None
    except UnicodeDecodeError:
        raise DataError(f"{where} is not a text CSV file (cannot decode it as UTF-8)") from None


def _feature_values(series, check) -> np.ndarray:
    """One column piece as float64 (NaN for missing); ``check`` raises for text columns."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.float64)
    if not pd.api.types.is_numeric_dtype(series):
        check(series)
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def scan_csv(path: Path, where: str, select, text_error, dtype):
    """Read a CSV chunk by chunk; returns (sink, labels, rows, features).

    ``select(columns)`` returns (features, label_column); ``text_error(column, series)``
    raises the error for a column that holds text."""
    import pandas as pd

    sink = None
    labels = []
    n = 0
    features = label = None
    for chunk in csv_chunks(path, where):
        if sink is None:
            chunk.columns = [str(c) for c in chunk.columns]
            if chunk.shape[1] == 0:
                raise DataError(f"{where} has no columns")
            if len(chunk) == 0:
                raise DataError(f"{where} has a header but no data rows")
            features, label = select(list(chunk.columns))
            sink = _Sink(_csv_capacity(path), len(features), dtype)
        else:
            chunk.columns = [str(c) for c in chunk.columns]
        for j, col in enumerate(features):
            sink.put(n, j, _feature_values(chunk[col], lambda s, c=col: text_error(c, s)))
        if label is not None:
            labels.append(chunk[label])
        n += len(chunk)
    if sink is None or n == 0:
        raise DataError(f"{where} has a header but no data rows")
    labels = pd.concat(labels, ignore_index=True) if label is not None else None
    return sink, labels, n, features


def _parquet_file(path: Path, where: str):
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{where} is not a readable Parquet file ({detail})") from None


def parquet_columns(pf) -> list[str]:
    """The data columns (pandas' stored index columns are not data, as in to_pandas())."""
    meta = pf.schema_arrow.pandas_metadata or {}
    index = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
    return [str(n) for n in pf.schema_arrow.names if n not in index]


def _is_numeric(arrow_type) -> bool:
    import pyarrow as pa

    t = arrow_type
    return (
        pa.types.is_boolean(t)
        or pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
    )


def scan_parquet(path: Path, where: str, select, text_error, dtype):
    """Read a Parquet file one column of one row group at a time."""
    import pyarrow as pa

    pf = _parquet_file(path, where)
    columns = parquet_columns(pf)
    if not columns:
        raise DataError(f"{where} has no columns")
    n = pf.metadata.num_rows
    if n == 0:
        raise DataError(f"{where} has a header but no data rows")
    features, label = select(columns)
    schema = pf.schema_arrow
    for col in features:
        if not _is_numeric(schema.field(col).type):
            text_error(col, pf.read(columns=[col]).column(0).to_pandas())
    sink = _Sink(n, len(features), dtype)
    try:
        start = 0
        for i in range(pf.num_row_groups):
            rows = pf.metadata.row_group(i).num_rows
            for j, col in enumerate(features):
                piece = pf.read_row_group(i, columns=[col]).column(0).cast(pa.float64())
                sink.put(start, j, piece.to_numpy(zero_copy_only=False))
            start += rows
        labels = pf.read(columns=[label]).column(0).to_pandas() if label is not None else None
    except (OSError, pa.ArrowException) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{where} is not a readable Parquet file ({detail})") from None
    return sink, labels, n, features
