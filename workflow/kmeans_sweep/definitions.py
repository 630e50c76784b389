"""The words and numbers every plot, table and caption uses for the same thing, defined once.

``choose_k`` computes each criterion's pick; the plots mark exactly those picks and use these
phrases in their legends and titles; the report captions (workflow/report/*.rst) must contain
the phrases of the elements their plot draws (tests/plots/test_plots.py checks it).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

#: The item ``b`` (gap statistic) or source (resampling) of the data itself; its reference
#: sets are b = 0, 1, ...
DATA = -1
#: Prediction strength's cutoff (Tibshirani & Walther; fpc's ``cutoff``): a mean above it
#: (strictly) counts as predictable.
PS_CUTOFF = 0.8
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


@cache
def _schema() -> dict:
    import yaml

    with open(SCHEMA_PATH) as fh:  # libyaml's loader where PyYAML has it (10 x faster)
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def schema() -> dict:
    """The config schema, read once per process; a copy, free to change."""
    return copy.deepcopy(_schema())


@cache
def schema_defaults(section: str) -> dict:
    """The config schema's defaults of one section (``resampling``, ...): the one place
    they are written."""
    props = _schema()["properties"][section]["properties"]
    return {key: copy.deepcopy(prop["default"]) for key, prop in props.items()
            if "default" in prop}

#: The fit each criterion is scored on at a given k, and the fit a picture shows for a k.
BEST_FIT = "best fit (lowest inertia over every init and seed)"
#: The band drawn around the per-init mean lines.
SEED_BAND = "±1 sd over seeds"
#: The mean line and band in criteria.png.
MEAN_ALL = "mean over all fits (init × seed)"
ALL_BAND = "±1 sd over all fits"
#: Stability: per k, the informative init whose seeds agree most.
MOST_STABLE = "most stable init at each k"

#: The line and band of each algorithm in comparison.png.
ALGORITHM_SPREAD = "median over inits and seeds, band: min–max"
#: The comparison's measures (compare.py), as the picture's axes and the caption name them.
INERTIA_RATIO = "inertia / best inertia at k"
ARI_TO_LLOYD = "ARI with the best lloyd partition at k"

#: How each criterion picks its k (the ``rule`` column of choose_k.csv, the plots' titles).
RULES: dict[str, str] = {
    "elbow": "Kneedle knee of the best-fit inertia curve",
    "silhouette": "highest best-fit silhouette",
    "calinski_harabasz": "highest best-fit Calinski-Harabasz",
    "davies_bouldin": "lowest best-fit Davies-Bouldin",
    "gap": "smallest k with Gap(k) ≥ Gap(k+1) − s(k+1)",
    "stability": "largest k within 0.05 of the highest seed stability",
    "consensus": "the k whose consensus is the most stable relative to the null references "
    "(largest RCSI) among the ks that beat them; lowest PAC without a null",
    "prediction_strength": f"largest k with mean prediction strength > {PS_CUTOFF}; none when "
    "no k reaches it",
    "ari_with_labels": "highest best-fit ARI with the true labels (not used to recommend)",
    "recommended": "k = 1 when no k's gap statistic clearly exceeds Gap(1) (no structure); "
    "else the majority vote of the criteria (a pick at the sweep's largest k abstains), ties "
    "broken by RCSI, then seed stability",
}

#: What each plot marks, and the caption file it must agree with.
PLOT_MARKS: dict[str, str] = {
    "elbow": "the elbow pick of choose_k.csv",
    "silhouette": "the silhouette pick of choose_k.csv",
    "clusters_pca": "the recommended k of choose_k.csv",
    "criteria": "every criterion's pick and the recommended k of choose_k.csv",
    "stability": "the stability pick of choose_k.csv",
    "resampling": "the consensus and prediction_strength picks and the recommended k of "
    "choose_k.csv",
    "consensus_matrix": "the k it shows (the recommended k or a resampling pick)",
    "cluster_stability": "the ks it shows (the recommended k and the resampling picks)",
}

#: The resampling pictures' elements (resampling.png, cluster_stability.png, the consensus
#: matrices), as their legends, titles and captions name them.
PAC_WINDOW = "PAC window"
BEATS_NULL = "filled: this k beats the null (the consensus rule)"
NULL_BAND = "null references: min–max"
NULL_MEAN = "mean PAC of the null references"
RCSI_LINE = "RCSI ± SE (right axis)"
PS_CUTOFF_LINE = f"cutoff {PS_CUTOFF}"
#: The gap panel's line: the gap at k = 1, which the structure test compares every k with.
GAP_ONE = "Gap(1): no cluster structure while the gap stays near it (choose/structure.py)"
PS_SPREAD = "mean ± sd over the half-splits"
JACCARD_BARS = "clusterboot mean Jaccard"
CLUSTER_CONSENSUS = "cluster consensus (mean M inside the cluster)"
MATRIX_ORDER = "rows and columns by cluster, then by item consensus (highest first)"
#: Hennig's (2007, fpc::clusterboot) reading of a cluster's mean Jaccard: (lower bound, name),
#: highest first; the ``band`` column of the cluster stability table.
STABILITY_BANDS: tuple[tuple[float, str], ...] = (
    (0.85, "highly stable"),
    (0.75, "stable"),
    (0.6, "doubtful"),
    (0.0, "not to be trusted"),
)
#: The hatched bands over the ks no criterion may pick (choose/degenerate.py).
DEGENERATE = "degenerate k (not picked)"

#: Colour meanings shared by every plot (init colours are in plot_style.INIT_COLORS).
PICK = "this criterion's pick"
RECOMMENDED = "recommended k"
