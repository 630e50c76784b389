"""Degenerate k: a k the data cannot have. It stays in the tables, marked, but no criterion
picks it and the recommendation ignores it.

A k is degenerate for a dataset when no fit at that k found k clusters (``n_clusters`` of
fits.parquet: KMeans left some clusters empty, e.g. the data has fewer distinct points than k)
or when k > n / 2 (fewer than two points per cluster on average, where every criterion rewards
splitting the data into single points). A criterion that is undefined at a k (a NaN value)
cannot pick that k either; each criterion skips those itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Every sentence about degenerate ks contains this, so the headline can find it in a note.
PHRASE = "not picked"
#: A best-fit inertia at most this fraction of the largest one counts as zero.
ZERO_INERTIA = 1e-10


def n_samples_of(fits: pd.DataFrame) -> int | None:
    """The number of rows the fits were made on (the ``n_samples`` column), or None."""
    if "n_samples" not in fits or fits["n_samples"].isna().all():
        return None
    return int(fits["n_samples"].max())


def degenerate_ks(fits: pd.DataFrame, n_samples: int | None = None) -> dict[int, str]:
    """{k: why} for every degenerate k of the fits (every init, seed and algorithm).
    ``n_samples`` defaults to the fits' ``n_samples`` column; without either the k > n / 2
    rule is not applied."""
    f = fits[pd.notna(fits["k"])] if "k" in fits else fits.iloc[:0]
    n = n_samples if n_samples is not None else n_samples_of(f)
    found = {}
    if "n_clusters" in f and len(f):
        found = pd.to_numeric(f["n_clusters"], errors="coerce").groupby(f["k"].astype(int)).max()
    out = {}
    for k in sorted({int(k) for k in f["k"]}):
        why = []
        m = found.get(k, np.nan) if len(found) else np.nan
        if pd.notna(m) and int(m) < k:
            why.append(f"no fit found {k} clusters (at most {int(m)})")
        if n is not None and k > n / 2:
            why.append(f"k > n/2 = {n / 2:g} (fewer than two points per cluster)")
        if why:
            out[k] = ", ".join(why)
    return out


def usable(frame: pd.DataFrame, bad) -> pd.DataFrame:
    """The rows of a per-k table whose k is not degenerate."""
    if len(frame) == 0 or not bad:
        return frame
    return frame[~frame["k"].astype(int).isin(list(bad))]


def zero_inertia_k(by_k: pd.DataFrame) -> int | None:
    """The smallest k whose best-fit inertia is zero (every point on its centre: the data has
    at most k distinct points, and no larger k can lower it), when a smaller k swept has a
    positive one; else None."""
    if "inertia" not in by_k:
        return None
    curve = by_k[["k", "inertia"]].dropna().sort_values("k")
    if len(curve) < 2 or curve["inertia"].max() <= 0:
        return None
    zero = curve[curve["inertia"] <= ZERO_INERTIA * curve["inertia"].max()]
    if len(zero) == 0 or zero["k"].iloc[0] == curve["k"].iloc[0]:
        return None
    return int(zero["k"].iloc[0])


def mark(frame: pd.DataFrame, bad: dict[int, str]) -> pd.DataFrame:
    """``frame`` (a table with a ``k`` column) with a ``degenerate`` column: why its k is
    degenerate, or "" when it is not."""
    out = frame.copy()
    out["degenerate"] = [bad.get(int(k), "") for k in out["k"]] if len(out) else []
    out["degenerate"] = out["degenerate"].astype(object)
    return out


def _ranges(ks: list[int]) -> str:
    """"6–11" or "3, 6–8" for a sorted list of ks."""
    parts, start = [], None
    for i, k in enumerate(ks):
        start = k if start is None else start
        if i + 1 == len(ks) or ks[i + 1] != k + 1:
            parts.append(str(k) if start == k else f"{start}–{k}")
            start = None
    return ", ".join(parts)


def clause(fits: pd.DataFrame, bad: dict[int, str], n_samples: int | None = None) -> str:
    """One sentence (no semicolon) for the headline: what happened, which ks are degenerate
    and the widest k that is not; "" when no k is degenerate."""
    if not bad:
        return ""
    ks = sorted({int(k) for k in fits["k"].dropna()})
    n = n_samples if n_samples is not None else n_samples_of(fits)
    causes, limits = [], []
    if any("no fit found" in why for why in bad.values()):
        most = int(pd.to_numeric(fits["n_clusters"], errors="coerce").max())
        causes.append(f"KMeans found at most {most} distinct clusters")
        limits.append(most)
    if n is not None and any("n/2" in why for why in bad.values()):
        causes.append(f"{n} rows leave fewer than two points per cluster at k > {n / 2:g}")
        limits.append(n // 2)
    bad_ks = sorted(bad)
    good = [k for k in ks if k not in bad]
    if good:
        verb = "is" if len(bad_ks) == 1 else "are"
        return (f"{' and '.join(causes)}: k = {_ranges(bad_ks)} {verb} degenerate and "
                f"{PHRASE} (the widest k that is not: {max(good)})")
    limit = min(limits)
    advice = f"sweep k <= {limit}" if limit >= 2 else "the data has no room for two clusters"
    return (f"{' and '.join(causes)}: every k swept ({_ranges(bad_ks)}) is degenerate and "
            f"{PHRASE} ({advice})")
