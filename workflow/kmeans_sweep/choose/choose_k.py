"""Choosing k: every criterion's pick in one table, and the combined vote.

Pure functions, no Snakemake. Inputs follow the sweep contracts:

- ``fits``: one row per KMeans fit (``dataset, k, init, seed, inertia,
  silhouette, calinski_harabasz, davies_bouldin, ...``, optionally the
  label-based ``ari`` etc.);
- ``labels``: ``{(k, init, seed): 1-D int array}``;
- ``X``: the prepared float data matrix.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ..definitions import PS_CUTOFF, RULES
from . import degenerate
from .knee import kneedle
from .resampling.picks import headline as picks_headline
from .stability import stability_by_k, stability_pick
from .structure import gap_test, reason

__all__ = [
    "CHOICE_COLUMNS",
    "CLEAR_MIN_AGREEMENT",
    "CLEAR_MIN_SILHOUETTE",
    "CLEAR_MIN_STABILITY",
    "CRITERIA",
    "FIT_METRICS",
    "LABEL_FREE_CRITERIA",
    "best_keys",
    "candidates",
    "choose_k",
    "criteria_by_k",
    "edge_advice",
    "gap_pick",
]

#: Label-free criteria, in the order of the output table; they vote on k.
LABEL_FREE_CRITERIA: tuple[str, ...] = (
    "elbow",
    "silhouette",
    "calinski_harabasz",
    "davies_bouldin",
    "gap",
    "stability",
)
#: The resampling evidence's criteria (choose/resampling/picks.py); they vote when it was computed.
RESAMPLING_CRITERIA: tuple[str, ...] = ("consensus", "prediction_strength")
#: All criterion rows ``choose_k`` can emit (``ari_with_labels`` only with labels).
CRITERIA: tuple[str, ...] = (
    *LABEL_FREE_CRITERIA,
    *RESAMPLING_CRITERIA,
    "ari_with_labels",
    "recommended",
)
#: How the note of a pick at the sweep's largest k begins: it abstains (``_abstain_at_edge``).
ABSTAINS = "abstains: its pick is the sweep's largest k"
#: The recommendation's confidence when the data show no cluster structure.
NO_STRUCTURE = "no structure"

#: "clear" needs a strict majority: agreeing fraction > this ...
CLEAR_MIN_AGREEMENT = 0.5
#: ... and a mean pairwise ARI at the recommended k >= this ...
CLEAR_MIN_STABILITY = 0.8
#: ... and a best-fit silhouette at the recommended k >= this (Kaufman & Rousseeuw:
#: <= 0.25 means "no substantial structure has been found").
CLEAR_MIN_SILHOUETTE = 0.25



def gap_pick(gap_df: pd.DataFrame, exclude=()) -> int | None:
    """Smallest k with Gap(k) >= Gap(k+1) - s(k+1), comparing consecutive rows
    of the table sorted by k; rows with a NaN gap or sk are skipped, and ks in
    ``exclude`` (degenerate) are never picked, though they still serve as the k+1 of the
    k before. None when no k qualifies (including tables with fewer than two usable rows)."""
    if gap_df is None or len(gap_df) == 0:
        return None
    df = gap_df[["k", "gap", "sk"]].dropna().sort_values("k")
    ks = df["k"].to_numpy()
    gap = df["gap"].to_numpy(dtype=float)
    sk = df["sk"].to_numpy(dtype=float)
    for i in range(len(df) - 1):
        if gap[i] >= gap[i + 1] - sk[i + 1] and int(ks[i]) not in exclude:
            return int(ks[i])
    return None


# --------------------------------------------------------------------------- #
# choose_k
# --------------------------------------------------------------------------- #
FIT_METRICS: tuple[str, ...] = (
    "inertia",
    "silhouette",
    "calinski_harabasz",
    "davies_bouldin",
    "ari",
)


def criteria_by_k(fits: pd.DataFrame) -> pd.DataFrame:
    """Per-k summary of the fit metrics used by :func:`choose_k`.

    For each metric ``m`` in :data:`FIT_METRICS` present in ``fits``: ``m`` is
    the value of the best fit at k (lowest inertia among the fits where ``m`` is
    defined; what ``KMeans(n_init=<all restarts>)`` would return), ``m_mean`` /
    ``m_std`` (ddof=0) / ``m_n`` summarise every fit at k (all inits and seeds),
    NaNs ignored. Also ``n_fits``, ``best_init`` and ``best_seed``.
    """
    f = fits[pd.notna(fits["k"])].copy()
    f["k"] = f["k"].astype(int)
    f["_inertia"] = pd.to_numeric(f.get("inertia"), errors="coerce") if "inertia" in f else np.nan
    f = f.sort_values(["k", "_inertia"], na_position="last", kind="stable")
    g = f.groupby("k", sort=True)
    out = pd.DataFrame({"k": sorted(f["k"].unique())})
    out["n_fits"] = g.size().to_numpy()
    first = g.head(1).set_index("k")
    for col in ("init", "seed"):
        out[f"best_{col}"] = first[col].reindex(out["k"]).to_numpy() if col in f else None
    for m in FIT_METRICS:
        if m not in f.columns:
            continue
        vals = pd.to_numeric(f[m], errors="coerce").astype(float)
        gm = vals.groupby(f["k"])
        defined = f.loc[vals.notna(), ["k"]].assign(v=vals[vals.notna()])
        best = defined.groupby("k")["v"].first()  # already sorted by inertia
        out[m] = best.reindex(out["k"]).to_numpy(dtype=float)
        out[f"{m}_mean"] = gm.mean().reindex(out["k"]).to_numpy(dtype=float)
        out[f"{m}_std"] = gm.std(ddof=0).reindex(out["k"]).to_numpy(dtype=float)
        out[f"{m}_n"] = gm.count().reindex(out["k"]).to_numpy(dtype=int)
    return out


def best_keys(fits: pd.DataFrame, ks) -> list[tuple[int, str, int]]:
    """(k, method, seed) of the best fit at each k (``fits``: the ``tables.methods.view``):
    the fit every picture and per-cluster table shows for that k."""
    by_k = criteria_by_k(fits).set_index("k")
    return [(int(k), str(by_k.loc[k, "best_init"]), int(by_k.loc[k, "best_seed"])) for k in ks]


def _row(criterion: str, k: int | None, note: str, uses_labels: bool = False) -> dict:
    return {
        "criterion": criterion,
        "k": None if k is None else int(k),
        "rule": RULES[criterion],
        "uses_labels": uses_labels,
        "note": note,
    }


def _elbow_row(fits: pd.DataFrame, by_k: pd.DataFrame, bad=()) -> dict:
    if "inertia" not in by_k:
        return _row("elbow", None, "no inertia column")
    zero = degenerate.zero_inertia_k(by_k)
    if zero is not None and zero not in bad:
        return _row("elbow", zero, f"the best-fit inertia is zero from k={zero} on (every point "
                    "on its centre): adding clusters stops paying off there")
    curve = by_k[["k", "inertia"]].dropna()
    # Per-run knees: one inertia curve per (init, seed).
    run_knees = []
    n_runs = 0
    for _, g in fits.groupby(["init", "seed"]):
        n_runs += 1
        kk = kneedle(g["k"].astype(float), pd.to_numeric(g["inertia"], errors="coerce"))
        if kk is not None:
            run_knees.append(int(kk))
    if len(curve) < 3:
        return _row(
            "elbow", None, f"Kneedle needs >= 3 k values with an inertia, have {len(curve)}"
        )
    knee = kneedle(curve["k"], curve["inertia"], curve="convex", direction="decreasing")
    if knee is not None and int(knee) in bad:  # again on the ks that are not degenerate
        ok = degenerate.usable(curve, bad)
        knee = kneedle(ok["k"], ok["inertia"], curve="convex", direction="decreasing")
    if knee is None:
        return _row("elbow", None, "Kneedle found no knee in the best-fit inertia curve"
                    + (" at a k that is not degenerate" if bad else ""))
    knee = int(knee)
    agree = sum(1 for v in run_knees if v == knee)
    return _row(
        "elbow",
        knee,
        f"{agree} of {n_runs} single (init, seed) inertia curves also have their knee at k={knee}",
    )


def _extreme_row(by_k: pd.DataFrame, col: str, maximize: bool) -> dict:
    """The k of the best value (``by_k``: only the ks that are not degenerate)."""
    if col not in by_k or by_k[col].isna().all():
        return _row(col, None, "undefined at every k that is not degenerate")
    best = by_k.loc[by_k[col].idxmax() if maximize else by_k[col].idxmin()]
    return _row(
        col,
        int(best["k"]),
        f"mean over the {int(best[f'{col}_n'])} fits at this k: {best[f'{col}_mean']:.4g}",
    )


def _gap_row(gap: pd.DataFrame | None, bad=()) -> dict:
    if gap is None or len(gap) == 0:
        return _row("gap", None, "gap statistic not computed")
    k = gap_pick(gap, exclude=bad)
    if k is None:
        return _row("gap", None, "no k has Gap(k) >= Gap(k+1) - s(k+1) in the swept range")
    return _row("gap", k, "")


def _stability_row(per_k: pd.DataFrame) -> dict:
    k = stability_pick(per_k)
    if k is None:
        return _row("stability", None, "not computed (needs >= 2 seeds per (k, init)) or "
                    "every k is degenerate")
    r = per_k.loc[per_k["k"] == k].iloc[0]
    best = per_k.loc[per_k["stability_mean"].idxmax()]
    return _row(
        "stability",
        k,
        f"most stable init here: {r['init']}; highest stability "
        f"{best['stability_mean']:.3f} at k={int(best['k'])}",
    )


def _labels_row(by_k: pd.DataFrame) -> dict | None:
    if "ari" not in by_k or by_k["ari"].isna().all():
        return None
    best = by_k.loc[by_k["ari"].idxmax()]
    return _row(
        "ari_with_labels",
        int(best["k"]),
        f"uses the true labels; mean over the fits at this k: {best['ari_mean']:.3f}",
        uses_labels=True,
    )


#: Columns of the choose_k table; every value column means the same in every row: the value
#: at that row's k (the best fit's score, the gap statistic, the seed stability).
CHOICE_COLUMNS: tuple[str, ...] = (
    "criterion",
    "k",
    "rule",
    "uses_labels",
    "criteria_agreeing",
    "confidence",
    "fit_init",
    "fit_seed",
    "inertia_best_fit",
    "silhouette_best_fit",
    "calinski_harabasz_best_fit",
    "davies_bouldin_best_fit",
    "ari_with_labels_best_fit",
    "gap",
    "gap_sk",
    "seed_stability_ari",
    "pac",
    "rcsi",
    "p_beta",
    "prediction_strength",
    "note",
)


VALUE_COLUMNS: tuple[str, ...] = CHOICE_COLUMNS[CHOICE_COLUMNS.index("inertia_best_fit") : -1]


def voters(choice: pd.DataFrame) -> list[str]:
    """The criteria of a choose_k table that vote: the six label-free ones, and the two
    resampling ones when the table has them."""
    present = set(choice["criterion"])
    return [c for c in (*LABEL_FREE_CRITERIA, *RESAMPLING_CRITERIA) if c in present]


_RESAMPLING_VALUES = {"pac": "pac", "rcsi": "rcsi", "p_beta": "p_beta",
                      "prediction_strength": "ps_mean"}


def _values_at(k, by_k: pd.DataFrame, gap: pd.DataFrame | None, per_k_stab, res=None) -> dict:
    """The value columns of one row: everything known at k."""
    out = dict.fromkeys(VALUE_COLUMNS, np.nan)
    out["fit_init"], out["fit_seed"] = None, None
    if k is None:
        return out
    hit = by_k[by_k["k"] == k]
    if len(hit):
        r = hit.iloc[0]
        out["fit_init"] = None if pd.isna(r.get("best_init")) else str(r["best_init"])
        out["fit_seed"] = None if pd.isna(r.get("best_seed")) else int(r["best_seed"])
        for m in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin"):
            out[f"{m}_best_fit"] = float(r[m]) if m in r else np.nan
        out["ari_with_labels_best_fit"] = float(r["ari"]) if "ari" in r else np.nan
    if gap is not None and len(gap):
        g = gap[gap["k"] == k]
        if len(g):
            out["gap"], out["gap_sk"] = float(g["gap"].iloc[0]), float(g["sk"].iloc[0])
    s = per_k_stab[per_k_stab["k"] == k]
    if len(s):
        out["seed_stability_ari"] = float(s["stability_mean"].iloc[0])
    r = res[res["k"] == k] if res is not None else ()
    if len(r):
        for col, src in _RESAMPLING_VALUES.items():
            out[col] = float(r[src].iloc[0])
    return out


def _recommend(votes: dict, ks_swept: list[int], tiebreak: dict) -> tuple[int | None, list[str]]:
    """Majority vote; ties by ``tiebreak`` (higher first: RCSI, then seed stability), then the
    smaller k. Returns (k, agreeing criteria)."""
    counts = Counter(k for k in votes.values() if k is not None)
    key = _tie_order(counts, tiebreak)
    if counts:
        rec = min(counts, key=key)
        return rec, [c for c, k in votes.items() if k == rec]
    if ks_swept:
        return min(ks_swept, key=key), []
    return None, []


def _tie_order(counts, tiebreak: dict):
    """The recommendation's order of ks, as a sort key: more votes (``counts``: {k: votes}),
    then each of ``tiebreak`` ({name: {k: value}}, higher first), then the smaller k."""

    def key(k: int) -> tuple:
        return (-counts.get(k, 0), *(-_finite(t.get(k)) for t in tiebreak.values()), k)

    return key


def _finite(value) -> float:
    return float(value) if value is not None and np.isfinite(value) else -np.inf


def candidates(choice: pd.DataFrame) -> list[int]:
    """Every k some voting criterion picks, the recommended first, then in the
    recommendation's own order (:func:`_tie_order`: more criteria, then higher RCSI, higher
    seed stability, smaller k)."""
    rows = choice[choice["criterion"].isin(voters(choice)) & choice["k"].notna()]
    by_k = rows.astype({"k": int}).groupby("k")
    tiebreak = {c: by_k[c].first().to_dict() for c in ("rcsi", "seed_stability_ari")
                if c in rows}
    order = sorted(by_k.groups, key=_tie_order(by_k.size().to_dict(), tiebreak))
    rec = choice.loc[choice["criterion"] == "recommended", "k"]
    if len(rec) and pd.notna(rec.iloc[0]):
        r = int(rec.iloc[0])
        order = [r] + [k for k in order if k != r]
    return [int(k) for k in order]


def _resampling_rows(res: pd.DataFrame) -> list[dict]:
    """The consensus and prediction strength rows."""
    from .resampling import picks

    return [_row("consensus", picks.consensus_pick(res), picks.consensus_note(res)),
            _row("prediction_strength", picks.prediction_strength_pick(res), picks.ps_note(res))]


def _abstain_at_edge(rows: list[dict], ks_swept: list[int]) -> None:
    """A voting pick at the sweep's largest k abstains (its statistic may go on improving
    beyond the sweep), and its note says so."""
    if len(ks_swept) < 3:
        return
    for r in rows:
        if r["criterion"] in VOTING and r["k"] == max(ks_swept):
            r["note"] = (f"{ABSTAINS} ({r['k']}), where its statistic may still be "
                         "improving" + (f"; {r['note']}" if r["note"] else ""))
            r["k"] = None


def choose_k(
    fits: pd.DataFrame,
    gap: pd.DataFrame | None,
    stability: pd.DataFrame | None,
    resampling: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per criterion plus a ``recommended`` row; columns :data:`CHOICE_COLUMNS`.

    ``k`` is nullable Int64 (<NA> when a criterion cannot pick or abstains). Every value
    column holds the value at the row's k, whatever the criterion: ``*_best_fit`` the best
    fit's score (lowest inertia over every init and seed; see :func:`criteria_by_k`; the
    sweep's single-restart fits are treated as restarts of one KMeans), ``gap``/``gap_sk``,
    ``seed_stability_ari``, the resampling values. ``fit_init``/``fit_seed`` name that best
    fit. ``criteria_agreeing`` counts the voting criteria that pick the row's k.

    Criteria (rules: :data:`definitions.RULES`): ``elbow``, ``silhouette``,
    ``calinski_harabasz``, ``davies_bouldin``, ``gap`` (over the swept ks), ``stability``
    (the largest k within 0.05 of the most stable: KMeans is reproducible up to the true
    number of well-separated groups), and with the resampling table ``consensus`` and
    ``prediction_strength`` (``resampling/picks.py``); ``ari_with_labels`` is informative
    only. A voting pick at the sweep's largest k abstains.

    Recommendation: k = 1, confidence "no structure", when the gap statistic's test of k = 1
    finds none (``structure.py``; the gap table then has a k = 1 row); else the majority vote,
    ties broken by RCSI, then seed stability, then the smaller k. "clear" needs a strict
    majority, seed stability >= 0.8, silhouette >= 0.25, a k inside the sweep and, with the
    resampling evidence, a prediction strength above the cutoff at that k; else "uncertain",
    with the reasons in ``note``. Degenerate ks (``degenerate.py``) are never picked.
    """
    fits, by_k = _prepared(fits)
    ks_swept = sorted(int(k) for k in by_k["k"])
    bad = degenerate.degenerate_ks(fits)  # {k: why}: no criterion picks these
    per_k_stab = stability_by_k(stability)
    swept_gap = None if gap is None else gap[gap["k"].isin(ks_swept)]
    res = None
    if resampling is not None and len(resampling):
        res = resampling[~resampling["k"].isin(bad)]
    rows = _criterion_rows(fits, by_k, swept_gap, per_k_stab, bad, res)
    _abstain_at_edge(rows, ks_swept)
    votes = {r["criterion"]: r["k"] for r in rows if r["criterion"] in VOTING}
    said = gap_test(gap, [k for k in ks_swept if k not in bad])
    rec, agree = _recommend(votes, [k for k in ks_swept if k not in bad],
                            _tiebreaks(res, per_k_stab))
    anyway = (rec, agree)  # what the vote says, should the user cluster all the same
    if said["structure"] is False:
        rec, agree = 1, []
    rows.append(_row("recommended", rec, ""))
    for r in rows:
        r.update(_values_at(r["k"], by_k, swept_gap, per_k_stab, res))
        r["criteria_agreeing"] = sum(1 for k in votes.values() if k is not None and k == r["k"])
        r["confidence"] = ""
    evidence = {"structure": said, "resampling": res, "voters": len(votes), "anyway": anyway}
    _explain(rows[-1], rec, agree, ks_swept, evidence, degenerate.clause(fits, bad))
    return _frame(rows, fits)


