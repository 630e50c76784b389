"""The resampling tables as the workflow publishes them: the per-k table's columns (what
was fitted first, then the statistics; ``tables.render.RESAMPLING_GUIDE`` says what each
means), the consensus CDFs, the per-cluster table, and the sentence that says how the
evidence was gathered."""

from __future__ import annotations

import pandas as pd

SETUP = (
    "Each of {resamples} subsamples ({percent} % of {rows}) was fitted at every k with "
    "{method}; {references} null references were resampled the same way; prediction strength "
    "from {splits} half-splits; consensus over {pairs} pairs ({which})."
)


def resampling_table(table: pd.DataFrame, refs: pd.DataFrame, dataset: str, settings: dict):
    """One row per k: the dataset, the method and the settings, then the statistics, each
    reference's PAC and their range."""
    from ...tables.methods import name

    out = table.copy()
    out["mean_consensus"] = 1.0 - out["area"]
    by_k = refs.groupby("k")["pac"]
    out["pac_ref_min"] = out["k"].map(by_k.min())
    out["pac_ref_max"] = out["k"].map(by_k.max())
    out["pac_refs"] = out["k"].map(by_k.agg(list)).apply(lambda v: v if isinstance(v, list) else [])
    method = name(settings["init"], settings["algorithm"], settings["algorithm"] != "lloyd")
    lead = {"dataset": dataset, "method": method, "n_init": settings["n_init"],
            "fraction": settings["fraction"]}
    for i, (col, value) in enumerate(lead.items()):
        out.insert(i + (1 if col != "dataset" else 0), col, value)
    return out


def setup_sentence(table: pd.DataFrame, settings: dict) -> str:
    """How the evidence was gathered, in one sentence (the table page's introduction)."""
    first = table.iloc[0] if len(table) else {}
    return SETUP.format(
        method=first.get("method", settings["init"]),
        resamples=settings["resamples"],
        percent=round(100 * settings["fraction"]),
        rows=_rows(first, settings),
        references=settings["null_references"],
        splits=settings["prediction_strength_splits"],
        pairs=f"{int(first.get('pairs_used', 0)):,}",
        which="every pair" if bool(first.get("every_pair", True)) else "a uniform sample",
    )


def _rows(first, settings: dict) -> str:
    """ "the rows", or "a fixed sample of 5,000 rows" above ``max_rows``."""
    used, cap = first.get("rows_used"), settings.get("max_rows")
    if cap and used is not None and pd.notna(used) and int(used) == int(cap):
        return f"a fixed sample of {int(used):,} rows (resampling.max_rows)"
    return "the rows"


def cdf_table(cdf: pd.DataFrame) -> pd.DataFrame:
    return cdf.rename(columns={"cdf": "F"}).assign(source="data")[["k", "source", "x", "F"]]


def cluster_table(clusters: pd.DataFrame) -> pd.DataFrame:
    return clusters.rename(columns={"consensus": "cluster_consensus", "stability": "jaccard_mean"})
