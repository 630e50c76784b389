"""The resampling pictures: consensus CDFs, PAC against the null, prediction strength, cluster
stability, and consensus matrices at the recommended k and the resampling picks."""

import _bootstrap  # noqa: F401

from kmeans_sweep import resampling_steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
resampling_steps.plot_resampling(
    dataset=snakemake.wildcards.dataset,
    table_path=snakemake.input.table,
    cdf_path=snakemake.input.cdf,
    clusters_path=snakemake.input.clusters,
    matrices_path=snakemake.input.matrices,
    choice_path=snakemake.input.choice,
    plots=snakemake.params.plots,
    pac_window=snakemake.params.pac_window,
    out_overview=snakemake.output.overview,
    out_stability=snakemake.output.stability,
    out_heatmaps=snakemake.output.heatmaps,
)
