"""The resampling tables from the work items' results (pure; numpy and pandas).

Inputs, per k: the resample items' labels as ``draws``, an iterable of (rows, labels) in h
order (rows = ``fit.resample.subsample(n, fraction, seed, h)``); the split items' floats.
:func:`data_k` and :func:`reference_pac` consume one (source, k) at a time in O(P + n) memory;
:func:`tables` assembles every table. Table columns are in the ``*_COLUMNS`` lists.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import cluster_stability as cl
from .consensus import GRID, PairConsensus, against_null, ccp_delta, pac, summary

RESAMPLING_COLUMNS = [
    "k", "pac", "pac_se", "area", "area_ccp", "delta", "pairs_used", "every_pair",
    "pac_ref_mean", "pac_ref_sd", "rcsi", "rcsi_se", "p_empirical", "p_beta", "p_rcsi",
    "ps_mean", "ps_sd", "resamples", "null_references", "ps_splits", "rows_used",
]
CDF_COLUMNS = ["k", "x", "cdf"]
REFERENCE_COLUMNS = ["k", "reference", "pac"]
SPLIT_COLUMNS = ["k", "split", "ps"]
CLUSTER_COLUMNS = ["k", "cluster", "size", "consensus", "consensus_pairs", "stability", "band"]
ITEM_COLUMNS = ["k", "row", "cluster", "item_consensus", "partners", "every_partner"]


def data_k(k, i, j, n, draws, *, window, every_pair, drawn=None, best=None, max_pairs=None,
           item_rows=1000, item_partners=100, seed=0, runs=None) -> dict:
    """The data's statistics at k: ``summary`` (PAC, areas, CDF over the pairs (i, j);
    ``drawn``: their co-drawn counts, ``runs``: consensus.pair_runs(i, n), if known) and,
    given the best labelling ``best`` (n labels), its ``clusters`` and ``items`` tables, over
    the pairs inside its clusters (all of them up to ``max_pairs``, default len(i), else
    ``item_rows`` x ``item_partners``)."""
    acc = PairConsensus(i, j, n, drawn, runs)
    best = None if best is None else np.asarray(best, dtype=np.int64)
    boot = cl.ClusterBoot(best) if best is not None else None
    inside = None if best is None else _inside(best, max_pairs or len(i), item_rows,
                                                item_partners, seed)
    for rows, labels in draws:
        acc.add(rows, labels)
        if best is not None:
            boot.add(rows, labels)
            inside[0].add(rows, labels)
    out = {"summary": {**summary(acc.values(), window, every_pair), "pairs": len(acc.i)}}
    if best is not None:
        out["clusters"] = _clusters(k, best, boot, inside)
        out["items"] = _items(k, best, inside)
    return out


def _inside(best, max_pairs, item_rows, item_partners, seed):
    """(consensus accumulator, owner of each pair or None when every pair, sampled rows)."""
    n = len(best)
    if cl.n_within_pairs(best) <= max_pairs:
        a, b = cl.within_pairs(best)
        return PairConsensus(a, b, n), None, np.arange(n)
    a, b, owner, chosen = cl.item_pairs(best, item_rows, item_partners, seed)
    return PairConsensus(a, b, n), owner, chosen


def _clusters(k, best, boot, inside) -> pd.DataFrame:
    acc = inside[0]
    mean, count = cl.cluster_consensus(acc.values(), acc.i, acc.j, best)
    stability = boot.means()
    return pd.DataFrame({
        "k": k, "cluster": np.arange(len(mean)),
        "size": np.bincount(best, minlength=len(mean)),
        "consensus": mean, "consensus_pairs": count,
        "stability": stability, "band": [cl.band(s) for s in stability],
    }, columns=CLUSTER_COLUMNS)


def _items(k, best, inside) -> pd.DataFrame:
    acc, owner, rows = inside
    sizes = np.bincount(best)
    if owner is None:
        value = cl.item_consensus_all(acc.values(), acc.i, acc.j, best)
        partners = sizes[best] - 1
    else:
        value, partners = cl.item_consensus_sampled(acc.values(), owner, len(rows))
    return pd.DataFrame({
        "k": k, "row": rows, "cluster": best[rows], "item_consensus": value,
        "partners": partners, "every_partner": partners == sizes[best[rows]] - 1,
    }, columns=ITEM_COLUMNS)


def reference_pac(i, j, n, draws, window, drawn=None, runs=None) -> float:
    """PAC of one null reference at one k, over the same pairs."""
    acc = PairConsensus(i, j, n, drawn, runs)
    for rows, labels in draws:
        acc.add(rows, labels)
    return pac(acc.values(), window)


def tables(data: dict, refs: dict, splits: dict, *, resamples: int, references: int,
           n_splits: int, every_pair: bool) -> dict[str, pd.DataFrame]:
    """Every table from ``data`` {k: data_k(...)}, ``refs`` {(k, b): PAC} and ``splits``
    {(k, m): ps}: ``resampling`` (one row per k), ``cdf``, ``references``, ``splits``,
    ``clusters`` and ``items``."""
    ks = sorted(data)
    rows = []
    for k in ks:
        s = data[k]["summary"]
        ref = np.array([refs[(k, b)] for b in range(references)], dtype=float)
        ps = np.array([splits[(k, m)] for m in range(n_splits)], dtype=float)
        rows.append({
            "k": k, **{c: s[c] for c in ("pac", "pac_se", "area", "area_ccp")},
            "pairs_used": s["pairs"],
            "every_pair": every_pair,
            "pac_ref_mean": ref.mean() if len(ref) else np.nan,
            "pac_ref_sd": ref.std(ddof=1) if len(ref) > 1 else np.nan,
            **against_null(s["pac"], ref),
            "ps_mean": ps.mean() if len(ps) else np.nan,
            "ps_sd": ps.std(ddof=1) if len(ps) > 1 else np.nan,
            "resamples": resamples, "null_references": references, "ps_splits": n_splits,
        })
    table = pd.DataFrame(rows, columns=RESAMPLING_COLUMNS)
    if ks:
        table["delta"] = ccp_delta(table["k"].to_numpy(), table["area_ccp"].to_numpy())
    return {
        "resampling": table,
        "cdf": pd.DataFrame([(k, x, f) for k in ks for x, f in zip(GRID, data[k]["summary"]["cdf"],
                                                                   strict=True)],
                            columns=CDF_COLUMNS),
        "references": pd.DataFrame([(k, b, refs[(k, b)]) for k in ks for b in range(references)],
                                   columns=REFERENCE_COLUMNS),
        "splits": pd.DataFrame([(k, m, splits[(k, m)]) for k in ks for m in range(n_splits)],
                               columns=SPLIT_COLUMNS),
        "clusters": _concat([data[k].get("clusters") for k in ks], CLUSTER_COLUMNS),
        "items": _concat([data[k].get("items") for k in ks], ITEM_COLUMNS),
    }


def _concat(frames, columns) -> pd.DataFrame:
    frames = [f for f in frames if f is not None]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
