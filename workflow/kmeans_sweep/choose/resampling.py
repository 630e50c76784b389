"""The resampling picks and the "no structure" rule, each with one definition (tables and
plots use these). Input: the ``resampling`` table (one row per k, ``resampling_tables``).

- ``consensus``: among the ks that beat the null (:func:`beats_null`), the one with the
  highest RCSI (M3C); 1 when none does. Without references: the lowest PAC (CCP, diceR),
  ties to the smaller k.
- ``prediction_strength``: the largest k with mean ps > 0.8 (strict, fpc); 1 when none.
- structure (:func:`verdict`): the data show cluster structure only when some k beats the
  null *and* prediction strength confirms a k >= 2; otherwise the answer is k = 1, with the
  reason in words. Without references, prediction strength decides alone.

A k beats the null when all three hold: its beta-fit p is below ALPHA / (number of ks tested)
(Bonferroni), RCSI - Z * SE > MIN_RCSI, and no reference's PAC is at or below the data's
(the empirical p is at its floor 1 / (B + 1); with B = 5 that floor is 1/6, so it cannot be
the test alone). Measured by ``workflow/bench.py --resampling-power``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PS_CUTOFF = 0.8  # Tibshirani & Walther, fpc: ps above this (strictly)
ALPHA = 0.05  # family-wise, over the ks tested
Z = 1.645  # one-sided 95 % for RCSI - Z * SE
MIN_RCSI = 0.0  # RCSI must exceed this by Z standard errors


def beats_null(table: pd.DataFrame) -> pd.Series:
    """Per row: whether that k beats the null (see the module); False without references."""
    if len(table) == 0 or int(table["references"].iloc[0]) == 0:
        return pd.Series(False, index=table.index)
    floor = 1.0 / (table["references"] + 1)
    tested = int(table["p_beta"].notna().sum()) or 1
    p_beta = table["p_beta"].fillna(1.0)
    margin = (table["rcsi"] - Z * table["rcsi_se"].fillna(np.inf)).fillna(-np.inf)
    return (
        (p_beta < ALPHA / tested)
        & (margin > MIN_RCSI)
        & np.isclose(table["p_empirical"], floor)
    )


def consensus_pick(table: pd.DataFrame) -> int:
    """The consensus pick (see the module)."""
    if len(table) == 0:
        return 1
    if int(table["references"].iloc[0]) == 0:
        return int(table.sort_values(["pac", "k"]).iloc[0]["k"])
    good = table[beats_null(table)]
    return 1 if good.empty else int(good.sort_values(["rcsi", "k"]).iloc[-1]["k"])


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
        return {"consensus": cons, "prediction_strength": ps, "structure": structure,
                "k": ps if structure else 1, "reason": reason}
    if cons == 1:
        reason = (f"no k is more stable than in {refs} reference datasets without clusters "
                  f"(the data's covariance) at family-wise alpha {ALPHA}")
    elif ps == 1:
        reason = (f"k = {cons} is more stable than the null, but no k >= 2 has a prediction "
                  f"strength above {PS_CUTOFF}")
    else:
        reason = (f"k = {cons} is more stable than every reference (RCSI "
                  f"{_rcsi(table, cons):.2f}) and prediction strength is above {PS_CUTOFF} "
                  f"up to k = {ps}")
    structure = cons > 1 and ps > 1
    return {"consensus": cons, "prediction_strength": ps, "structure": structure,
            "k": cons if structure else 1, "reason": reason}


def _rcsi(table, k) -> float:
    return float(table.loc[table["k"] == k, "rcsi"].iloc[0])
