"""Synthetic datasets with a known answer, for judging "is there structure, and which k?":
300 x 5, two kinds with 4 clusters and four kinds of unimodal noise (true k = 1). Each set is
drawn from ``numpy.random.default_rng([seed_base, kind, i])``; the bench's seed bases are
none the tests or the rule's design used (they used 1000, 3_000_000, 7_000_000, 9_100_000,
20_260_000, 31_700_000, 42_000_000, 53_000_000 and 64_000_000)."""

from __future__ import annotations

import numpy as np

#: kind -> true k
KINDS = {
    "blobs, 4 separated centres": 4,
    "blobs, 4 unequal sizes and spreads": 4,
    "gaussian noise": 1,
    "axis-elongated gaussian noise": 1,
    "correlated gaussian noise (rho 0.7)": 1,
    "multivariate t noise (5 df)": 1,
}
KS = list(range(2, 9))
N, P = 300, 5


def separated_blobs(rng, sizes, spreads, p=P, factor=3.0, box=10.0):
    """Blobs around centres uniform in [-box, box]^p, drawn again until every two centres are
    at least factor x (their spreads' sum) apart; (X, labels)."""
    k = len(sizes)
    spreads = np.asarray(spreads, dtype=float)
    upper = np.triu_indices(k, 1)
    while True:
        centres = rng.uniform(-box, box, size=(k, p))
        gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)[upper]
        if np.all(gaps >= factor * (spreads[:, None] + spreads[None])[upper]):
            break
    parts = zip(centres, spreads, sizes, strict=True)
    X = np.concatenate([c + s * rng.standard_normal((m, p)) for c, s, m in parts])
    return X, np.repeat(np.arange(k), sizes)


def dataset(kind: str, i: int, seed_base: int) -> tuple[np.ndarray, np.ndarray]:
    """(X unscaled, labels) of set ``i`` of ``kind``."""
    rng = np.random.default_rng([seed_base, list(KINDS).index(kind), i])
    if kind == "blobs, 4 separated centres":
        return separated_blobs(rng, [75] * 4, [1.0] * 4)
    if kind == "blobs, 4 unequal sizes and spreads":
        return separated_blobs(rng, [40, 60, 80, 120], [0.6, 1.0, 1.3, 1.6])
    y = np.zeros(N, dtype=int)
    if kind == "gaussian noise":
        return rng.standard_normal((N, P)), y
    if kind == "axis-elongated gaussian noise":  # spherical again once standard-scaled
        return rng.standard_normal((N, P)) * np.array([4.0, 2.0, 1.0, 0.5, 0.25]), y
    if kind == "correlated gaussian noise (rho 0.7)":  # one elongated blob
        cov = np.full((P, P), 0.7) + 0.3 * np.eye(P)
        return rng.multivariate_normal(np.zeros(P), cov, size=N), y
    if kind == "multivariate t noise (5 df)":  # heavy tails, a random correlation
        z = rng.standard_normal((N, P)) @ rng.standard_normal((P, P))
        return z / np.sqrt(rng.chisquare(5, size=(N, 1)) / 5), y
    raise ValueError(kind)
