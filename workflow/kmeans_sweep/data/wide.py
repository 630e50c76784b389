"""Reading a matrix stored features in rows (``layout: features_in_rows``), the R and
Bioconductor way: the first column holds the feature ids, the header the sample ids, one row
per feature (a gene). Class labels come from a separate ``labels_file`` (sample id -> class)
or not at all.

The file is read in chunks of feature rows (CSV) or record batches (Parquet); each chunk is
transposed into the samples x features matrix, so the result is exactly the matrix of the
same data stored samples in rows. Errors are one line naming the key or file, as in
:mod:`kmeans_sweep.data.load`: duplicate sample or feature ids, a feature row holding text,
infinite values, missing values (or ``missing: drop`` to drop those samples), and a labels
file that does not match the samples.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .errors import DataError
from .readers import CSV_CHUNK_ROWS, Scan, csv_chunks, parquet_columns


def _examples(items, limit: int = 3) -> str:
    items = [str(i) for i in items]
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (", ..." if len(items) > limit else "")


def _duplicates(ids: list[str]) -> list[str]:
    seen, dup = set(), []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def _header(path: Path, suffix: str, where: str) -> list[str]:
    """The file's column names as written (pandas would rename duplicates)."""
    if suffix != ".csv":
        import pyarrow.parquet as pq

        try:
            return parquet_columns(pq.ParquetFile(path))
        except Exception as exc:  # pyarrow raises several types for corrupt files
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(f"{where} is not a readable Parquet file ({detail})") from None
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            row = next(csv.reader(fh, skipinitialspace=True), [])
    except UnicodeDecodeError:
        raise DataError(f"{where} is not a text CSV file (cannot decode it as UTF-8)") from None
    return [c.strip() for c in row]


def _chunks(path: Path, suffix: str, where: str):
    """The file as DataFrames of feature rows."""
    if suffix == ".csv":
        yield from csv_chunks(path, where)
        return
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=CSV_CHUNK_ROWS):
        yield batch.to_pandas()


def _values(chunk, ids, name: str, path: Path) -> np.ndarray:
    """A chunk's feature rows as float64 (NaN for missing); a row holding text is an error."""
    import pandas as pd

    values = chunk.iloc[:, 1:]
    text = [c for c in values.columns if not pd.api.types.is_numeric_dtype(values[c])]
    if text:
        sub = values[text]
        coerced = sub.apply(pd.to_numeric, errors="coerce")
        offending = (coerced.isna() & sub.notna()).to_numpy()
        row, col = np.argwhere(offending)[0]
        raise DataError(
            f"datasets.{name}: feature row {ids[row]!r} in '{path}' holds text "
            f"(e.g. {str(sub.iat[row, col])!r} for sample {str(text[col])!r}), not numbers"
        )
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def scan_features_in_rows(name: str, spec: dict, path: Path, suffix: str, dtype) -> Scan:
    """Read (``dtype`` given) or only check (``dtype=None``) a features-in-rows file."""
    where = f"datasets.{name}.source: file '{path}'"
    header = _header(path, suffix, where)
    samples = header[1:]
    if not samples:
        raise DataError(f"{where} has no sample columns (layout: features_in_rows)")
    dup = _duplicates(samples)
    if dup:
        raise DataError(
            f"datasets.{name}: file '{path}' has duplicate sample ids: {_examples(dup)}"
        )
    features: list[str] = []
    parts: list[np.ndarray] = []
    bad = np.zeros(len(samples), dtype=bool)
    for chunk in _chunks(path, suffix, where):
        ids = [str(i) for i in chunk.iloc[:, 0]]
        vals = _values(chunk, ids, name, path)
        if np.isinf(vals).any():
            row, col = np.argwhere(np.isinf(vals))[0]
            raise DataError(
                f"datasets.{name}: feature row {ids[row]!r} in '{path}' holds an infinite value "
                f"(sample {samples[col]!r})"
            )
        bad |= np.isnan(vals).any(axis=0)
        features += ids
        if dtype is not None:
            parts.append(vals.T.astype(dtype))
    if not features:
        raise DataError(f"{where} has a header but no feature rows")
    dup = _duplicates(features)
    if dup:
        raise DataError(
            f"datasets.{name}: file '{path}' has duplicate feature ids: {_examples(dup)}"
        )
    labels = read_labels_file(name, spec, samples, path) if spec.get("labels_file") else None
    X = np.concatenate(parts, axis=1) if parts else None
    return _drop_missing(name, spec, path, Scan(X, len(samples), labels, 0, features), bad, samples)


def _drop_missing(name, spec, path, scan: Scan, bad: np.ndarray, samples) -> Scan:
    """Samples with a missing value: an error, or dropped with ``missing: drop``."""
    dropped = int(bad.sum())
    if not dropped:
        return scan
    if spec.get("missing", "error") != "drop":
        first = samples[int(np.argmax(bad))]
        raise DataError(
            f"datasets.{name}: '{path}' has missing values in {dropped} sample(s) (first: "
            f"{first!r}); set datasets.{name}.missing: drop to drop them"
        )
    if dropped == len(samples):
        raise DataError(f"datasets.{name}: every sample of '{path}' has missing values")
    keep = ~bad
    X = None if scan.X is None else np.ascontiguousarray(scan.X[keep])
    labels = None if scan.labels is None else scan.labels[keep].reset_index(drop=True)
    note = f"dropped {dropped} sample(s) with missing values"
    return Scan(X, len(samples) - dropped, labels, dropped, scan.feature_names, [note])


def read_labels_file(name: str, spec: dict, samples: list[str], data_path: Path):
    """The class of every sample, in the data's sample order (a pandas Series), from a CSV of
    two columns with a header: sample id, class."""
    import pandas as pd

    path = Path(spec["labels_file"])
    where = f"datasets.{name}.labels_file: file '{path}'"
    if not path.is_file():
        raise DataError(f"{where} {'is a directory' if path.is_dir() else 'not found'}")
    try:
        columns = list(pd.read_csv(path, nrows=0).columns)
        table = pd.read_csv(path, dtype={columns[0]: str} if columns else None)
    except (pd.errors.EmptyDataError, IndexError):
        raise DataError(f"{where} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError):
        raise DataError(f"{where} is not a well-formed CSV") from None
    if table.shape[1] != 2:
        raise DataError(f"{where} must have two columns (sample id, class), not {table.shape[1]}")
    ids = table.iloc[:, 0].astype(str).str.strip()
    dup = _duplicates(list(ids))
    if dup:
        raise DataError(f"{where} lists sample(s) more than once: {_examples(dup)}")
    known = set(samples)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise DataError(
            f"{where} has labels for {len(unknown)} sample(s) missing from '{data_path}': "
            f"{_examples(unknown)}"
        )
    classes = pd.Series(table.iloc[:, 1].to_numpy(), index=ids)
    labels = classes.reindex(samples)
    missing = [s for s, v in zip(samples, labels.isna(), strict=True) if v]
    if missing:
        raise DataError(
            f"{where} has no label for {len(missing)} sample(s) of '{data_path}': "
            f"{_examples(missing)}"
        )
    return labels.reset_index(drop=True)
