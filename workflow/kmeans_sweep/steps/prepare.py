"""rules/prepare.smk: load, check and scale one dataset once; the fit jobs read the result."""

from __future__ import annotations

import logging

from .. import io

log = logging.getLogger("kmeans_sweep")


def prepare_dataset(input, output, params, wildcards) -> dict:
    """X.npy, y.npy and meta.json of the dataset ``wildcards.dataset`` (``params.dataset``:
    its config entry). Returns the meta."""
    from ..data.prepare import prepare

    X, y, meta = prepare(wildcards.dataset, params.dataset)
    io.write_npy(X, output.X)
    io.write_npy(y, output.y)
    io.write_json(meta, output.meta)
    log.info("%s: prepared %d x %d (%s scaling)", meta["dataset"], *X.shape, meta["scale"])
    return meta