#: The criteria whose picks vote on the recommendation.
VOTING = (*LABEL_FREE_CRITERIA, *RESAMPLING_CRITERIA)


def _prepared(fits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(fits with int k and init/seed columns, :func:`criteria_by_k`)."""
    if len(fits) == 0 or "k" not in fits:
        empty = pd.DataFrame({"k": [], "init": [], "seed": [], "inertia": []})
        return empty, pd.DataFrame({"k": []})
    fits = fits[pd.notna(fits["k"])].copy()
    fits["k"] = fits["k"].astype(int)
    for col in ("init", "seed"):
        if col not in fits.columns:
            fits[col] = 0
    return fits, criteria_by_k(fits) if len(fits) else pd.DataFrame({"k": []})


def _criterion_rows(fits, by_k, gap, per_k_stab, bad, res) -> list[dict]:
    """Every criterion's row (degenerate ks left out of every pick)."""
    ok = degenerate.usable
    rows = [
        _elbow_row(fits, by_k, bad),
        _extreme_row(ok(by_k, bad), "silhouette", True),
        _extreme_row(ok(by_k, bad), "calinski_harabasz", True),
        _extreme_row(ok(by_k, bad), "davies_bouldin", False),
        _gap_row(gap, bad),
        _stability_row(ok(per_k_stab, bad)),
    ]
    if res is not None:
        rows += _resampling_rows(res)
    labels_row = _labels_row(ok(by_k, bad))
    return rows + ([labels_row] if labels_row is not None else [])


def _tiebreaks(res, per_k_stab) -> dict:
    """{name: {k: value}}, in the order ties are broken by (higher first)."""
    out = {}
    if res is not None:
        out["rcsi"] = dict(zip(res["k"].astype(int), res["rcsi"].astype(float), strict=True))
    out["stability"] = dict(zip(per_k_stab["k"].astype(int),
                                per_k_stab["stability_mean"].astype(float), strict=True))
    return out


def _frame(rows: list[dict], fits: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(CHOICE_COLUMNS))
    out["k"] = out["k"].astype("Int64")
    out["fit_seed"] = out["fit_seed"].astype("Int64")
    out["criteria_agreeing"] = out["criteria_agreeing"].astype(int)
    out["uses_labels"] = out["uses_labels"].astype(bool)
    if "ari" not in fits or fits["ari"].isna().all():
        out = out.drop(columns="ari_with_labels_best_fit")
    return out


def _explain(rec_row, rec, agree, ks_swept, evidence: dict, degenerate_clause) -> None:
    """The recommended row's confidence and note: "no structure" with the test's numbers,
    else clear or uncertain with the reasons; and the degenerate ks."""
    said, res = evidence["structure"], evidence["resampling"]
    if rec == 1 and said["structure"] is False:
        rec_row["confidence"] = NO_STRUCTURE
        extra = f"; the resampling evidence: {picks_headline(res)}" if res is not None else ""
        rec_row["note"] = (f"the data show no cluster structure: {reason(said)}{extra}"
                           f"{_anyway(*evidence['anyway'], evidence['voters'])}")
        return
    clear, reasons = _confidence(rec, agree, ks_swept, rec_row, evidence["voters"])
    if said["structure"]:
        reasons.insert(1, f"cluster structure: {reason(said)}")
    if res is not None and rec is not None:
        ok, clause = _reproducibility(res, rec)
        clear, reasons = clear and ok, [*reasons, clause]
    rec_row["confidence"] = "clear" if clear else "uncertain"
    if degenerate_clause:
        reasons = [degenerate_clause] if rec is None else [*reasons, degenerate_clause]
    rec_row["note"] = "; ".join(reasons)


#: How the "no structure" note names the vote's k, for a user who clusters all the same.
ANYWAY = "if you cluster anyway"


def _anyway(k, agree, n: int) -> str:
    """"; if you cluster anyway, 5 of 8 criteria pick k=2 (...)", or "" without a vote."""
    if k is None or not agree:
        return ""
    return f"; {ANYWAY}, {len(agree)} of {n} criteria pick k={k} ({', '.join(agree)})"


def _reproducibility(res: pd.DataFrame, k: int) -> tuple[bool, str]:
    """(whether k reproduces under half-splits, the clause saying so, with the SE)."""
    from .resampling.picks import prediction_strength_pick, ps_se

    row = res[res["k"] == k]
    if row.empty or not np.isfinite(row["ps_mean"].iloc[0]):
        return True, "prediction strength not computed at this k"
    r = row.iloc[0]
    value = f"{r['ps_mean']:.2f} ± {ps_se(r):.2f}"
    if r["ps_mean"] > PS_CUTOFF:
        return True, f"reproduces under half-splits (prediction strength {value} > {PS_CUTOFF})"
    if prediction_strength_pick(res) is None:
        return False, (f"no k reproduces under half-splits (prediction strength <= "
                       f"{PS_CUTOFF} at every k; {value} here)")
    return False, f"prediction strength {value} <= {PS_CUTOFF} at this k"


def edge_advice(k: int, swept: list[int]) -> str:
    """Advice to widen the sweep when a recommended k sits at an end of the swept range."""
    if len(swept) < 2:
        return ""
    if k == max(swept):
        return f"k={k} is the largest k swept: widen the sweep (sweep.k) beyond {k}"
    if k == min(swept) and k > 2:
        return f"k={k} is the smallest k swept: widen the sweep (sweep.k) below {k}"
    return ""


def _confidence(rec, agree, ks_swept, rec_row, n: int) -> tuple[bool, list[str]]:
    """Whether the recommendation is clear, and the reasons, each a short clause (``n``: the
    criteria that vote)."""
    if rec is None:
        return False, ["no fits"]
    if agree:
        reasons = [f"{len(agree)} of {n} criteria pick k={rec} ({', '.join(agree)})"]
    else:
        reasons = [f"no criterion could pick a k; fell back to the most stable k={rec}"]
    stab = rec_row["seed_stability_ari"]
    sil = rec_row["silhouette_best_fit"]
    if np.isfinite(stab):
        word = "agree" if stab >= CLEAR_MIN_STABILITY else "only partly agree"
        reasons.append(f"seeds {word} (mean pairwise ARI {stab:.2f})")
    else:
        reasons.append("stability unknown")
    if np.isfinite(sil) and sil < CLEAR_MIN_SILHOUETTE:
        reasons.append(f"silhouette {sil:.2f} < {CLEAR_MIN_SILHOUETTE:g} (weak structure)")
    if len(ks_swept) == 1:
        reasons.append("only one k was swept")
    at_edge = len(ks_swept) > 1 and rec == max(ks_swept)
    if edge_advice(rec, ks_swept):
        reasons.append(edge_advice(rec, ks_swept))
    clear = (
        len(ks_swept) > 1
        and len(agree) / n > CLEAR_MIN_AGREEMENT
        and np.isfinite(stab)
        and stab >= CLEAR_MIN_STABILITY
        and np.isfinite(sil)
        and sil >= CLEAR_MIN_SILHOUETTE
        and not at_edge
    )
    return bool(clear), reasons
