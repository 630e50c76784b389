"""rules/choose_k.smk: every criterion's pick of k and the recommendation (no pictures, so
the picture jobs start sooner)."""

from __future__ import annotations

import logging

from .. import io

log = logging.getLogger("kmeans_sweep")


def choose_k(input, output, params, wildcards):
    """The choose_k table (Parquet at full precision, CSV and HTML rounded) and stability
    across seeds; the resampling table's picks vote too when ``input.resampling`` names it.
    Returns the table."""
    import pandas as pd

    from ..choose import choose_k as C
    from ..choose import degenerate, verdict
    from ..choose.stability import stability_table
    from ..tables import methods, render

    dataset = wildcards.dataset
    fits = pd.read_parquet(input.fits)
    labels = methods.labels_view(io.read_labels([input.labels]), methods.named(fits))
    fits = methods.view(fits)
    stability = degenerate.mark(stability_table(labels), degenerate.degenerate_ks(fits))
    resampling = pd.read_parquet(input.resampling[0]) if input.resampling else None
    choice = C.choose_k(fits, pd.read_parquet(input.gap), stability, resampling)
    choice.insert(0, "dataset", dataset)
    io.write_parquet(stability, output.stability)
    io.write_parquet(choice, output.parquet)
    io.write_csv(render.for_people(choice), output.csv)
    swept = sorted(int(k) for k in fits["k"].unique())
    headline = verdict.headline(choice, dataset, swept, width=10_000)
    render.write_choice_page(choice, dataset, headline, output.html)
    rec = verdict.row(choice, "recommended")
    log.info("recommended k=%s (%s): %s", rec["k"], rec["confidence"], rec["note"])
    return choice
