"""Tables for people: rounded CSV, an HTML page for the report, and a guide to every column.

The Parquet files keep full precision; the CSV and HTML versions round every number to the
digits that mean something (scores on a fixed scale to 4 decimals, other means to a few
significant digits, standard deviations to 2 significant digits).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from ..definitions import PS_CUTOFF

#: What each fit metric is, with its unit or range; the guide of summary.csv and choose_k.csv.
METRICS: dict[str, str] = {
    "fit_seconds": "wall time of one KMeans fit, in seconds",
    "score_seconds": "time to score one fit (its share of the job's scoring), in seconds",
    "inertia": "within-cluster sum of squared distances, in squared units of the prepared "
    "(scaled) data; lower is tighter, always falls with k",
    "n_iter": "iterations until KMeans converged (or max_iter)",
    "n_clusters": "clusters actually found (non-empty); below k means some clusters came out empty",
    "silhouette": "mean silhouette coefficient, -1..1, higher is better; < 0.25: no substantial "
    "structure",
    "calinski_harabasz": "Calinski-Harabasz index, ≥ 0, higher is better",
    "davies_bouldin": "Davies-Bouldin index, ≥ 0, lower is better",
    "homogeneity": "0..1 vs the true labels: each cluster holds one class",
    "completeness": "0..1 vs the true labels: each class sits in one cluster",
    "v_measure": "0..1 vs the true labels: harmonic mean of homogeneity and completeness",
    "ari": "adjusted Rand index vs the true labels, 1 = identical, 0 = chance",
    "ami": "adjusted mutual information vs the true labels, 1 = identical, 0 = chance",
}

#: Digits kept per metric: ("dec", n) = n decimals, ("sig", n) = n significant digits.
_DIGITS: dict[str, tuple[str, int]] = {
    "fit_seconds": ("sig", 3),
    "score_seconds": ("sig", 3),
    "inertia": ("sig", 6),
    "n_iter": ("sig", 3),
    "n_clusters": ("sig", 3),
    "calinski_harabasz": ("sig", 5),
    "davies_bouldin": ("sig", 4),
}
for _stat in ("median", "min", "max"):  # the algorithm comparison (compare.py)
    _DIGITS |= {f"fit_time_s_{_stat}": ("sig", 3), f"time_vs_lloyd_{_stat}": ("sig", 3),
                f"inertia_ratio_{_stat}": ("dec", 4), f"ari_to_best_lloyd_{_stat}": ("dec", 4)}
_FIXED_SCALE = ("dec", 4)  # scores on -1..1 or 0..1, the gap statistic, stability
_STD = ("sig", 2)

SUMMARY_KEYS: dict[str, str] = {
    "dataset": "dataset name (config.yaml)",
    "k": "number of clusters asked for",
    "init": "initialisation method",
    "algorithm": "KMeans algorithm",
    "n_fits": "number of fits (seeds) in this row",
    "degenerate": "why no criterion may pick this k (no fit at this k found k clusters, or "
    "k > n/2: fewer than two points per cluster); empty when it may",
}

CHOICE_GUIDE: dict[str, str] = {
    "dataset": "dataset name (config.yaml)",
    "criterion": "one criterion for choosing k; the last row, recommended, combines them",
    "k": "the k this criterion picks (empty: it cannot pick)",
    "rule": "how the criterion picks its k",
    "uses_labels": "True: compares with the true labels, not part of the recommendation",
    "criteria_agreeing": "how many of the label-free criteria that vote pick this row's k (six, "
    "eight with the resampling evidence)",
    "confidence": "recommended row only: clear, uncertain, or no structure (k = 1: the "
    "resampling evidence finds no k that beats the null; see note)",
    "fit_init": "init of the best fit at this k (lowest inertia over every init and seed), "
    "'init / algorithm' when an algorithm besides lloyd is swept; the fit the silhouette "
    "diagram and the cluster picture show",
    "fit_seed": "seed of that best fit",
    "inertia_best_fit": "the best fit's inertia at this k (squared units of the scaled data)",
    "silhouette_best_fit": "the best fit's mean silhouette at this k (-1..1)",
    "calinski_harabasz_best_fit": "the best fit's Calinski-Harabasz index at this k",
    "davies_bouldin_best_fit": "the best fit's Davies-Bouldin index at this k",
    "ari_with_labels_best_fit": "the best fit's adjusted Rand index vs the true labels at this k",
    "gap": "gap statistic Gap(k) at this k",
    "gap_sk": "its standard error s(k)",
    "seed_stability_ari": "mean pairwise ARI between the seeds' partitions at this k, most "
    "stable init (1 = every seed agrees)",
    "pac": "resampling: PAC of the consensus at this k (share of ambiguous pairs; lower is "
    "crisper)",
    "rcsi": "resampling: RCSI at this k (how much more stable than the null references)",
    "p_beta": "resampling: beta-fit p of this k's PAC against the null references",
    "prediction_strength": f"resampling: mean prediction strength at this k (> {PS_CUTOFF}: "
    "clusters "
    "predict each other)",
    "note": "details: how many single curves agree, the mean over fits, the reasons",
}


def summary_guide(columns) -> dict[str, str]:
    """A line per column of summary.csv."""
    guide = {}
    for col in columns:
        if col in SUMMARY_KEYS:
            guide[col] = SUMMARY_KEYS[col]
        elif col.endswith("_mean") and col[:-5] in METRICS:
            guide[col] = f"mean over the row's fits of: {METRICS[col[:-5]]}"
        elif col.endswith("_std") and col[:-4] in METRICS:
            guide[col] = f"standard deviation (ddof=1) over the row's fits of {col[:-4]}"
        else:
            guide[col] = ""
    return guide


def _round(value: float, how: tuple[str, int]) -> float:
    if value is None or not np.isfinite(value) or value == 0:
        return value
    kind, n = how
    if kind == "dec":
        return round(float(value), n)
    return round(float(value), n - 1 - math.floor(math.log10(abs(value))))


def _digits_of(col: str) -> tuple[str, int] | None:
    if col in _DIGITS:
        return _DIGITS[col]
    if col.endswith("_std"):
        return _STD
    base = col.removesuffix("_mean").removesuffix("_best_fit")
    if base in _DIGITS:
        return _DIGITS[base]
    if base in METRICS or base in ("gap", "gap_sk", "seed_stability_ari", "ari_with_labels"):
        return _FIXED_SCALE
    return None


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every float column rounded to meaningful digits."""
    out = frame.copy()
    for col in out.columns:
        how = _digits_of(col)
        if how is not None and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v, how=how: _round(v, how))
    return out


