"""Reading and writing results. Every writer writes to a temporary name in the target's
directory and renames it into place, so no reader ever sees a half-written file."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path next to ``path`` (same suffix); rename it to ``path`` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def fresh_dir(path: str | os.PathLike):
    """Yield an empty temporary directory next to ``path``; on success it replaces ``path``
    (and whatever was there) whole, so no reader sees a half-filled folder."""
    import shutil

    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
        shutil.rmtree(path, ignore_errors=True)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_parquet(frame, path) -> None:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def write_csv(frame, path) -> None:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def write_json(obj, path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def write_npy(array: np.ndarray, path) -> None:
    with atomic_path(path) as tmp:
        np.save(tmp, array, allow_pickle=False)


def save_figure(fig, path, dpi: int) -> None:
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi)
    plt.close(fig)


def load_prepared(x_path, y_path):
    """A prepared matrix, memory-mapped read-only (parallel jobs on one machine share its
    pages, and only the pages a job touches are read), and its labels (None when the dataset
    has none)."""
    X = load_X(x_path)
    y = np.load(y_path, allow_pickle=False)
    return X, (y if len(y) else None)


def load_X(x_path) -> np.ndarray:
    """A prepared matrix X.npy, memory-mapped read-only."""
    return np.load(x_path, mmap_mode="r", allow_pickle=False)


# --- labels and centres of fits ---------------------------------------------------------


def fit_key(k: int, init: str, seed: int, algorithm: str = "lloyd") -> tuple:
    """A fit's key: ``(k, init, seed)`` for a lloyd fit (as before the algorithm became a sweep
    dimension), ``(k, init, seed, algorithm)`` for the other algorithms."""
    base = (int(k), str(init), int(seed))
    return base if algorithm == "lloyd" else (*base, str(algorithm))


def split_key(key: tuple) -> tuple[int, str, int, str]:
    """(k, init, seed, algorithm) of a fit key."""
    return (*key[:3], key[3] if len(key) > 3 else "lloyd")


def label_column(k: int, init: str, seed: int, algorithm: str = "lloyd") -> str:
    name = f"k={int(k)}|init={init}|seed={int(seed)}"
    return name if algorithm == "lloyd" else f"{name}|algorithm={algorithm}"


def parse_label_column(name: str) -> tuple:
    parts = dict(p.split("=", 1) for p in name.split("|"))
    return fit_key(int(parts["k"]), parts["init"], int(parts["seed"]),
                   parts.get("algorithm", "lloyd"))


def label_dtype(labels) -> np.dtype:
    """The smallest integer type that holds every label (uint8 up to k = 256)."""
    top = max((int(np.max(v)) for v in labels if len(v)), default=0)
    low = min((int(np.min(v)) for v in labels if len(v)), default=0)
    for dtype in (np.uint8, np.uint16) if low >= 0 else ():
        if top <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int32)


def write_labels(labels: dict, path) -> None:
    """Labels of fits, one column per fit, in the smallest integer type that holds them
    (10 million labels of k <= 256 take 10 MB, not 40)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [label_column(*key) for key in labels]
    dtype = label_dtype(labels.values())
    arrays = [pa.array(np.asarray(v).astype(dtype, copy=False)) for v in labels.values()]
    table = pa.table(dict(zip(names, arrays, strict=True))) if names else pa.table({})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def read_labels(paths, wanted=None) -> dict:
    """{fit key: labels} from label files (see :func:`fit_key`); ``wanted`` limits to some
    fits."""
    import pyarrow.parquet as pq

    want = None if wanted is None else {label_column(*w) for w in wanted}
    out = {}
    for path in paths:
        names = pq.read_schema(path).names
        cols = [n for n in names if want is None or n in want]
        if not cols:
            continue
        table = pq.read_table(path, columns=cols)
        for name in cols:
            out[parse_label_column(name)] = table.column(name).to_numpy()
    return out


def write_centers(centers: dict, path) -> None:
    import pandas as pd

    rows = []
    for key, c in centers.items():
        k, init, seed, algorithm = split_key(key)
        for i, centre in enumerate(np.asarray(c)):
            rows.append({"k": k, "init": init, "seed": seed, "algorithm": algorithm,
                         "cluster": i, "center": centre.tolist()})
    columns = ["k", "init", "seed", "algorithm", "cluster", "center"]
    frame = pd.DataFrame(rows, columns=columns)
    write_parquet(frame, path)


def read_centers(paths, k: int, init: str, seed: int, algorithm: str = "lloyd") -> np.ndarray:
    import pandas as pd

    where = [("k", "==", k), ("init", "==", init), ("seed", "==", seed),
             ("algorithm", "==", algorithm)]
    for path in paths:
        frame = pd.read_parquet(path, filters=where)
        if len(frame):
            return np.vstack(frame.sort_values("cluster")["center"].to_numpy())
    raise KeyError(f"no centres stored for k={k} init={init} seed={seed} algorithm={algorithm}")


def remove_other_files(folder, keep) -> int:
    """Delete the files in ``folder`` that are not in ``keep``; return how many."""
    keep = {Path(p).resolve() for p in keep}
    removed = 0
    for path in Path(folder).iterdir():
        if path.is_file() and path.resolve() not in keep:
            path.unlink()
            removed += 1
    return removed


# --- scripts -------------------------------------------------------------------------------


def log_to(path) -> logging.Logger:
    """Send warnings, logging and stderr of a script to its Snakemake log file."""
    stream = open(path, "w", buffering=1)  # noqa: SIM115 - lives as long as the job
    sys.stderr = stream
    logging.basicConfig(
        stream=stream,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        force=True,
    )
    logging.captureWarnings(True)
    return logging.getLogger("kmeans_sweep")
