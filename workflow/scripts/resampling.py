"""Consensus, PAC against the null, prediction strength and cluster stability per k, from the
fit jobs' resampling results."""

import _bootstrap  # noqa: F401

from kmeans_sweep import resampling_steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
resampling_steps.resampling(
    dataset=snakemake.wildcards.dataset,
    result_paths=list(snakemake.input.results),
    fits_path=snakemake.input.fits,
    labels_path=snakemake.input.labels,
    settings=snakemake.params.settings,
    ks=snakemake.params.ks,
    out_table=snakemake.output.table,
    out_csv=snakemake.output.csv,
    out_html=snakemake.output.html,
    out_cdf=snakemake.output.cdf,
    out_clusters=snakemake.output.clusters,
    out_items=snakemake.output.item_consensus,
    out_matrices=snakemake.output.matrices,
)
