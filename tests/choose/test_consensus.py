"""Consensus statistics over sampled pairs, cluster/item consensus, clusterboot and the picks,
against analytic values and brute-force n x n computations on small n."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import sklearn.cluster  # noqa: F401  (imported at collection: the last test fits)

from kmeans_sweep.choose.resampling import cluster_stability as cl
from kmeans_sweep.choose.resampling import consensus as cs
from kmeans_sweep.choose.resampling import picks
from kmeans_sweep.choose.resampling.tables import RESAMPLING_COLUMNS, data_k
from kmeans_sweep.definitions import DATA


def random_draws(n, k, H, seed, fraction=0.7):
    rng = np.random.default_rng(seed)
    for _ in range(H):
        rows = np.sort(rng.choice(n, int(n * fraction), replace=False))
        yield rows, rng.integers(0, k, size=len(rows)).astype(np.int8)


def brute_consensus(n, draws):
    """CCP's consensus as n x n matrices (the reference)."""
    together = np.zeros((n, n))
    drawn = np.zeros((n, n))
    for rows, labels in draws:
        full = np.full(n, -1)
        full[rows] = labels
        on = full >= 0
        drawn += np.outer(on, on)
        together += np.outer(on, on) & (full[:, None] == full[None, :])
    return np.where(drawn > 0, together / np.maximum(drawn, 1), 0.0)


# --- pairs ----------------------------------------------------------------------------------


def test_every_pair_below_the_cap_in_row_major_order():
    i, j = cs.pair_sample(7, 21, seed=0)
    ref_i, ref_j = np.triu_indices(7, 1)
    assert np.array_equal(i, ref_i) and np.array_equal(j, ref_j)


