"""The resampling evidence's two picks, each with one definition (the tables, the notes and
the plots use these). Input: the ``resampling`` table (one row per k, ``tables.py``).

- **beats the null** at k: the data's consensus is clearly more stable than every null
  reference (normal, with the data's covariance): ``p_rcsi`` (``consensus.rcsi_p``, the t
  prediction test of the data's ln PAC among the references') below ALPHA / the number of ks
  tested (Bonferroni), every reference's PAC above the data's, and RCSI >= MIN_RCSI (ln 2:
  the data's PAC at most half the references'). The effect size is needed because real data
  are never exactly the normal null: at large k their PAC differs from the references' by a
  few percent with a tiny spread among them, "significant" and meaningless.
- ``consensus`` pick: among the ks that beat the null, the largest RCSI (M3C's choice of K);
  none when no k does. Without references: the lowest PAC (CCP, diceR), ties to the smaller k.
- ``prediction_strength`` pick: the largest k with mean ps > PS_CUTOFF (strict, fpc); none
  when no k reaches it: prediction strength is evidence of strong, reproducible clusters
  (a minimum over clusters, it falls as k grows), not a test of any structure.

Whether the data have cluster structure at all is ``choose/structure.py``'s question; this
evidence helps choose among the ks and says how reproducible they are.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ...definitions import PS_CUTOFF

ALPHA = 0.05
MIN_RCSI = math.log(2.0)  # the data's PAC at most half the references' (geometric mean)


def references(table: pd.DataFrame) -> int:
    return int(table["null_references"].iloc[0]) if len(table) else 0


def _below_every_reference(table: pd.DataFrame) -> pd.Series:
    return pd.Series(np.isclose(table["p_empirical"], 1.0 / (table["null_references"] + 1)),
                     index=table.index)


def beats_null(table: pd.DataFrame) -> pd.Series:
    """Per row: clearly more stable than every null reference (see the module); False
    without references."""
    if references(table) == 0:
        return pd.Series(False, index=table.index)
    tested = int(table["p_rcsi"].notna().sum()) or 1
    return ((table["p_rcsi"].fillna(1.0) < ALPHA / tested) & _below_every_reference(table)
            & (table["rcsi"].fillna(-np.inf) >= MIN_RCSI))


def consensus_pick(table: pd.DataFrame) -> int | None:
    """The consensus pick (see the module)."""
    if len(table) == 0:
        return None
    if references(table) == 0:
        return int(table.sort_values(["pac", "k"]).iloc[0]["k"])
    rows = table[beats_null(table)]
    if rows.empty:
        return None
    return int(rows.sort_values(["rcsi", "k"], ascending=[False, True]).iloc[0]["k"])


def prediction_strength_pick(table: pd.DataFrame) -> int | None:
    """The largest k with mean prediction strength > PS_CUTOFF; None when none."""
    good = table[table["ps_mean"] > PS_CUTOFF]
    return None if good.empty else int(good["k"].max())


def ps_se(row) -> float:
    """The standard error of a mean prediction strength (sd over the splits / sqrt(M))."""
    m = row.get("ps_splits", np.nan)
    return float(row["ps_sd"] / math.sqrt(m)) if m and m > 1 else float("nan")


def headline(table: pd.DataFrame) -> str:
    """What the evidence says, in one sentence (the table's page and the logs)."""
    return f"{consensus_note(table)}; {ps_note(table)}"


def ps_note(table: pd.DataFrame) -> str:
    """The prediction strength row's note: where the mean crosses the cutoff, with its SE."""
    if len(table) == 0:
        return "no prediction strength"
    k = prediction_strength_pick(table)
    if k is None:
        top = table.loc[table["ps_mean"].idxmax()]
        return (f"no k reproduces under half-splits: mean prediction strength at most "
                f"{top['ps_mean']:.2f} ± {ps_se(top):.2f} (k = {int(top['k'])}), not above "
                f"{PS_CUTOFF}")
    row = table.loc[table["k"] == k].iloc[0]
    return (f"mean prediction strength {row['ps_mean']:.2f} ± {ps_se(row):.2f} at k = {k}, "
            f"above {PS_CUTOFF}")


def consensus_note(table: pd.DataFrame) -> str:
    """The consensus row's note: which ks beat the null, and the pick's RCSI and PAC."""
    if references(table) == 0:
        return "no null references: the lowest PAC"
    good = table.loc[beats_null(table), "k"].astype(int).tolist()
    if not good:
        return (f"no k's consensus is clearly more stable than the {references(table)} null "
                f"references (p_rcsi < {ALPHA} / ks tested, RCSI >= ln 2)")
    row = table.loc[table["k"] == consensus_pick(table)].iloc[0]
    se = f" ± {row['rcsi_se']:.2f}" if "rcsi_se" in row else ""
    return (f"ks beating the null: {', '.join(map(str, good))}; the most stable relative to "
            f"it: k = {int(row['k'])} (RCSI {row['rcsi']:.2f}{se}, PAC {row['pac']:.3f} "
            f"against {row['pac_ref_mean']:.3f})")
