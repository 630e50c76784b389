"""The resampling picks and the "no structure" rule, each with one definition (tables and
plots use these). Input: the ``resampling`` table (one row per k, ``resampling_tables``).

- A k **beats the null** when its ``p_rcsi`` (the t prediction test of the data's ln PAC
  among the references', ``consensus.rcsi_p``) is below ALPHA / (number of ks tested),
  Bonferroni, and no reference's PAC is at or below the data's (the empirical p is at its
  floor 1 / (B + 1); with B = 5 that floor is 1/6, so it cannot be the test alone). Not the
  beta-fit p: fitted to a handful of references it puts too little mass near 0, and an
  elongated Gaussian's PAC at k = 2 often lies there (measured: false alarms).
- ``consensus``: among the ks that beat the null, the largest whose PAC is within
  PAC_TOLERANCE of the smallest PAC among them: the finest partition about as stable as the
  most stable one. (M3C's argmax RCSI ranks ks by how far their PAC falls below the 1e-4
  floor: a PAC of 0 at a coarser k beats 0.007 at the true k by ln 70.) 1 when no k beats
  the null. Without references: the lowest PAC (CCP, diceR), ties to the smaller k.
- ``prediction_strength``: the largest k with mean ps > 0.8 (strict, fpc); 1 when none.
- **structure** (:func:`verdict`): only when some k beats the null *and* prediction strength
  confirms a k >= 2; otherwise the answer is k = 1, with the reason in words. Without
  references, prediction strength decides alone. Measured by
  ``workflow/bench.py --resampling-power``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PS_CUTOFF = 0.8  # Tibshirani & Walther, fpc: ps above this (strictly)
ALPHA = 0.05  # family-wise, over the ks tested
PAC_TOLERANCE = 0.02  # PACs this close count as equally stable (a few borderline rows)


def beats_null(table: pd.DataFrame) -> pd.Series:
    """Per row: whether that k beats the null (see the module); False without references."""
    if len(table) == 0 or int(table["references"].iloc[0]) == 0:
        return pd.Series(False, index=table.index)
    floor = 1.0 / (table["references"] + 1)
    tested = int(table["p_rcsi"].notna().sum()) or 1
    return (table["p_rcsi"].fillna(1.0) < ALPHA / tested) & np.isclose(
        table["p_empirical"], floor
    )


def consensus_pick(table: pd.DataFrame) -> int:
    """The consensus pick (see the module)."""
    if len(table) == 0:
        return 1
    if int(table["references"].iloc[0]) == 0:
        return int(table.sort_values(["pac", "k"]).iloc[0]["k"])
    good = table[beats_null(table)]
    if good.empty:
        return 1
    return int(good.loc[good["pac"] <= good["pac"].min() + PAC_TOLERANCE, "k"].max())


def prediction_strength_pick(table: pd.DataFrame) -> int:
    """The largest k with mean prediction strength > PS_CUTOFF; 1 when none."""
    good = table[table["ps_mean"] > PS_CUTOFF]
    return 1 if good.empty else int(good["k"].max())


def verdict(table: pd.DataFrame) -> dict:
    """The two picks, whether the data show cluster structure, the k that follows (1 when
    not) and the reason in words."""
    cons, ps = consensus_pick(table), prediction_strength_pick(table)
    refs = int(table["references"].iloc[0]) if len(table) else 0
    if refs == 0:
        structure = ps > 1
        reason = (f"prediction strength is above {PS_CUTOFF} up to k = {ps} (no null references)"
                  if structure else f"no k >= 2 has a prediction strength above {PS_CUTOFF} "
                  "(no null references)")
    elif cons == 1:
        structure = False
        reason = (f"no k is more stable than {refs} reference datasets without clusters "
                  f"(normal, with the data's covariance) at family-wise alpha {ALPHA}")
    elif ps == 1:
        structure = False
        reason = (f"k = {cons} is more stable than the null (PAC {_pac(table, cons):.3f}), but "
                  f"no k >= 2 has a prediction strength above {PS_CUTOFF}")
    else:
        structure = True
        reason = (f"k = {cons} is more stable than every reference (PAC {_pac(table, cons):.3f}"
                  f", references {_ref(table, cons):.3f}) and prediction strength is above "
                  f"{PS_CUTOFF} up to k = {ps}")
    k = (ps if refs == 0 else cons) if structure else 1
    return {"consensus": cons, "prediction_strength": ps, "structure": structure, "k": k,
            "reason": reason}


def _pac(table, k) -> float:
    return float(table.loc[table["k"] == k, "pac"].iloc[0])


def _ref(table, k) -> float:
    return float(table.loc[table["k"] == k, "ref_pac_mean"].iloc[0])
