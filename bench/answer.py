"""Section 11, the answer on data whose answer is known: the workflow's own decision
(``decision.py``: every rule's step, default config) on the real labelled panel
(``real_panel.py``), on digits with the default config, and on synthetic sets with 4 clusters
or none (``synthetic.py``), seeds never used by the design or the tests. Prints one row per
real dataset (n x p, classes, the k-means oracle and its ARI, every criterion's pick, the
recommendation, its confidence, hit or miss) and, per synthetic kind, how often the
recommendation is the truth; writes both tables as CSV beside the run."""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

SEED_BASE = 75_000_000  # the synthetic sets' seeds: not used by the design or the tests
SETS_PER_KIND = 40
PICKS = ("elbow", "silhouette", "calinski_harabasz", "davies_bouldin", "gap", "stability",
         "consensus", "prediction_strength")
SHORT = ("elb", "sil", "CH", "DB", "gap", "stab", "cons", "ps")
DIGITS_DEFAULT = list(range(2, 21))


def _decided(name, X, y, ks) -> dict:
    """The choose_k table's picks, the recommendation and its note, scaled as the workflow."""
    from kmeans_sweep.data.scaling import scale

    from .decision import decide

    Xs, _ = scale(np.asarray(X, dtype=np.float64), "standard")
    with tempfile.TemporaryDirectory() as folder:
        table = decide(name, Xs, y, ks, folder).set_index("criterion")
    out = {c: _k(table.loc[c, "k"]) if c in table.index else None for c in PICKS}
    rec = table.loc["recommended"]
    return {**out, "recommended": _k(rec["k"]), "confidence": rec["confidence"],
            "note": rec["note"]}


def _k(v):
    return None if pd.isna(v) else int(v)


def real_one(job) -> dict:
    from . import real_panel as rp

    name, ks = job
    X, y = rp.load(name)
    start = time.perf_counter()
    key = rp.answer_key(name, ks)
    said = _decided(name, X.to_numpy(float), y, key["ks"])
    hit = said["recommended"] in key["oracle_ks"]
    return {**key, **said, "hit": hit, "hit_classes": hit or said["recommended"] == key["classes"],
            "panel": rp.group(name), "seconds": time.perf_counter() - start}


def synthetic_one(job) -> dict:
    from .synthetic import KINDS, KS, dataset

    kind, i = job
    X, y = dataset(kind, i, SEED_BASE)
    said = _decided(f"s{i}", X, y if KINDS[kind] > 1 else None, KS)
    return {"kind": kind, "i": i, "truth": KINDS[kind], **said}


def real_table(rows: list[dict]) -> pd.DataFrame:
    def fmt(v):
        return "–" if v is None else str(v)

    return pd.DataFrame([{
        "dataset": r["dataset"], "panel": r.get("panel", ""), "n x p": f"{r['n']} x {r['p']}",
        "classes": r["classes"],
        "ks": f"{r['ks'][0]}-{r['ks'][-1]}", "oracle ks": ",".join(map(str, r["oracle_ks"])),
        "oracle ARI": round(r["oracle_ari"], 2),
        "picks (" + "/".join(SHORT) + ")": "/".join(fmt(r[c]) for c in PICKS),
        "recommended": r["recommended"], "confidence": r["confidence"],
        "hit": "hit" if r["hit"] else ("classes" if r.get("hit_classes") else "miss"),
    } for r in rows])


def synthetic_table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    out = []
    for kind, g in df.groupby("kind", sort=False):
        truth = int(g["truth"].iloc[0])
        right = int((g["recommended"] == truth).sum())
        said = "power" if truth > 1 else "false alarms"
        wrong = len(g) - right
        out.append({"kind": kind, "sets": len(g), "truth": truth,
                    said: f"{right if truth > 1 else wrong}/{len(g)}",
                    "no structure": int((g["recommended"] == 1).sum()),
                    "recommended (counts)": dict(g["recommended"].value_counts().sort_index())})
    return pd.DataFrame(out)


OUT = Path("results") / "bench"  # where the tables go as CSV


def answer(cores: int, sets: int = SETS_PER_KIND, out_dir: Path | None = OUT) -> dict:
    from . import real_panel as rp
    from .synthetic import KINDS

    print(f"== 11. the answer on data whose answer is known: {len(rp.PANEL + rp.MORE)} real "
          f"labelled datasets, digits with the default config, {sets} synthetic sets of each of "
          f"{len(KINDS)} kinds (seeds from {SEED_BASE}), {cores} processes")
    start = time.perf_counter()
    jobs = [(e.name, None) for e in rp.PANEL + rp.MORE] + [("digits", DIGITS_DEFAULT)]
    with ProcessPoolExecutor(cores) as pool:
        real = list(pool.map(real_one, jobs))
        synth = list(pool.map(synthetic_one, [(k, i) for k in KINDS for i in range(sets)]))
    real[-1]["dataset"] = "digits (default config)"
    return _report(real, synth, out_dir, time.perf_counter() - start)


def _report(real, synth, out_dir, wall) -> dict:
    panel, table = real[:-1], real_table(real)
    with pd.option_context("display.width", 250, "display.max_colwidth", 60):
        print(table.to_string(index=False))
        synthetic = synthetic_table(synth)
        print(synthetic.to_string(index=False))
    hits = sum(r["hit"] for r in panel)
    bad = [r["dataset"] for r in panel if r["oracle_ari"] >= 0.6 and r["recommended"] == 1]
    digits = real[-1]
    for group in ("first", "design", "holdout"):
        rows = [r for r in panel if r["panel"] == group]
        print(f"   {group} panel: recommended within the oracle ks on "
              f"{sum(r['hit'] for r in rows)}/{len(rows)}, the class count or within them on "
              f"{sum(r['hit_classes'] for r in rows)}, \"no structure\" on "
              f"{sum(r['recommended'] == 1 for r in rows)}")
    print(f"   every panel: recommended within the oracle ks on {hits}/{len(panel)} "
          f"({100 * hits / len(panel):.0f} %); \"no structure\" where the oracle ARI >= 0.6: "
          f"{len(bad)} {bad if bad else ''}")
    print(f"   digits (default config): k = {digits['recommended']} ({digits['confidence']}): "
          f"{digits['note']}")
    print(f"   {wall:.0f} s wall")
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(out_dir) / "answer_panel.csv", index=False)
        pd.DataFrame(synth).to_csv(Path(out_dir) / "answer_synthetic.csv", index=False)
    return {"hits": hits, "panel": len(panel), "no_structure_on_recovered": bad,
            "synthetic": synthetic}
