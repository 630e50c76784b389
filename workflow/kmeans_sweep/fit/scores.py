"""Every score of a labelling: silhouette on a precomputed distance matrix, Calinski-Harabasz
and Davies-Bouldin in row blocks, and the five label scores from one contingency table.

All agree with sklearn.metrics (tested to 1e-9 or better) but cost far less when many
labellings of one dataset are scored in one process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SILHOUETTE_SAMPLE_SEED = 0


# --- labels as codes ------------------------------------------------------------------------


def encode(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels as codes 0..c-1 (in sorted label order) and each code's count.

    KMeans labels are small non-negative ints, so one bincount does it in O(n); anything else
    goes through np.unique.
    """
    labels = np.asarray(labels)
    if labels.dtype.kind in "iu" and labels.size and labels.min() >= 0 and labels.max() < 1 << 22:
        counts = np.bincount(labels)
        present = np.flatnonzero(counts)
        if len(present) == len(counts):
            return labels.astype(np.intp, copy=False), counts
        remap = np.full(len(counts), -1, dtype=np.intp)
        remap[present] = np.arange(len(present))
        return remap[labels], counts[present]
    _, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return codes.astype(np.intp, copy=False), counts


def _entropy(counts: np.ndarray) -> float:
    """As sklearn.metrics.cluster's entropy of a labelling, from its counts."""
    pi = counts[counts > 0].astype(np.float64)
    if pi.size <= 1:
        return 0.0
    pi_sum = np.sum(pi)
    return float(-np.sum((pi / pi_sum) * (np.log(pi) - np.log(pi_sum))))


def expected_mutual_information(table: np.ndarray, n: int) -> float:
    """E[MI] of two random labellings with the table's marginals (Vinh et al. 2010).

    The formula of sklearn's expected_mutual_information, summed only where the hypergeometric
    weights can matter: within t = sqrt(30 m) of each cell's mean count, m = min(a_i, b_j).
    By Hoeffding's bound the weight left out is below 2 exp(-60) ~ 2e-26, under float64's
    resolution, so the result is exact to rounding; on a million points it is ~20x faster.
    """
    from scipy.special import gammaln

    a = table.sum(axis=1).astype(np.int64)
    b = table.sum(axis=0).astype(np.int64)
    A, B = np.meshgrid(a, b, indexing="ij")
    A, B = A.ravel(), B.ravel()
    m = np.minimum(A, B)
    mean = A * B / n
    half = np.sqrt(30.0 * m)
    lo = np.maximum(np.maximum(1, A + B - n), np.floor(mean - half)).astype(np.int64)
    hi = np.minimum(m, np.ceil(mean + half)).astype(np.int64)
    width = np.maximum(hi - lo + 1, 0)
    cell = np.repeat(np.arange(len(A)), width)
    nij = lo[cell] + (np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width))
    ai, bj = A[cell], B[cell]
    gln = (
        gammaln(ai + 1)
        + gammaln(bj + 1)
        + gammaln(n - ai + 1)
        + gammaln(n - bj + 1)
        - gammaln(nij + 1)
        - gammaln(n + 1)
        - gammaln(ai - nij + 1)
        - gammaln(bj - nij + 1)
        - gammaln(n - ai - bj + nij + 1)
    )
    term = (nij / n) * (np.log(n) + np.log(nij) - np.log(ai) - np.log(bj)) * np.exp(gln)
    return float(term.sum())


