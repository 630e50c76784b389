"""The resampling evidence's fits as work items of the plan, beside the sweep's and the gap's.

Two kinds, each one small picklable result (see :mod:`fit.resample` for the fits):

- ``("cc", b, h, k)``: subsample ``h`` of the data (``b = DATA``) or of null reference ``b``,
  fitted at k; its result is the labels of the drawn rows (consensus, PAC, clusterboot).
- ``("ps", m, k)``: half-split ``m`` of the data, both halves fitted at k and each classified
  by the other's centres; its result is the run's prediction strength.

Items are plain tuples so they travel as Snakemake params (JSON) and plan deterministically.
"""

from __future__ import annotations

from ..definitions import DATA


def enabled(resampling: dict) -> bool:
    return int(resampling.get("resamples", 0)) > 0


def evidence_size(n: int, resampling: dict) -> int:
    """How many rows the evidence uses (fit/resample.evidence_rows): n, or max_rows above."""
    cap = resampling.get("max_rows")
    return int(n) if not cap else min(int(n), int(cap))


def drawn_rows(n: int, fraction: float) -> int:
    """Rows in one subsample (ConsensusClusterPlus: floor(n * pItem))."""
    return int(n * fraction)


def valid_ks(ks, n: int, fraction: float) -> list[int]:
    """The ks that a subsample of floor(n * fraction) rows and a half split can both fit;
    the others have no items and no rows in the tables."""
    top = min(drawn_rows(n, fraction), n // 2)
    return sorted({int(k) for k in ks if 2 <= int(k) <= top})


def resample_items(ks, n: int, resampling: dict) -> list[tuple]:
    """Every resampling item for a dataset of n rows, sorted; none when resampling is off."""
    if not enabled(resampling):
        return []
    ks = valid_ks(ks, evidence_size(n, resampling), resampling["fraction"])
    sources = (DATA, *range(resampling["null_references"]))
    cc = [("cc", b, h, k) for b in sources for h in range(resampling["resamples"]) for k in ks]
    splits = range(resampling["prediction_strength_splits"])
    return cc + [("ps", m, k) for m in splits for k in ks]


def as_tuple(item) -> tuple:
    """An item back from JSON (a list) as the tuple the plan made."""
    kind, *rest = item
    return (str(kind), *(int(v) for v in rest))


def in_draw_order(items) -> list[tuple]:
    """Items with each source's fits together (a null reference is drawn once per job), the
    data's first, then by subsample, so each subsample is drawn once per job."""
    items = [as_tuple(i) for i in items]

    def order(item):
        if item[0] == "cc":
            _, b, h, k = item
            return (0, b, h, k)
        _, m, k = item
        return (1, 0, m, k)

    return sorted(items, key=order)
