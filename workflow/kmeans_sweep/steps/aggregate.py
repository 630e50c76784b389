"""rules/aggregate.smk: the fit jobs' rows, labels and centres combined; the summary over
seeds; the gap statistic table from the jobs' gap fits."""

from __future__ import annotations

import logging
from pathlib import Path

from .. import io

log = logging.getLogger("kmeans_sweep")


def aggregate_fits(input, output, params, wildcards):
    """fits.parquet and summary.parquet at full precision, summary.csv rounded for people,
    labels, centres and gap.parquet; the files of an earlier job plan removed (the
    resampling results, ``input.resample``, are this plan's and kept)."""
    import pandas as pd

    from ..choose import degenerate
    from ..tables.aggregate import combine_fits, summarize
    from ..tables.render import for_people

    inits, algorithms = params.init_order, params.algorithm_order
    fits = combine_fits([pd.read_parquet(p) for p in input.fits], inits, algorithms)
    summary = summarize(fits, inits, algorithms)
    summary = degenerate.mark(summary, degenerate.degenerate_ks(fits))
    io.write_parquet(fits, output.fits)
    io.write_parquet(summary, output.summary_parquet)
    io.write_csv(for_people(summary), output.summary)
    io.write_labels(io.read_labels(list(input.labels)), output.labels)
    io.write_parquet(pd.concat([pd.read_parquet(p) for p in input.centers]), output.centers)
    io.write_parquet(_gap(input.gap, params.gap_ks, params.gap_references), output.gap)
    ours = [*input.fits, *input.labels, *input.centers, *input.gap, *input.resample]
    stale = io.remove_other_files(Path(input.fits[0]).parent, ours)
    log.info("%d fits, %d (k, init, algorithm) groups; removed %d files of an earlier job plan",
             len(fits), len(summary), stale)
    return fits, summary


def _gap(paths, ks, references):
    """The gap statistic table from the jobs' (k, b, log W) rows."""
    import pandas as pd

    from ..fit.gap import gap_table

    values = {}
    for path in paths:
        for k, b, v in pd.read_parquet(path)[["k", "b", "log_w"]].itertuples(index=False):
            values[(int(k), int(b))] = float(v)
    return gap_table(values, ks, references)
