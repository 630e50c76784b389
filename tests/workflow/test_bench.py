"""The benchmark (``python -m bench``) runs end to end (on a tiny grid; timings are not
asserted), and its sections are numbered once each."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO


@pytest.mark.slow
def test_benchmark_runs_on_a_tiny_grid(tmp_path):
    config = {
        "datasets": {"iris": {"source": "iris"}},
        "sweep": {"k": [2, 3], "init": ["k-means++", "random"], "seeds": [0, 1]},
        "choose_k": {"gap_references": 2},
        "plots": {"dpi": 50},
    }
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--config",
            str(path),
            "--repeats",
            "1",
            "--skip-scale",
            "--skip-resampling",
            "--cores",
            "2",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    assert "tiny.yaml (resampling off): 8 fits of iris" in out
    assert "ratio" in out
    assert "one more k" in out and "4 fits computed, 8 served from the cache" in out
    assert "one more seed" in out and "6 fits computed, 12 served from the cache" in out
    assert "planning" in out and "100,000-fit grid" in out
    assert "--cores 1 instead of 2" in out and "0 fits computed" in out
    assert "fan-out" in out and "cost model, estimated / actual" in out


def test_algorithm_lines_summarise_the_comparison_table():
    import pandas as pd

    sys.path.insert(0, str(REPO))
    from bench.algorithms import algorithm_lines

    table = pd.DataFrame(
        {
            "k": [2, 2, 3, 3],
            "algorithm": ["lloyd", "minibatch", "lloyd", "minibatch"],
            "fit_time_s_median": [0.010, 0.004, 0.030, 0.008],
            "time_vs_lloyd_median": [1.0, 0.4, 1.0, 0.2],
            "inertia_ratio_median": [1.0, 1.1, 1.02, 1.3],
            "ari_to_best_lloyd_median": [1.0, 0.8, 0.9, 0.6],
        }
    )
    lloyd, minibatch = algorithm_lines(table)
    assert lloyd.split()[0] == "lloyd" and "20.0 ms (1.00 x lloyd)" in lloyd
    assert "6.0 ms (0.30 x lloyd)" in minibatch
    assert "inertia / best at k 1.200" in minibatch and "partition 0.70" in minibatch


def test_synthetic_datasets_are_fresh_fixed_and_separated():
    import numpy as np

    sys.path.insert(0, str(REPO))
    from bench import answer, synthetic

    used = (1000, 3_000_000, 7_000_000, 9_100_000, 20_260_000, 31_700_000, 42_000_000,
            53_000_000, 64_000_000)  # the design's, the tests' and earlier benches' seeds
    assert answer.SEED_BASE not in used
    for kind in synthetic.KINDS:
        X, y = synthetic.dataset(kind, 0, answer.SEED_BASE)
        assert X.shape == (300, 5) and len(y) == 300
        assert np.array_equal(X, synthetic.dataset(kind, 0, answer.SEED_BASE)[0])
        assert not np.array_equal(X, synthetic.dataset(kind, 1, answer.SEED_BASE)[0])
    X, y = synthetic.dataset("blobs, 4 separated centres", 3, answer.SEED_BASE)
    centres = np.array([X[y == c].mean(axis=0) for c in range(4)])
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)[np.triu_indices(4, 1)]
    assert gaps.min() >= 6 * 0.9  # centres >= 3 x (1 + 1) apart, up to the sample means' noise


def test_the_panel_and_its_answer_key():
    sys.path.insert(0, str(REPO))
    from bench import real_panel as rp

    assert len(rp.PANEL) >= 12 and len({e.domain for e in rp.PANEL}) >= 12
    key = rp.answer_key("wine")
    assert key["classes"] == 3 and key["oracle_ks"] == [3] and key["oracle_ari"] > 0.85
    assert rp.oracle_from_aris({2: 0.5, 3: 0.62, 4: 0.6, 5: 0.3}) == ([3, 4], 0.62)


def test_the_second_panel_loads_and_its_holdout_is_fixed():
    """The 20 datasets added later load offline, with their classes, and split into a design
    half and a held-out half that does not depend on anything but the fixed seed."""
    import numpy as np

    sys.path.insert(0, str(REPO))
    from bench import real_panel as rp

    names = {e.name for e in rp.MORE}
    assert len(names) == len(rp.MORE) == 20 and not names & {e.name for e in rp.PANEL}
    assert set(rp.DESIGN) | set(rp.HOLDOUT) == names and not set(rp.DESIGN) & set(rp.HOLDOUT)
    assert rp._split(rp.MORE) == (rp.DESIGN, rp.HOLDOUT) and len(rp.HOLDOUT) == 10
    assert {rp.group(n) for n in ("wine", rp.DESIGN[0], rp.HOLDOUT[0])} == {
        "first", "design", "holdout"}
    X, y = rp.load("tissue_genes")
    assert X.shape == (189, 500) and len(np.unique(y)) == 7 and np.isfinite(X.to_numpy()).all()
    X, y = rp.load("biopsy")  # rows with a missing score dropped
    assert X.shape == (683, 9) and sorted(np.bincount(y)) == [239, 444]


def test_every_section_has_one_number_and_the_overview_agrees():
    """Each section module prints one header ``== N.``; the numbers run 1, 2, ... without a
    gap or a repeat, and the package docstring lists each under its module's name."""
    headers = {}
    for module in sorted((REPO / "bench").glob("*.py")):
        numbers = re.findall(r'"== (\d+)\.', module.read_text())
        if numbers:
            assert len(set(numbers)) == 1, (module.name, numbers)
            headers[int(numbers[0])] = module.name
    assert sorted(headers) == list(range(1, len(headers) + 1)), headers
    overview = (REPO / "bench" / "__init__.py").read_text()
    listed = {int(n): m for n, m in re.findall(r"^(\d+)\. [^(]*\((\w+\.py)", overview, re.M)}
    assert listed == headers


