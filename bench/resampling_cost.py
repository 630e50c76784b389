"""Section 2, resampling cost: the default run (resampling on) beside the same run with
resampling off, alternating; the medians and their ratio."""

from __future__ import annotations

import shutil
import statistics

from .common import config_path, default_config, snakemake, without_resampling, workdir


def resampling_cost(cores: int, repeats: int) -> None:
    config = default_config()
    res = config.get("resampling", {})
    print(
        f"== 2. resampling: {config_path().name} as it is (resamples {res.get('resamples')}, "
        f"null_references {res.get('null_references')}, splits "
        f"{res.get('prediction_strength_splits')}) against resamples: 0, {repeats} runs each"
    )
    times = {"on": [], "off": []}
    for rep in range(repeats):
        for name, cfg in (("off", without_resampling(config)), ("on", config)):
            path = workdir(cfg)
            t, _ = snakemake(path, "--cores", str(cores))
            times[name].append(t)
            shutil.rmtree(path, ignore_errors=True)
        print(f"   run {rep + 1}: off {times['off'][-1]:6.1f} s   on {times['on'][-1]:6.1f} s")
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    print(f"   median: off {off:.1f} s, on {on:.1f} s, ratio {on / off:.2f} (target <= 2.0)")