_CSS = """
body{font-family:system-ui,sans-serif;margin:1em;color:#222}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ccc;padding:2px 6px;white-space:nowrap}
th{background:#f2f2f2;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.text{white-space:normal;min-width:14em;max-width:30em}
tr.hl td{background:#fff3b0;font-weight:bold}
dl{font-size:13px} dt{font-weight:bold;font-family:monospace} dd{margin:0 0 4px 2em}
"""


def to_html(
    frame: pd.DataFrame,
    title: str,
    guide: dict[str, str],
    intro: list[str] = (),
    highlight: str | None = None,
) -> str:
    """A self-contained HTML page: title, intro lines, the rounded table, the column guide.
    The row whose ``criterion`` equals ``highlight`` is highlighted."""
    shown = for_people(frame)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = []
    for _, r in shown.iterrows():
        cells = []
        for c in shown.columns:
            v = r[c]
            if isinstance(v, (list, tuple, np.ndarray)):  # e.g. each reference's PAC
                v = ", ".join(f"{x:.4g}" for x in v)
            text = "" if (v is None or (not isinstance(v, str) and pd.isna(v))) else str(v)
            if isinstance(v, float) and text:
                text = f"{v:.12g}"  # 100594 rather than 100594.0
            cls = ' class="num"' if isinstance(v, (int, float, np.number)) else ""
            cls = ' class="text"' if isinstance(v, str) and len(v) > 24 else cls
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        hl = ' class="hl"' if highlight is not None and r.get("criterion") == highlight else ""
        body.append(f"<tr{hl}>{''.join(cells)}</tr>")
    items = "".join(
        f"<dt>{html.escape(c)}</dt><dd>{html.escape(guide.get(c, ''))}</dd>"
        for c in shown.columns
    )
    paras = "".join(f"<p>{html.escape(line)}</p>" for line in intro)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body><h2>{html.escape(title)}</h2>{paras}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<h3>Columns</h3><dl>{items}</dl></body></html>\n"
    )


SUMMARY_INTRO = (
    "One row per (k, init, algorithm): the number of fits (seeds) and every score's mean and "
    "standard deviation over them, rounded for reading (summary.csv holds the same rounded "
    "numbers; summary.parquet keeps full precision)."
)


def write_summary_page(summary: pd.DataFrame, dataset: str, path) -> None:
    page = to_html(summary, f"{dataset}: summary per k, init and algorithm",
                   summary_guide(summary.columns), [SUMMARY_INTRO])
    _write(page, path)


