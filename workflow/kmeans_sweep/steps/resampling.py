"""rules/resampling.smk: the resampling evidence's tables from the fit jobs' results
(consensus, PAC against the null, prediction strength, cluster stability per k), read
straight from the fit jobs' files so that it runs beside aggregate_fits."""

from __future__ import annotations

import logging

import numpy as np

from .. import io

log = logging.getLogger("kmeans_sweep")


def resampling(input, output, params, wildcards):
    """resampling.parquet (one row per k; CSV and HTML rounded), the consensus CDFs,
    per-cluster and per-row consensus and stability of the best fit at each k, and consensus
    matrices of a fixed row sample. Returns the per-k table."""
    import pandas as pd

    from ..choose.resampling import picks, published
    from ..choose.resampling.results import resampling_tables
    from ..jobs.resample_items import evidence_size, valid_ks
    from ..tables import render
    from ..tables.aggregate import combine_fits

    dataset, settings = wildcards.dataset, params.settings
    fits = combine_fits([pd.read_parquet(p) for p in input.fits], params.init_order,
                        params.algorithm_order)
    n = int(fits["n_samples"].iloc[0])
    ks = valid_ks(params.ks, evidence_size(n, settings), settings["fraction"])
    best = _best_labels(fits, list(input.labels), ks)
    tables = resampling_tables(list(input.results), best, n, ks, settings)
    table = published.resampling_table(tables["resampling"], tables["references"], dataset,
                                       settings)
    table["beats_null"] = picks.beats_null(table)
    io.write_parquet(table, output.table)
    io.write_csv(render.for_people(table), output.csv)
    said = picks.headline(table)
    intro = [f"{said[0].upper()}{said[1:]}.", published.setup_sentence(table, settings)]
    render.write_resampling_page(table, dataset, intro, output.html)
    io.write_parquet(published.cdf_table(tables["cdf"]), output.cdf)
    io.write_parquet(published.cluster_table(tables["clusters"]), output.clusters)
    io.write_parquet(tables["items"], output.item_consensus)
    with io.atomic_path(output.matrices) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **tables["matrices"])
    log.info("%s: %s", dataset, said)
    return table


def _best_labels(fits, label_paths, ks) -> dict:
    """{k: labels of the best fit at k}: the fit every other picture shows for that k, read
    from the fit jobs' label files."""
    from ..choose.choose_k import best_keys
    from ..tables import methods

    keys = best_keys(methods.view(fits), ks)
    wanted = [methods.fit_of(*key) for key in keys]
    labels = methods.labels_view(io.read_labels(label_paths, wanted), methods.named(fits))
    return {key[0]: np.asarray(labels[key], dtype=np.int64) for key in keys}
