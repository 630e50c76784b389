"""The resampling tables from the work items' results (pure; numpy and pandas).

Inputs, per k: the resample items' labels as ``draws``, an iterable of (rows, labels) in h
order (rows = ``fit.resample.subsample(n, fraction, seed, h)``); the split items' floats.
:func:`data_k` and :func:`reference_pac` consume one (source, k) at a time in O(P + n) memory;
:func:`tables` assembles every table. Table columns are in the ``*_COLUMNS`` lists.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import clusters as cl
from .consensus import GRID, PairConsensus, against_null, ccp_delta, pac, summary

RESAMPLING_COLUMNS = [
    "k", "pac", "pac_se", "area", "area_ccp", "delta_ccp", "pairs", "every_pair",
    "ref_pac_mean", "ref_pac_sd", "rcsi", "rcsi_se", "p_empirical", "p_beta",
    "ps_mean", "ps_sd", "resamples", "references", "splits",
]
CDF_COLUMNS = ["k", "x", "cdf"]
REFERENCE_COLUMNS = ["k", "reference", "pac"]
SPLIT_COLUMNS = ["k", "split", "ps"]
CLUSTER_COLUMNS = ["k", "cluster", "size", "consensus", "consensus_pairs", "stability", "band"]
ITEM_COLUMNS = ["k", "row", "cluster", "item_consensus", "partners", "every_partner"]


def data_k(k, i, j, n, draws, *, window, every_pair, best=None, item_rows=1000,
           item_partners=100, seed=0) -> dict:
    """The data's statistics at k: ``summary`` (PAC, areas, CDF) and, given the best
    labelling ``best`` (n labels), its ``clusters`` and ``items`` tables."""
    acc = PairConsensus(i, j, n)
    boot = cl.ClusterBoot(best) if best is not None else None
    items = None
    if best is not None and not every_pair:
        a, b, owner, chosen = cl.item_pairs(best, item_rows, item_partners, seed)
        items = (PairConsensus(a, b, n), owner, chosen)
    for rows, labels in draws:
        acc.add(rows, labels)
        if boot is not None:
            boot.add(rows, labels)
        if items is not None:
            items[0].add(rows, labels)
    M = acc.values()
    out = {"summary": {**summary(M, window, every_pair), "pairs": len(M)}}
    if best is not None:
        out["clusters"] = _clusters(k, M, i, j, best, boot)
        out["items"] = _items(k, M, i, j, best, items)
    return out


def _clusters(k, M, i, j, best, boot) -> pd.DataFrame:
    mean, count = cl.cluster_consensus(M, i, j, best)
    stability = boot.means()
    return pd.DataFrame({
        "k": k, "cluster": np.arange(len(mean)),
        "size": np.bincount(best, minlength=len(mean)),
        "consensus": mean, "consensus_pairs": count,
        "stability": stability, "band": [cl.band(s) for s in stability],
    }, columns=CLUSTER_COLUMNS)


def _items(k, M, i, j, best, items) -> pd.DataFrame:
    if items is None:
        value = cl.item_consensus_all(M, i, j, best)
        rows = np.arange(len(best))
        partners = np.bincount(best)[best] - 1
        every = True
    else:
        acc, owner, rows = items
        value, partners = cl.item_consensus_sampled(acc.values(), owner, len(rows))
        every = partners == np.bincount(best)[best[rows]] - 1
    return pd.DataFrame({
        "k": k, "row": rows, "cluster": best[rows], "item_consensus": value,
        "partners": partners, "every_partner": every,
    }, columns=ITEM_COLUMNS)


def reference_pac(i, j, n, draws, window) -> float:
    """PAC of one null reference at one k, over the same pairs."""
    acc = PairConsensus(i, j, n)
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
            "k": k, **{c: s[c] for c in ("pac", "pac_se", "area", "area_ccp", "pairs")},
            "every_pair": every_pair,
            "ref_pac_mean": ref.mean() if len(ref) else np.nan,
            "ref_pac_sd": ref.std(ddof=1) if len(ref) > 1 else np.nan,
            **against_null(s["pac"], ref),
            "ps_mean": ps.mean() if len(ps) else np.nan,
            "ps_sd": ps.std(ddof=1) if len(ps) > 1 else np.nan,
            "resamples": resamples, "references": references, "splits": n_splits,
        })
    table = pd.DataFrame(rows, columns=RESAMPLING_COLUMNS)
    if ks:
        table["delta_ccp"] = ccp_delta(table["k"].to_numpy(), table["area_ccp"].to_numpy())
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
