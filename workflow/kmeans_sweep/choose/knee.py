"""The Kneedle knee of a curve (Satopaa et al. 2011), as the kneed package finds it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _normalize(a: np.ndarray) -> np.ndarray:
    return (a - a.min()) / (a.max() - a.min())


def _relextrema(y: np.ndarray, greater: bool) -> np.ndarray:
    """Indices of local maxima (``>=`` both neighbours; edges compare to themselves)."""
    prev = np.concatenate([y[:1], y[:-1]])
    nxt = np.concatenate([y[1:], y[-1:]])
    if greater:
        mask = (y >= prev) & (y >= nxt)
    else:
        mask = (y <= prev) & (y <= nxt)
    return np.flatnonzero(mask)


def kneedle(
    x: Iterable[float],
    y: Iterable[float],
    *,
    curve: str = "convex",
    direction: str = "decreasing",
    S: float = 1.0,
    online: bool = False,
) -> float | None:
    """Kneedle knee/elbow x (Satopää et al. 2011), or None if there is none.

    Reproduces ``kneed.KneeLocator(x, y, S=S, curve=curve, direction=direction)``
    with kneed's defaults ``interp_method="interp1d"`` (no smoothing) and
    ``online=False`` (the first knee found is returned). Points with a
    non-finite x or y are dropped and the rest sorted by x; fewer than three
    points, or a constant x or y, give None.
    """
    if curve not in ("convex", "concave"):
        raise ValueError(f"curve must be 'convex' or 'concave', not {curve!r}")
    if direction not in ("increasing", "decreasing"):
        raise ValueError(f"direction must be 'increasing' or 'decreasing', not {direction!r}")
    points = _points(x, y)
    if points is None:
        return None
    xa, ya = points
    xn, ydiff = _difference_curve(xa, ya, curve, direction)
    mirrored = (curve == "convex") != (direction == "decreasing")
    return _scan(xa, xn, ydiff, S, mirrored, online)


def _points(x, y) -> tuple[np.ndarray, np.ndarray] | None:
    """Finite (x, y) sorted by x; None with fewer than three, or a constant x or y."""
    xa = np.asarray(list(x) if not isinstance(x, np.ndarray) else x, dtype=float).ravel()
    ya = np.asarray(list(y) if not isinstance(y, np.ndarray) else y, dtype=float).ravel()
    if xa.shape != ya.shape:
        raise ValueError("x and y must be the same length.")
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    order = np.argsort(xa, kind="stable")
    xa, ya = xa[order], ya[order]
    if xa.size < 3 or np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return None
    return xa, ya


def _difference_curve(xa, ya, curve: str, direction: str) -> tuple[np.ndarray, np.ndarray]:
    """(normalised x, the difference curve) with every case turned into a concave increasing
    curve (kneed's transform_y)."""
    xn = _normalize(xa)
    yn = _normalize(ya)
    if direction == "decreasing":
        yn = np.flip(yn) if curve == "concave" else yn.max() - yn
    elif curve == "convex":
        yn = np.flip(yn.max() - yn)
    if (direction, curve) in (("decreasing", "concave"), ("increasing", "convex")):
        xn = np.flip(1.0 - xn)
    return xn, yn - xn


def _scan(xa, xn, ydiff, S: float, mirrored: bool, online: bool) -> float | None:
    """Kneedle's threshold scan of the difference curve; the knee's x in the original x
    (``mirrored``: the curve was flipped, index from the end)."""
    maxima = _relextrema(ydiff, greater=True)
    minima = set(_relextrema(ydiff, greater=False).tolist())
    if maxima.size == 0:
        return None
    tmx = ydiff[maxima] - S * np.abs(np.diff(xn).mean())
    maxima_set = {int(m): i for i, m in enumerate(maxima)}
    knees: list[float] = []
    threshold, threshold_index, active = 0.0, 0, True
    for i in range(int(maxima[0]), xn.size - 1):
        if i in maxima_set:
            threshold, threshold_index, active = tmx[maxima_set[i]], i, True
        if i in minima:
            threshold, active = 0.0, False
        if active and ydiff[i + 1] < threshold:
            knee = float(xa[-(threshold_index + 1)] if mirrored else xa[threshold_index])
            if not online:
                return knee
            if knee not in knees:
                knees.append(knee)
    return knees[-1] if knees else None
