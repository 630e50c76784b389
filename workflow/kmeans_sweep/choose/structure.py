"""Is there cluster structure at all? The gap statistic's test of k = 1 (Tibshirani, Walther
& Hastie 2001, who built the gap to detect k = 1 too). The references are uniform over the box
of the data's principal-component scores: the least favourable unimodal null (the paper,
section 3), so unimodal data of any shape, elongated or heavy-tailed, rarely passes. The data
have cluster structure when

- the paper's own rule goes past k = 1: Gap(1) < Gap(k2) - s(k2), k2 the smallest swept k; or
- some swept k's gap exceeds the gap at k = 1 by more than two standard errors each side:
  Gap(k) - 2 s(k) > Gap(1) + 2 s(1). This catches a gap curve that dips at k = 2 before it
  rises (four blobs of which no two-way split separates pairs well: 3-5 of 40 blob sets);
  two errors, not one, because the largest of many ks is taken.

Measured with ``python -m bench --answer`` (docs/choosing-k.md). Gap(1) needs no clustering:
W_1 is the total sum of squares; the workflow computes it beside the other gap fits."""

from __future__ import annotations

import pandas as pd

#: The paper's rule: Gap(k) against Gap(k+1) - this many s(k+1).
RULE_SE = 1.0
#: Any k against k = 1: Gap(k) - this many s(k) against Gap(1) + this many s(1).
ANY_K_SE = 2.0


def gap_test(gap: pd.DataFrame | None, ks) -> dict:
    """{structure: True, False or None (not tested), by: "rule", "any k" or "", k: the k of
    the largest Gap(k) - 2 s(k), excess: its margin over Gap(1) + 2 s(1), drop: Gap(k2) -
    s(k2) - Gap(1), tested: what was tested, in words}."""
    said = {"structure": None, "by": "", "k": None, "excess": float("nan"),
            "drop": float("nan"), "tested": ""}
    if gap is None or len(gap) == 0:
        return said
    g = gap.dropna(subset=["gap", "sk"]).astype({"k": int}).set_index("k").sort_index()
    rest = g[g.index.isin([int(k) for k in ks if int(k) >= 2])]
    if 1 not in g.index or rest.empty:
        return said
    one, first = g.loc[1], rest.iloc[0]
    drop = float(first["gap"] - RULE_SE * first["sk"] - one["gap"])
    low = rest["gap"] - ANY_K_SE * rest["sk"]
    excess = float(low.max() - (one["gap"] + ANY_K_SE * one["sk"]))
    by = "rule" if drop > 0 else "any k" if excess > 0 else ""
    said.update(structure=bool(by), by=by, k=int(low.idxmax()), k2=int(rest.index[0]),
                excess=excess, drop=drop,
                tested=f"the gap statistic at k = {_span(rest.index)} against Gap(1), uniform "
                "references over the principal-component box")
    return said


def _span(ks) -> str:
    ks = sorted(int(k) for k in ks)
    return f"{ks[0]}–{ks[-1]}" if len(ks) > 2 else ", ".join(map(str, ks))


def reason(said: dict) -> str:
    """The test's result in one clause, with its numbers."""
    if said["structure"] is None:
        return "Gap(1) was not computed: cluster structure not tested"
    k2, k = said["k2"], said["k"]
    if said["by"] == "rule":
        return (f"Gap({k2}) − s({k2}) exceeds Gap(1) by {said['drop']:.3f}: the data are more "
                f"clustered than uniform references ({said['tested']})")
    if said["by"] == "any k":
        return (f"Gap({k}) − 2 s({k}) exceeds Gap(1) + 2 s(1) by {said['excess']:.3f}: the "
                f"data are more clustered than uniform references ({said['tested']})")
    return (f"the data could not be told apart from uniform references: the gap stops at "
            f"k = 1 (Gap({k2}) − s({k2}) is {-said['drop']:.3f} below Gap(1)) and no k's gap "
            f"exceeds Gap(1) by two standard errors each side (best: k = {k}, "
            f"{-said['excess']:.3f} short; {said['tested']})")