def ari_from_sums(n: int, sum_sq: int, sq_a: int, sq_b: int) -> float:
    """Adjusted Rand index from the sums of squared contingency cells (``sum_sq``) and of
    squared cluster sizes of each labelling: sklearn's pair-confusion arithmetic, in exact
    Python ints (no overflow on large n)."""
    tp, fp, fn = sum_sq - n, sq_b - sum_sq, sq_a - sum_sq
    tn = n * n - fp - fn - sum_sq
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def label_scores(truth: tuple[np.ndarray, np.ndarray], pred: tuple[np.ndarray, np.ndarray]) -> dict:
    """Homogeneity, completeness, V-measure, ARI and AMI from one contingency table.

    The same formulas as sklearn.metrics (tested to agree to 1e-12), but the table is built
    once with a bincount instead of five times with sorts: on a million points this is the
    difference between scoring being cheap or costing as much as the fit.
    """
    from sklearn.metrics import mutual_info_score

    (t_codes, t_counts), (p_codes, p_counts) = truth, pred
    n, nc, nk = len(t_codes), len(t_counts), len(p_counts)
    table = np.bincount(t_codes * nk + p_codes, minlength=nc * nk).reshape(nc, nk)
    h_true, h_pred = _entropy(t_counts), _entropy(p_counts)
    mi = float(mutual_info_score(None, None, contingency=table))
    homogeneity = mi / h_true if h_true else 1.0
    completeness = mi / h_pred if h_pred else 1.0
    hc = homogeneity + completeness
    v_measure = 0.0 if hc == 0.0 else 2.0 * homogeneity * completeness / hc
    ari = ari_from_sums(
        n,
        int(np.dot(table.ravel(), table.ravel())),
        int(np.dot(t_counts, t_counts)),
        int(np.dot(p_counts, p_counts)),
    )
    # adjusted mutual information (arithmetic normalisation), with sklearn's special cases
    if nc == nk == 1:
        ami = 1.0
    elif nc == 1 or nk == 1:
        ami = 0.0
    else:
        emi = float(expected_mutual_information(table, n))
        eps = np.finfo("float64").eps
        den = (h_true + h_pred) / 2.0 - emi
        den = min(den, -eps) if den < 0 else max(den, eps)
        num = mi - emi
        num = min(num, -eps) if num < 0 else max(num, eps)
        ami = num / den
    return {
        "homogeneity": float(homogeneity),
        "completeness": float(completeness),
        "v_measure": float(v_measure),
        "ari": float(ari),
        "ami": float(ami),
    }


# --- silhouette on a precomputed distance matrix -----------------------------------------


@dataclass
class SilhouetteBase:
    """Pairwise distances among the points silhouette is computed on, reused by every fit."""

    index: np.ndarray | None  # None = every point
    distances: np.ndarray
    gram: np.ndarray | None = None  # wide data (p > n): Xc Xc^T (centred rows), for CH and DB

    @property
    def size(self) -> int:
        return self.distances.shape[0]


def silhouette_base(X: np.ndarray, sample_size: int) -> SilhouetteBase:
    """Distances among all points, or among a fixed random subsample if n > sample_size; on
    wide data (p > n, every point in the silhouette) also the n x n Gram matrix of the centred
    rows, so that
    Calinski-Harabasz and Davies-Bouldin cost O(n^2) per fit instead of O(n p)."""
    from sklearn.metrics import pairwise_distances

    gram = None
    if X.shape[1] > X.shape[0] and X.shape[0] <= sample_size:
        Xd = np.array(X, dtype=np.float64)
        Xd -= Xd.mean(axis=0)  # centred: no cancellation between near means
        gram = Xd @ Xd.T
        del Xd
    index = None
    if X.shape[0] > sample_size:
        rng = np.random.RandomState(SILHOUETTE_SAMPLE_SEED)
        index = np.sort(rng.choice(X.shape[0], sample_size, replace=False))
        X = X[index]
    return SilhouetteBase(index, pairwise_distances(X, n_jobs=None), gram)


