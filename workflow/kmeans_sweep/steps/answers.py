"""rules/answers.smk: the report's first page, the answer for every dataset before the
workflow's description (the Snakefile's ``report:`` points at it)."""

from __future__ import annotations

import logging
from pathlib import Path

from .. import io

log = logging.getLogger("kmeans_sweep")


def landing_page(input, output, params, wildcards) -> str:
    """results/report/landing.rst from every dataset's choose_k table and criteria.png, and
    the workflow's description (``input.description``)."""
    import pandas as pd

    from ..answers import landing_page as page

    datasets = list(params.datasets)
    choices = dict(zip(datasets, (pd.read_parquet(p) for p in input.choices), strict=True))
    pngs = dict(zip(datasets, input.criteria, strict=True))
    text = page(datasets, choices, pngs, Path(input.description).read_text())
    with io.atomic_path(output.rst) as tmp:
        tmp.write_text(text)
    log.info("the report's first page: %d datasets", len(datasets))
    return text