def write_choice_page(choice: pd.DataFrame, dataset: str, intro: list[str], path) -> None:
    """The choose_k table under its headline (``intro``: one paragraph per line)."""
    _write(to_html(choice, f"{dataset}: choosing k", CHOICE_GUIDE, intro, "recommended"), path)


COMPARISON_INTRO = (
    "One row per (k, algorithm): the median, min and max over the algorithm's fits at that k "
    "(every init and seed) of its fit time, its fit time relative to lloyd's, its inertia "
    "relative to the best fit at that k, and the ARI between its partitions and the best lloyd "
    "partition at that k. comparison.csv holds the same rounded numbers, comparison.parquet "
    "full precision."
)


def write_comparison_page(comparison: pd.DataFrame, dataset: str, notes: list[str], path):
    """The algorithm comparison under its findings and the skipped combinations."""
    from .compare import guide

    intro = [*notes, COMPARISON_INTRO]
    _write(to_html(comparison, f"{dataset}: algorithms compared", guide(comparison.columns),
                   intro), path)


RESAMPLING_GUIDE: dict[str, str] = {
    "dataset": "dataset name (config.yaml)",
    "k": "number of clusters each subsample and half was fitted with",
    "method": "the init (and algorithm) every resampling fit used: the sweep's first",
    "n_init": "KMeans n_init of every resampling fit",
    "resamples": "H, subsamples of the rows fitted at this k",
    "fraction": "share of the rows each subsample draws, without replacement",
    "pairs_used": "point pairs the consensus statistics use",
    "every_pair": "True: every pair; False: a fixed uniform sample of distinct pairs",
    "pac": "PAC: share of pairs whose consensus M lies in the window (x1, x2]; lower is "
    "crisper (M = times together / times both drawn)",
    "pac_se": "standard error of PAC from the pair sample (0 with every pair)",
    "area": "area under the consensus CDF, exactly 1 - mean consensus",
    "area_ccp": "the same area as ConsensusClusterPlus computes it (100-bin right sums)",
    "delta": "ConsensusClusterPlus's Δ(k): relative change of area_ccp from the previous k",
    "mean_consensus": "mean consensus over the pairs",
    "null_references": "B, reference datasets without clusters (the data's mean and "
    "covariance), each resampled and fitted the same way",
    "pac_ref_mean": "mean PAC of the references at this k",
    "pac_ref_sd": "its standard deviation over the references",
    "pac_ref_min": "lowest reference PAC",
    "pac_ref_max": "highest reference PAC",
    "pac_refs": "each reference's PAC, in reference order",
    "rcsi": "RCSI: mean over references of ln PAC_ref - ln PAC (PAC 0 counts as 1e-4); "
    "higher: more stable than data without clusters",
    "rcsi_se": "its standard error",
    "p_empirical": "(references with PAC <= the data's + 1) / (B + 1); never below 1/(B + 1)",
    "p_beta": "P(PAC_ref <= PAC) under a beta distribution fitted to the references "
    "(method of moments, as M3C)",
    "p_rcsi": "one-sided t prediction test of the data's ln PAC among the references' ln PAC "
    "(can fall below 1/(B + 1)); the test the rule uses",
    "beats_null": "True: this k is more stable than the null (the consensus rule: p_rcsi below "
    "0.05 / the ks tested, and every reference's PAC above the data's)",
    "ps_mean": f"prediction strength (fpc): mean over half-splits; > {PS_CUTOFF}: the clusters "
    "predict each other",
    "ps_sd": "its standard deviation over the half-splits",
    "ps_splits": "M, random half-splits (each half the test set in turn)",
    "rows_used": "rows the evidence used: every row, or a fixed sample of resampling.max_rows",
}
_DIGITS |= {  # the resampling table: shares and areas on 0..1, statistics to a few digits
    **dict.fromkeys(("pac", "area", "area_ccp", "mean_consensus", "ps_mean"), _FIXED_SCALE),
    **dict.fromkeys(("pac_ref_mean", "pac_ref_min", "pac_ref_max"), _FIXED_SCALE),
    **dict.fromkeys(("pac_se", "pac_ref_sd", "ps_sd", "rcsi_se"), _STD),
    **dict.fromkeys(("rcsi", "delta", "p_empirical", "p_beta", "p_rcsi"), ("sig", 3)),
}


def write_resampling_page(table: pd.DataFrame, dataset: str, intro: list[str], path) -> None:
    """The resampling table under what it says (``intro``: one paragraph per line)."""
    title = f"{dataset}: resampling evidence per k"
    _write(to_html(table, title, RESAMPLING_GUIDE, intro), path)


def _write(page: str, path) -> None:
    from ..io import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
