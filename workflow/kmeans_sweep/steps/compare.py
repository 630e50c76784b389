"""rules/compare.smk: the swept algorithms side by side (fit time, inertia against the best
fit, agreement with the best lloyd partition, per k): a table and a picture."""

from __future__ import annotations

import logging

from .. import io

log = logging.getLogger("kmeans_sweep")


def compare_algorithms(input, output, params, wildcards):
    """comparison.parquet at full precision, .csv and .html rounded, and comparison.png.
    ``params.skipped``: (what, short, why) of each combination not fitted (config.skips)."""
    import pandas as pd

    from ..plots import comparison as comparison_plot
    from ..tables import compare, render

    dataset, skipped = wildcards.dataset, params.skipped
    fits = pd.read_parquet(input.fits)
    comparison = compare.table(compare.per_fit(fits, io.read_labels([input.labels])), dataset)
    io.write_parquet(comparison, output.parquet)
    io.write_csv(render.for_people(comparison), output.csv)
    notes = compare.findings(comparison)
    if comparison["algorithm"].nunique() == 1:
        notes.append("Only one algorithm was swept: list more in sweep.algorithm to compare.")
    notes += [f"Not fitted: {what} ({why})." for what, _, why in skipped]
    render.write_comparison_page(comparison, dataset, notes, output.html)
    comparison_plot.plot_comparison(comparison, output.plot, dataset=dataset,
                                    skipped=[s for _, s, _ in skipped], **params.plots)
    for line in notes:
        log.info("%s", line)
    return comparison
