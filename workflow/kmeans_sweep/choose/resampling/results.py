"""The resampling tables from the fit jobs' results (jobs/resample_runner.py), computed as the
one-process reference computes them (reference.py), and a consensus matrix
on a fixed sample of rows for the heatmaps.

Per k, one source at a time, one subsample at a time: memory O(pairs + n) besides the
subsamples' row lists, whatever the number of rows.
"""

from __future__ import annotations

import numpy as np

from ...definitions import DATA
from ...fit.resample import evidence_rows, subsample
from ...jobs.resample_items import valid_ks
from ...jobs.resample_runner import read_results
from . import tables as rt
from .consensus import PairConsensus, co_drawn, n_pairs, pair_runs, pair_sample

MATRIX_ROWS = 300  # rows of the consensus matrices kept for the heatmaps (a fixed sample)
MATRIX_TAG = 0x4D58  # "MX": the stream of that sample


class Draws:
    """The subsamples' rows (drawn again from the seed) and their labels in the job files."""

    def __init__(self, result_paths, n: int, settings: dict):
        self.where, self.ps = read_results(result_paths)
        self.n, self.settings = n, settings
        self.files: dict[str, np.lib.npyio.NpzFile] = {}
        seed, fraction = settings["seed"], settings["fraction"]
        self.rows = [
            subsample(n, fraction, seed, h).astype(np.int32) for h in range(settings["resamples"])
        ]

    def __call__(self, b: int, k: int):
        """(rows, labels) of every subsample of source b (DATA: the data) at k, in h order."""
        for h, rows in enumerate(self.rows):
            path, name = self.where[("cc", b, h, k)]
            yield rows, self._file(path)[name]

    def _file(self, path):
        """A job's results, opened once (reading a zip's directory again for every array
        cost more than the statistics: 24 of 44 s on digits)."""
        if path not in self.files:
            self.files[path] = np.load(path)
        return self.files[path]


def resampling_tables(result_paths, best: dict, n: int, ks, settings: dict) -> dict:
    """Every table of tables.py from the jobs' results; ``best`` {k: n labels}: the best fit
    at each k (the fit the other pictures show). Above ``max_rows`` rows the evidence works on
    a fixed sample of them (fit/resample.evidence_rows), as the fit jobs did; its row numbers
    are the data's again in the tables."""
    rows = evidence_rows(n, settings.get("max_rows"), settings["seed"])
    if rows is not None:
        best = {k: np.asarray(v)[rows] for k, v in best.items()}
    tables = _tables(result_paths, best, n if rows is None else len(rows), ks, settings)
    return in_data_rows(tables, rows, n)


def in_data_rows(tables: dict, rows, n: int) -> dict:
    """The tables with the evidence's row numbers mapped back to the data's (``rows``: the
    evidence's rows, None for all of them), and ``rows_used`` in the per-k table."""
    if rows is not None:
        tables["items"]["row"] = rows[tables["items"]["row"].to_numpy(dtype=np.int64)]
        if "matrices" in tables:
            tables["matrices"]["rows"] = rows[tables["matrices"]["rows"]]
            tables["matrices"]["n"] = np.array(n)
    tables["resampling"]["rows_used"] = n if rows is None else len(rows)
    return tables


def _tables(result_paths, best: dict, n: int, ks, settings: dict) -> dict:
    draws = Draws(result_paths, n, settings)
    ks = valid_ks(ks, n, settings["fraction"])
    seed, window = settings["seed"], tuple(settings["pac_window"])
    i, j = (a.astype(np.intp) for a in pair_sample(n, settings["pairs"], seed))  # once
    every = n_pairs(n) <= settings["pairs"]
    drawn, runs = co_drawn(i, j, n, draws.rows), pair_runs(i, n)
    data = {
        k: rt.data_k(k, i, j, n, draws(DATA, k), window=window, every_pair=every, drawn=drawn,
                     best=best[k], max_pairs=settings["pairs"], seed=seed, runs=runs)
        for k in ks
    }
    refs = {
        (k, b): rt.reference_pac(i, j, n, draws(b, k), window, drawn, runs)
        for b in range(settings["null_references"])
        for k in ks
    }
    splits = {(k, m): v for (m, k), v in draws.ps.items()}
    tables = rt.tables(
        data,
        refs,
        splits,
        resamples=settings["resamples"],
        references=settings["null_references"],
        n_splits=settings["prediction_strength_splits"],
        every_pair=every,
    )
    tables["matrices"] = consensus_sample(draws, best, ks, seed)
    return tables


def matrix_rows(n: int, seed: int, size: int = MATRIX_ROWS) -> np.ndarray:
    """The fixed sample of rows the heatmaps show (every row when n <= size), sorted."""
    if n <= size:
        return np.arange(n)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), MATRIX_TAG]))
    return np.sort(rng.choice(n, size=size, replace=False))


def consensus_sample(draws: Draws, best: dict, ks, seed: int) -> dict[str, np.ndarray]:
    """Per k: the consensus matrix of the sampled rows (float32, diagonal 1) and the best
    fit's labels on them; ``rows`` the sample, ``n`` the number of rows."""
    rows = matrix_rows(draws.n, seed)
    s = len(rows)
    a, b = np.triu_indices(s, 1)
    out = {"rows": rows, "n": np.array(draws.n)}
    for k in ks:
        acc = PairConsensus(rows[a], rows[b], draws.n)
        for sub, labels in draws(DATA, k):
            acc.add(sub, labels)
        M = np.eye(s, dtype=np.float32)
        M[a, b] = M[b, a] = acc.values()
        out[f"M_{k}"] = M
        out[f"labels_{k}"] = np.asarray(best[k])[rows]
    return out
