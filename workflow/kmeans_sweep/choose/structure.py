"""Is there cluster structure at all? The gap statistic's test of k = 1 (Tibshirani, Walther
& Hastie 2001, who built the gap to detect k = 1 too): the data have cluster structure when at
some swept k the gap clearly exceeds the gap at k = 1, by more than both standard errors:

    structure  <=>  max over k >= 2 of  Gap(k) - s(k)  >  Gap(1) + s(1)

The references are uniform over the box of the data's principal-component scores: the least
favourable unimodal null (the paper, section 3), so unimodal data of any shape, elongated or
heavy-tailed, rarely passes, and the note says what was tested. (Tibshirani's own stopping
rule, the smallest k with Gap(k) >= Gap(k+1) - s(k+1), stops at 1 when Gap dips at k = 2
before rising, as with four blobs two of which a k = 2 split cannot separate; the comparison
with every k does not.) Measured with ``bench/answer.py``: docs/choosing-k.md.

Gap(1) needs no clustering: W_1 is the total sum of squares; the workflow computes it beside
the other gap fits (``gap_references`` reference sets)."""

from __future__ import annotations

import pandas as pd

from ..definitions import STRUCTURE_SE


def gap_test(gap: pd.DataFrame | None, ks) -> dict:
    """{structure: True, False or None (not tested), k: the k of the largest Gap(k) - s(k),
    excess: that minus (Gap(1) + s(1)), tested: what was tested, in words}."""
    said = {"structure": None, "k": None, "excess": float("nan"), "tested": ""}
    if gap is None or len(gap) == 0:
        return said
    g = gap.dropna(subset=["gap", "sk"]).astype({"k": int}).set_index("k")
    rest = g[g.index.isin([int(k) for k in ks if int(k) >= 2])]
    if 1 not in g.index or rest.empty:
        return said
    bar = float(g.loc[1, "gap"] + STRUCTURE_SE * g.loc[1, "sk"])
    low = rest["gap"] - STRUCTURE_SE * rest["sk"]
    said.update(structure=bool(low.max() > bar), k=int(low.idxmax()),
                excess=float(low.max() - bar),
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
    gap_k = f"Gap({said['k']}) − s({said['k']})"
    if said["structure"]:
        return (f"{gap_k} exceeds Gap(1) + s(1) by {said['excess']:.3f}: the data are more "
                f"clustered than uniform references ({said['tested']})")
    return (f"the data could not be told apart from uniform references: no k's gap clearly "
            f"exceeds Gap(1) (best: {gap_k} falls {-said['excess']:.3f} short of Gap(1) + s(1); "
            f"{said['tested']})")