def silhouette_samples_precomputed(distances: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-sample silhouette, as sklearn.metrics.silhouette_samples(metric="precomputed").

    One matrix product gives every point's summed distance to every cluster. A point alone
    in its cluster scores 0, as in scikit-learn.
    """
    codes, _ = encode(labels)
    n = len(codes)
    k = int(codes.max()) + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), codes] = 1.0
    sums = distances @ onehot
    counts = onehot.sum(axis=0)
    own = counts[codes]
    a = sums[np.arange(n), codes] / np.maximum(own - 1, 1)
    mean_other = sums / counts
    mean_other[np.arange(n), codes] = np.inf
    b = mean_other.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (b - a) / np.maximum(a, b)
    s[own == 1] = 0.0
    return np.nan_to_num(s)


def euclidean_distances(X: np.ndarray) -> np.ndarray:
    """Pairwise Euclidean distances among the rows of X, as sklearn.metrics.pairwise_distances
    computes them (|x|^2 + |y|^2 - 2 x.y in float64, clipped at 0, a zero diagonal), without
    importing scikit-learn (3 s of a plotting job's start on a slow machine)."""
    X = np.asarray(X, dtype=np.float64)
    sq = np.einsum("ij,ij->i", X, X)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (X @ X.T)
    np.maximum(d2, 0.0, out=d2)
    np.fill_diagonal(d2, 0.0)
    return np.sqrt(d2, out=d2)


def calinski_harabasz_davies_bouldin(
    X: np.ndarray, labels: np.ndarray, block: int = 65536
) -> tuple[float, float]:
    """Both scores as sklearn.metrics defines them (cluster means from the labels, not the
    KMeans centres), in two passes over row blocks: memory beyond X stays at one block, and
    on a million points it is several times faster than calling the two sklearn functions."""
    codes, counts = encode(labels)
    n, k = X.shape[0], len(counts)
    sums = np.zeros((k, X.shape[1]))
    for start in range(0, n, block):
        c = codes[start : start + block]
        onehot = np.zeros((len(c), k))
        onehot[np.arange(len(c)), c] = 1.0
        sums += onehot.T @ X[start : start + block]
    means = sums / counts[:, None]
    sq = np.empty(n)
    for start in range(0, n, block):
        resid = X[start : start + block] - means[codes[start : start + block]]
        sq[start : start + block] = np.einsum("ij,ij->i", resid, resid)
    extra_disp = float((counts * ((means - X.mean(axis=0)) ** 2).sum(axis=1)).sum())
    diff = means[:, None, :] - means[None, :, :]
    centroid_dist = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    return _ch_db(codes, counts, sq, extra_disp, centroid_dist)


def ch_db_from_gram(gram: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Both scores from the n x n Gram matrix of the rows, best centred (wide data): every
    squared distance to a
    cluster mean and between means is a sum of Gram entries, O(n^2 + n k) per labelling
    instead of O(n p). Agrees with the row-block version to 1e-12 (tested)."""
    codes, counts = encode(labels)
    n, k = len(codes), len(counts)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), codes] = 1.0
    to_sums = gram @ onehot  # x_i . (sum of cluster c's points)
    mm = (onehot.T @ to_sums) / np.outer(counts, counts)  # m_a . m_b
    own = to_sums[np.arange(n), codes] / counts[codes]  # x_i . m_{c_i}
    sq = np.maximum(np.diag(gram) - 2.0 * own + mm[codes, codes], 0.0)
    norms = np.diag(mm)
    overall = mm @ counts / n  # m_c . (the mean of every point)
    extra_disp = float((counts * (norms - 2.0 * overall + counts @ overall / n)).sum())
    centroid_dist = np.sqrt(np.maximum(norms[:, None] + norms[None, :] - 2.0 * mm, 0.0))
    np.fill_diagonal(centroid_dist, 0.0)
    return _ch_db(codes, counts, sq, extra_disp, centroid_dist)


def _ch_db(codes, counts, sq, extra_disp, centroid_dist) -> tuple[float, float]:
    """CH and DB from each point's squared distance to its cluster mean, the between-cluster
    dispersion and the distances between cluster means."""
    n, k = len(codes), len(counts)
    intra_disp = float(sq.sum())
    ch = 1.0 if intra_disp == 0.0 else extra_disp * (n - k) / (intra_disp * (k - 1.0))
    intra = np.bincount(codes, weights=np.sqrt(sq), minlength=k) / counts
    if np.allclose(intra, 0) or np.allclose(centroid_dist, 0):
        return ch, 0.0
    centroid_dist[centroid_dist == 0] = np.inf
    combined = (intra[:, None] + intra[None, :]) / centroid_dist
    return ch, float(np.mean(np.max(combined, axis=1)))


def score(
    X: np.ndarray,
    labels: np.ndarray,
    y: np.ndarray | None,
    sil: SilhouetteBase,
    truth: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[dict, list[str]]:
    """Every score of one labelling; undefined scores are NaN with a warning message.

    ``truth`` is ``encode(y)``, passed in when many labellings are scored against one y.
    """
    out: dict = {}
    problems: list[str] = []
    pred = encode(labels)
    n_clusters = len(pred[1])
    out["n_clusters"] = n_clusters
    sub = labels if sil.index is None else labels[sil.index]
    n_sub = len(np.unique(sub))
    if 2 <= n_sub <= sil.size - 1:
        out["silhouette"] = float(np.mean(silhouette_samples_precomputed(sil.distances, sub)))
    else:
        out["silhouette"] = float("nan")
        problems.append(f"silhouette undefined with {n_sub} cluster(s) among {sil.size} points")
    if 2 <= n_clusters <= X.shape[0] - 1:
        if sil.gram is not None:
            ch, db = ch_db_from_gram(sil.gram, labels)
        else:
            ch, db = calinski_harabasz_davies_bouldin(X, labels)
        out["calinski_harabasz"], out["davies_bouldin"] = ch, db
    else:
        out["calinski_harabasz"] = float("nan")
        out["davies_bouldin"] = float("nan")
        problems.append(
            f"calinski_harabasz and davies_bouldin undefined with {n_clusters} cluster(s)"
        )
    if y is not None and len(y):
        out.update(label_scores(truth if truth is not None else encode(y), pred))
    return out, problems