@pytest.mark.parametrize("n", [2, 3, 10, 1001, 1_000_000])
def test_decoding_linear_positions_is_exact(n):
    total = cs.n_pairs(n)
    index = np.unique(np.r_[0, 1, total - 1, total // 2, np.arange(min(total, 500))])
    index = index[index < total]
    i, j = cs.decode_pairs(index, n)
    assert np.all(i < j) and np.all(j < n)
    start = i * (2 * n - 1 - i) // 2
    assert np.array_equal(start + (j - i - 1), index)


def test_sampled_pairs_are_distinct_valid_and_uniform_enough():
    n, P = 400, 20_000  # of 79,800 pairs
    i, j = cs.pair_sample(n, P, seed=3)
    assert len(i) == P and np.all(i < j) and np.all(j < n)
    assert len(np.unique(i.astype(np.int64) * n + j)) == P
    # each row is in about 2P/n pairs, whatever its index
    per_row = np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    assert abs(per_row[: n // 2].mean() - per_row[n // 2 :].mean()) < 5
    assert abs(np.mean(j - i) - (n + 1) / 3) < 5  # E[j - i] for a uniform pair
    again = cs.pair_sample(n, P, seed=3)
    assert np.array_equal(again[0], i) and np.array_equal(again[1], j)


def test_pair_sample_at_a_million_rows_is_small():
    i, j = cs.pair_sample(1_000_000, 50_000, seed=1)
    assert len(i) == 50_000 and i.dtype == np.int32 and np.all(i < j)


# --- consensus --------------------------------------------------------------------------------


def test_consensus_equals_the_n_by_n_computation():
    n = 30
    i, j = cs.pair_sample(n, 10**6, seed=0)
    M = cs.consensus(i, j, n, random_draws(n, 3, 15, seed=1, fraction=0.5))
    assert np.allclose(M, brute_consensus(n, random_draws(n, 3, 15, seed=1, fraction=0.5))[i, j])


def test_streaming_equals_batch_and_never_drawn_pairs_are_zero():
    n = 20
    i, j = cs.pair_sample(n, 10**6, seed=0)
    draws = list(random_draws(n, 2, 6, seed=2, fraction=0.3))
    acc = cs.PairConsensus(i, j, n)
    for rows, labels in draws:
        acc.add(rows, labels)
    assert np.array_equal(acc.values(), cs.consensus(i, j, n, draws))
    unsigned = [(rows, labels.astype(np.uint8)) for rows, labels in draws]
    assert np.array_equal(acc.values(), cs.consensus(i, j, n, unsigned))
    drawn = cs.co_drawn(i, j, n, [rows for rows, _ in draws])
    assert np.array_equal(drawn, acc.drawn)
    assert np.array_equal(acc.values(), cs.consensus(i, j, n, draws, drawn=drawn))
    assert np.any(acc.drawn == 0) and np.all(acc.values()[acc.drawn == 0] == 0)


def test_pairs_in_any_order_count_the_same():
    """Sorted pairs (every list here) take the repeat path, others np.take: the same counts."""
    n = 40
    i, j = cs.pair_sample(n, 300, seed=3)
    assert cs.PairConsensus(i, j, n).runs is not None
    draws = list(random_draws(n, 4, 8, seed=4, fraction=0.6))
    order = np.random.default_rng(5).permutation(len(i))
    shuffled = cs.PairConsensus(i[order], j[order], n)
    assert shuffled.runs is None
    for rows, labels in draws:
        shuffled.add(rows, labels)
    assert np.array_equal(shuffled.values(), cs.consensus(i, j, n, draws)[order])
    assert np.array_equal(shuffled.values(), brute_consensus(n, draws)[i[order], j[order]])


def perfect(n=60, groups=3, H=10):
    truth = np.repeat(np.arange(groups), n // groups)
    rng = np.random.default_rng(0)
    draws = []
    for _ in range(H):
        rows = np.sort(rng.choice(n, int(0.8 * n), replace=False))
        draws.append((rows, ((truth[rows] + rng.integers(groups)) % groups).astype(np.int8)))
    return truth, draws


def test_perfect_separation_gives_the_analytic_pac_and_areas():
    _, draws = perfect()
    i, j = cs.pair_sample(60, 10**6, seed=0)
    s = cs.summary(cs.consensus(i, j, 60, draws))
    assert s["pac"] == 0 and s["pac_se"] == 0
    assert round(s["area"], 6) == 0.677966
    assert round(s["area_ccp"], 6) == 0.681186
    assert s["cdf"][0] == pytest.approx(40 / 59) and s["cdf"][-1] == 1


def test_random_labels_give_pac_near_its_expectation():
    """Each pair drawn together d times is together Binomial(d, 1/k) times; PAC is the chance
    that share lands in (0.1, 0.9], here computed from the realised d of every pair."""
    n, k = 80, 3
    i, j = cs.pair_sample(n, 10**6, seed=0)
    acc = cs.PairConsensus(i, j, n)
    for rows, labels in random_draws(n, k, 30, seed=4, fraction=0.8):
        acc.add(rows, labels)

    def in_window(d):  # P(0.1 < T/d <= 0.9), T ~ Binomial(d, 1/k)
        t = np.arange(d + 1)
        pmf = np.array([math.comb(d, x) for x in t]) * (1 / k) ** t * (1 - 1 / k) ** (d - t)
        return pmf[(t > 0.1 * d) & (t <= 0.9 * d)].sum()

    expected = np.mean([in_window(int(d)) for d in acc.drawn])
    assert cs.pac(acc.values()) == pytest.approx(expected, abs=0.01)


def test_pac_window_is_half_open_and_se_only_when_sampled():
    M = np.array([0.1, 0.1000001, 0.9, 0.9000001, 0.5])
    assert cs.pac(M) == pytest.approx(3 / 5)
    assert cs.pac_se(0.25, 100, every_pair=False) == pytest.approx(np.sqrt(0.25 * 0.75 / 100))
    assert cs.pac_se(0.25, 100, every_pair=True) == 0


def test_ccp_delta_is_relative_change_from_the_previous_k():
    delta = cs.ccp_delta([4, 2, 3], [0.9, 0.5, 0.6])
    assert np.allclose(delta, [(0.9 - 0.6) / 0.6, 0.5, (0.6 - 0.5) / 0.5])


# --- against the null -------------------------------------------------------------------------


def test_rcsi_p_values_follow_m3c():
    refs = np.array([0.30, 0.35, 0.40, 0.32])
    out = cs.against_null(0.0, refs)
    logs = np.log(refs) - np.log(1e-4)
    assert out["rcsi"] == pytest.approx(logs.mean())
    assert out["rcsi_se"] == pytest.approx(logs.std(ddof=1) / 2)
    assert out["p_empirical"] == pytest.approx(1 / 5)
    assert out["p_beta"] == 0
    assert cs.against_null(0.35, refs)["p_empirical"] == pytest.approx(4 / 5)


def test_beta_p_is_the_method_of_moments_fit():
    refs = np.array([0.30, 0.35, 0.40, 0.32, 0.36])
    mu, var = refs.mean(), refs.var(ddof=1)
    a = ((1 - mu) / var - 1 / mu) * mu**2
    b = a * (1 / mu - 1)
    x = np.linspace(0, 0.25, 200_001)[1:]
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    density = np.exp(log_norm + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x))
    assert cs.beta_p(0.25, refs) == pytest.approx(np.trapezoid(density, x), rel=1e-4)
    assert np.isnan(cs.beta_p(0.2, np.array([0.3, 0.3])))


# --- clusters and items ----------------------------------------------------------------------


def brute_cluster_boot(best, draws):
    k = best.max() + 1
    values = [[] for _ in range(k)]
    for rows, labels in draws:
        for c in range(k):
            C = set(rows[best[rows] == c])
            if not C:
                continue
            values[c].append(max(len(C & set(rows[labels == d])) / len(C | set(rows[labels == d]))
                                 for d in np.unique(labels)))
    return np.array([np.mean(v) for v in values])


def test_clusterboot_matches_a_brute_force_jaccard():
    n = 40
    best = np.random.default_rng(1).integers(0, 3, size=n)
    draws = list(random_draws(n, 4, 8, seed=5))
    boot = cl.ClusterBoot(best)
    for rows, labels in draws:
        boot.add(rows, labels)
    assert np.allclose(boot.means(), brute_cluster_boot(best, draws))
    assert [cl.band(x) for x in (0.9, 0.8, 0.7, 0.3)] == [
        "highly stable", "stable", "doubtful", "not to be trusted"]


def test_cluster_and_item_consensus_match_ccp_on_the_full_matrix():
    n = 30
    best = np.random.default_rng(2).integers(0, 3, size=n)
    draws = list(random_draws(n, 3, 10, seed=6))
    full = brute_consensus(n, draws)
    i, j = cs.pair_sample(n, 10**6, seed=0)
    M = full[i, j]
    mean, count = cl.cluster_consensus(M, i, j, best)
    for c in range(3):
        inside = np.flatnonzero(best == c)
        block = full[np.ix_(inside, inside)][np.triu_indices(len(inside), 1)]
        assert mean[c] == pytest.approx(block.mean()) and count[c] == len(block)
    item = cl.item_consensus_all(M, i, j, best)
    for r in range(n):
        mates = np.flatnonzero((best == best[r]) & (np.arange(n) != r))
        assert item[r] == pytest.approx(full[r, mates].mean())


def test_within_pairs_are_every_pair_inside_a_cluster():
    best = np.array([1, 0, 1, 2, 1, 0])
    a, b = cl.within_pairs(best)
    got = sorted(zip(a.tolist(), b.tolist(), strict=True))
    assert got == [(0, 2), (0, 4), (1, 5), (2, 4)] and cl.n_within_pairs(best) == 4


def test_sampled_item_pairs_stay_in_the_cluster_and_skip_the_row():
    best = np.repeat([0, 1, 2], [5, 50, 45])
    a, b, owner, chosen = cl.item_pairs(best, rows=30, partners=8, seed=0)
    assert len(chosen) == 30 and np.all(a == chosen[owner])
    assert np.all(best[a] == best[b]) and np.all(a != b)
    counts = np.bincount(owner, minlength=30)
    assert np.all(counts == np.where(best[chosen] == 0, 4, 8))


def test_data_k_tables_at_small_and_large_n():
    truth, draws = perfect()
    i, j = cs.pair_sample(60, 10**6, seed=0)
    out = data_k(3, i, j, 60, draws, window=(0.1, 0.9), every_pair=True, best=truth)
    assert np.all(out["clusters"]["consensus"] == 1) and np.all(out["clusters"]["stability"] == 1)
    assert np.all(out["clusters"]["consensus_pairs"] == 190)  # every pair inside each cluster
    assert np.all(out["items"]["item_consensus"] == 1) and out["items"]["every_partner"].all()
    i, j = cs.pair_sample(60, 500, seed=0)
    out = data_k(3, i, j, 60, draws, window=(0.1, 0.9), every_pair=False, best=truth,
                 max_pairs=500, item_rows=10, item_partners=5)
    assert out["summary"]["pairs"] == 500 and out["summary"]["pac"] == 0
    assert len(out["items"]) == 10 and np.all(out["items"]["partners"] == 5)
    assert not out["items"]["every_partner"].any() and np.all(out["items"]["item_consensus"] == 1)
    clusters = out["clusters"]
    assert clusters["consensus_pairs"].sum() == 50 and np.all(clusters["consensus"] == 1)


# --- picks --------------------------------------------------------------------------------


def table(pac, refs_mean, p_rcsi, ps, references=5):
    k = np.arange(2, 2 + len(pac))
    rows = pd.DataFrame({"k": k, "pac": pac, "pac_ref_mean": refs_mean, "ps_mean": ps,
                         "p_rcsi": p_rcsi, "null_references": references,
                         "ps_sd": 0.1, "ps_splits": 10, "rcsi_se": 0.05})
    rows["rcsi"] = np.log(np.asarray(refs_mean) / np.maximum(np.asarray(pac), 1e-4))
    rows["p_empirical"] = np.where(np.asarray(p_rcsi) < 0.05, 1 / (references + 1), 0.5)
    return rows.reindex(columns=RESAMPLING_COLUMNS)


def test_picks_on_clear_structure_and_on_noise():
    clear = table([0.3, 0.2, 0.0, 0.1], [0.4, 0.35, 0.3, 0.25], [0.2, 0.1, 0.0, 0.005],
                  [0.7, 0.75, 0.95, 0.6])
    assert picks.consensus_pick(clear) == 4 and picks.prediction_strength_pick(clear) == 4
    # k = 5 beats the null too; k = 4 is the most stable relative to it (largest RCSI)
    assert list(picks.beats_null(clear)) == [False, False, True, True]
    assert "ks beating the null: 4, 5" in picks.consensus_note(clear)
    assert "0.95 ± 0.03 at k = 4" in picks.ps_note(clear)
    noise = table([0.4, 0.35, 0.3, 0.25], [0.4, 0.35, 0.3, 0.25], [0.5, 0.4, 0.6, 0.5],
                  [0.85, 0.5, 0.4, 0.3])
    assert picks.consensus_pick(noise) is None and picks.prediction_strength_pick(noise) == 2
    assert "no k's consensus is clearly more stable" in picks.headline(noise)


def test_beating_the_null_needs_bonferroni_every_reference_and_the_effect_size():
    # k = 2: p 0.02 > 0.05 / 4; k = 3: a tiny, "significant" difference (RCSI 0.03 < ln 2);
    # k = 4: clearly more stable; k = 5: significant but one reference below the data
    t = table([0.0, 0.29, 0.05, 0.1], [0.07, 0.3, 0.3, 0.3], [0.02, 1e-4, 1e-3, 1e-3],
              [1.0, 0.5, 0.4, 0.3])
    t.loc[3, "p_empirical"] = 2 / 6
    assert list(picks.beats_null(t)) == [False, False, True, False]
    assert picks.consensus_pick(t) == 4


def test_no_prediction_strength_above_the_cutoff_is_no_pick_not_k_1():
    t = table([0.1, 0.2], [0.4, 0.4], [1e-4, 1e-4], [0.7, 0.6])
    assert picks.prediction_strength_pick(t) is None
    assert picks.ps_note(t).startswith("no k reproduces under half-splits")


def test_without_references_the_lowest_pac_and_ps_decide():
    t = table([0.3, 0.1, 0.1, 0.2], [0.4] * 4, [np.nan] * 4, [0.9, 0.85, 0.5, 0.2],
              references=0)
    assert picks.consensus_pick(t) == 3 and picks.prediction_strength_pick(t) == 3
    assert not picks.beats_null(t).any()


def test_rcsi_p_is_the_t_prediction_test_on_the_log_scale():
    refs = np.array([0.30, 0.35, 0.40, 0.32])
    out = cs.against_null(0.2, refs)
    logs = np.log(refs)
    t = (logs.mean() - np.log(0.2)) / (logs.std(ddof=1) * np.sqrt(1 + 1 / 4))
    x = np.linspace(t, 400, 400_001)  # P(T_3 > t) by integrating the t density
    density = 2 / (np.pi * np.sqrt(3) * (1 + x**2 / 3) ** 2)
    assert out["p_rcsi"] == pytest.approx(np.trapezoid(density, x), rel=1e-3)
    assert np.isnan(cs.against_null(0.2, refs[:1])["p_rcsi"])


# --- the one-process reference ------------------------------------------------------------


def test_reference_equals_its_work_items_run_in_any_order():
    from kmeans_sweep.choose.resampling import tables as rt
    from kmeans_sweep.choose.resampling.reference import resampling_statistics
    from kmeans_sweep.choose.resampling.results import in_data_rows
    from kmeans_sweep.fit import resample as rs

    rng = np.random.default_rng(0)
    X = np.concatenate([c + rng.standard_normal((20, 2)) for c in ([0, 0], [9, 0], [0, 9])])
    settings = dict(resamples=3, fraction=0.8, null_references=2, pairs=500,
                    prediction_strength_splits=2, seed=5)
    fit = {"init": "k-means++", "algorithm": "lloyd", "n_init": 1}
    best = {k: rs.fit_rows(X, k, random_state=0, **fit)[0] for k in (2, 3)}
    one = resampling_statistics(X, [3, 2, 1], {**settings, **fit}, best_labels=best)
    # the same from work items computed independently, in reverse order, and aggregated
    n, i, j = len(X), *cs.pair_sample(len(X), 500, 5)
    items = {(s, h, k): None for s in (DATA, 0, 1) for h in range(3) for k in (2, 3)}
    model = rs.NullModel.from_data(X)
    for s, h, k in reversed(list(items)):
        source = X if s == DATA else rs.null_reference(model, 5, s)
        items[(s, h, k)] = rs.resample_labels(source, k, h, seed=5, fraction=0.8, **fit)
    rows = [rs.subsample(n, 0.8, 5, h) for h in range(3)]
    draws = {(s, k): [(rows[h], items[(s, h, k)]) for h in range(3)] for s, _, k in items}
    data = {k: rt.data_k(k, i, j, n, draws[(DATA, k)], window=(0.1, 0.9), every_pair=False,
                         best=best[k], max_pairs=500, seed=5) for k in (2, 3)}
    refs = {(k, b): rt.reference_pac(i, j, n, draws[(b, k)], (0.1, 0.9)) for k in (2, 3)
            for b in (0, 1)}
    ps = {(k, m): rs.prediction_strength_run(X, k, m, seed=5, **fit)
          for k in (2, 3) for m in (0, 1)}
    three = rt.tables(data, refs, ps, resamples=3, references=2, n_splits=2, every_pair=False)
    three = in_data_rows(three, None, n)  # every row used: rows_used = n
    for name in one:
        pd.testing.assert_frame_equal(one[name], three[name])
    assert one["resampling"]["pac"].iloc[1] == 0 and one["resampling"]["ps_mean"].iloc[1] == 1
