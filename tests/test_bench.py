"""The benchmark script runs end to end (on a tiny grid; timings are not asserted)."""

from __future__ import annotations

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
            str(REPO / "workflow" / "bench.py"),
            "--config",
            str(path),
            "--repeats",
            "1",
            "--skip-scale",
            "--cores",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    assert "tiny.yaml: 8 fits of iris" in out
    assert "ratio" in out
    assert "one more k" in out and "4 fits computed, 8 served from the cache" in out
    assert "one more seed" in out and "6 fits computed, 12 served from the cache" in out
    assert "planning" in out and "100,000-fit grid" in out
    assert "--cores 1 instead of 2" in out and "0 fits computed" in out
    assert "fan-out" in out and "cost model, estimated / actual" in out