def test_the_timeline_reads_benchmark_files_and_fit_logs(tmp_path, capsys):
    """bench/timeline.py: each job ends when its benchmark file was written and starts its
    seconds earlier; a fit job's own timers and the rest come from its log."""
    import os

    from bench import timeline

    started = 1_000_000.0
    for name, seconds, end in (("d/fit_chunk0", 11.5, 13.0), ("d/choose_k", 0.5, 16.0),
                               ("landing_page", 0.4, 20.0)):
        tsv = tmp_path / "benchmarks" / f"{name}.tsv"
        tsv.parent.mkdir(parents=True, exist_ok=True)
        tsv.write_text(f"s\th:m:s\tmax_rss\tcpu_time\n{seconds}\t0:00:01\t100\t{seconds}\n")
        os.utime(tsv, (started + end, started + end))
    log = tmp_path / "logs" / "d" / "fit_chunk0.log"
    log.parent.mkdir(parents=True)
    log.write_text(
        "x INFO d: 289 fits: 289 computed, 0 from the cache, in 11.31 s (fitting 1.82 s, "
        "scoring 2.15 s including silhouette distances)\n"
        "x INFO d: 109 gap statistic fits (109 new, 0 from the cache) in 0.70 s\n"
        "x INFO d: 852 resampling fits (852 new, 0 from the cache) in 5.22 s\n"
    )
    rows = timeline.jobs(tmp_path, started)
    assert [r[0] for r in rows] == ["d/fit_chunk0", "d/choose_k", "landing_page"]
    assert rows[0][1:] == pytest.approx((1.5, 13.0, 11.5))
    assert rows[1][1:] == pytest.approx((15.5, 16.0, 0.5))
    assert timeline.fit_timers(log) == {"fitting": 1.82, "scoring": 2.15, "gap fits": 0.70,
                                        "resampling fits": 5.22}
    timeline.print_timeline(tmp_path, started, wall=21.0, cores=2, loop=10.0)
    out = capsys.readouterr().out
    assert "resampling fits 5.22, rest 1.61" in out
    assert "before the first job 1.50 s" in out and "after the last 1.00 s" in out
    assert "12.4 s in all, on 2 cores: no schedule of these jobs ends before 1.5 + 12.4 / 2 = " \
        "7.7 s, 0.77 x the loop" in out
