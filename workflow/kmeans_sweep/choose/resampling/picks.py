"""The resampling picks and the "no structure" rule, each with one definition (tables and
plots use these). Input: the ``resampling`` table (one row per k, ``resampling_tables``).

Evidence at one k against the null references (normal, with the data's covariance):
``p_rcsi`` (``consensus.rcsi_p``: the t prediction test of the data's ln PAC among the
references') and the empirical p at its floor 1 / (B + 1), i.e. every reference's PAC above
the data's. The empirical p alone cannot decide (with B = 5 it never falls below 1/6); the
beta-fit p is not used: fitted to a handful of references it puts too little mass near 0,
where an elongated Gaussian's PAC at k = 2 often lies (measured: false alarms).

- ``consensus`` pick: among the ks that **beat the null** (p_rcsi < ALPHA / the number of
  ks tested, Bonferroni, and every reference above), the largest whose PAC is within
  PAC_TOLERANCE of the smallest PAC among them: the finest partition about as stable as the
  most stable one. (M3C's argmax RCSI ranks ks by how far below the 1e-4 floor their PAC
  falls: a PAC of 0 at a coarser k beats 0.007 at the true k by ln 70.) 1 when no k beats
  the null. Without references: the lowest PAC (CCP, diceR), ties to the smaller k.
- ``prediction_strength`` pick: the largest k with mean ps > 0.8 (strict, fpc); 1 when none.
- **structure** (:func:`verdict`): some k is **supported**: more stable than the null at
  ALPHA (p_rcsi < ALPHA, every reference above) *and* predictable at that same k (ps >
  0.8): two independent lines of evidence on one k. Then the answer is the finest supported
  k about as stable as the most stable supported one (as above); otherwise k = 1, with the
  reason in words. Without references, prediction strength decides alone. Measured by
  ``workflow/bench.py --resampling-power``: noise alone (ps likes k = 2 on an elongated
  Gaussian; the consensus null alone is fooled a few times in 30) is why both are needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PS_CUTOFF = 0.8  # Tibshirani & Walther, fpc: ps above this (strictly)
ALPHA = 0.05
PAC_TOLERANCE = 0.05  # PACs this close count as equally stable (borderline rows, local optima)


def _references(table: pd.DataFrame) -> int:
    return int(table["null_references"].iloc[0]) if len(table) else 0


def _below_every_reference(table: pd.DataFrame) -> pd.Series:
    return pd.Series(np.isclose(table["p_empirical"], 1.0 / (table["null_references"] + 1)),
                     index=table.index)


def beats_null(table: pd.DataFrame) -> pd.Series:
    """Per row: p_rcsi < ALPHA / (ks tested) and every reference above; False without
    references."""
    if _references(table) == 0:
        return pd.Series(False, index=table.index)
    tested = int(table["p_rcsi"].notna().sum()) or 1
    return (table["p_rcsi"].fillna(1.0) < ALPHA / tested) & _below_every_reference(table)


def supported(table: pd.DataFrame) -> pd.Series:
    """Per row: more stable than the null at ALPHA (every reference above) and ps > 0.8."""
    if _references(table) == 0:
        return pd.Series(False, index=table.index)
    stable = (table["p_rcsi"].fillna(1.0) < ALPHA) & _below_every_reference(table)
    return stable & (table["ps_mean"] > PS_CUTOFF)


def finest_stable(table: pd.DataFrame, mask: pd.Series) -> int:
    """The largest k of ``mask`` whose PAC is within PAC_TOLERANCE of their smallest; 1 when
    the mask is empty."""
    rows = table[mask]
    if rows.empty:
        return 1
    return int(rows.loc[rows["pac"] <= rows["pac"].min() + PAC_TOLERANCE, "k"].max())


def consensus_pick(table: pd.DataFrame) -> int:
    """The consensus pick (see the module)."""
    if len(table) == 0:
        return 1
    if _references(table) == 0:
        return int(table.sort_values(["pac", "k"]).iloc[0]["k"])
    return finest_stable(table, beats_null(table))


def prediction_strength_pick(table: pd.DataFrame) -> int:
    """The largest k with mean prediction strength > PS_CUTOFF; 1 when none."""
    good = table[table["ps_mean"] > PS_CUTOFF]
    return 1 if good.empty else int(good["k"].max())


def verdict(table: pd.DataFrame) -> dict:
    """The two picks, whether the data show cluster structure, the k that follows (1 when
    not) and the reason in words."""
    cons, ps = consensus_pick(table), prediction_strength_pick(table)
    if _references(table) == 0:
        k = ps
        reason = (f"prediction strength is above {PS_CUTOFF} up to k = {ps} (no null references)"
                  if ps > 1 else f"no k >= 2 has a prediction strength above {PS_CUTOFF} "
                  "(no null references)")
    else:
        k = finest_stable(table, supported(table))
        reason = _reason(table, k)
    return {"consensus": cons, "prediction_strength": ps, "structure": k > 1, "k": k,
            "reason": reason}


def _reason(table: pd.DataFrame, k: int) -> str:
    B = _references(table)
    if k > 1:
        row = table.loc[table["k"] == k].iloc[0]
        return (f"at k = {k} the clustering is more stable than in all {B} reference datasets "
                f"without clusters (PAC {row['pac']:.3f} against {row['pac_ref_mean']:.3f}, "
                f"p {row['p_rcsi']:.2g}) and predictable (prediction strength "
                f"{row['ps_mean']:.2f} > {PS_CUTOFF})")
    stable = table[(table["p_rcsi"].fillna(1.0) < ALPHA) & _below_every_reference(table)]
    if stable.empty:
        return (f"no k is more stable than {B} reference datasets without clusters (normal, "
                f"with the data's covariance) at alpha {ALPHA}")
    ks = ", ".join(str(int(x)) for x in stable["k"])
    return (f"k = {ks} {'is' if len(stable) == 1 else 'are'} more stable than the references, "
            f"but none has a prediction strength above {PS_CUTOFF} (at most "
            f"{stable['ps_mean'].max():.2f})")


def headline(said: dict) -> str:
    """The verdict in one sentence, for the table's page and the logs."""
    if said["structure"]:
        return (f"k = {said['k']} (consensus k = {said['consensus']}, prediction strength "
                f"k = {said['prediction_strength']}): {said['reason']}")
    return f"no cluster structure that k-means finds reliably: {said['reason']}"


def ps_note(table: pd.DataFrame) -> str:
    """The prediction strength row's note: where the mean crosses the cutoff."""
    k = prediction_strength_pick(table)
    if k == 1:
        top = table["ps_mean"].max() if len(table) else float("nan")
        return f"no k >= 2 has a mean prediction strength above {PS_CUTOFF} (at most {top:.2f})"
    value = float(table.loc[table["k"] == k, "ps_mean"].iloc[0])
    return f"mean prediction strength {value:.2f} at k = {k}, above {PS_CUTOFF}"


def consensus_note(table: pd.DataFrame) -> str:
    """The consensus row's note: which ks beat the null, and the PAC of the pick."""
    if _references(table) == 0:
        return "no null references: the lowest PAC"
    good = table.loc[beats_null(table), "k"].astype(int).tolist()
    if not good:
        return f"no k beats the {_references(table)} null references"
    k = consensus_pick(table)
    pac = float(table.loc[table["k"] == k, "pac"].iloc[0])
    return f"ks beating the null: {', '.join(map(str, good))}; PAC at k = {k}: {pac:.3f}"
