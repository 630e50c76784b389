"""The answer, where the user looks first: one line per dataset at the end of a run (the
recommended k, its confidence, why in one sentence, where to look), and the same answers as
the report's first page. Read from each dataset's ``choose_k.parquet``."""

from __future__ import annotations

from pathlib import Path

REPORT_COMMAND = "snakemake --report results/report.html"
HEADER = "kmeans-sweep: the answer"


def answer(choice) -> dict:
    """{k, confidence, reason} of one choose_k table (k None without a recommendation)."""
    import pandas as pd

    from .choose import verdict

    rec = verdict.row(choice, "recommended")
    k = None if rec is None or pd.isna(rec["k"]) else int(rec["k"])
    confidence = "" if rec is None else str(rec["confidence"])
    return {"k": k, "confidence": confidence, "reason": verdict.one_line(choice)}


def line(dataset: str, said: dict, width: int, results: str = "results") -> str:
    """``digits: k = 12 (uncertain): why; see results/digits/choose_k.html``, the name
    padded to ``width``."""
    name = f"{dataset}:".ljust(width + 1)
    where = f"see {results}/{dataset}/choose_k.html"
    if said is None:
        return f"{name} no answer yet (choose_k.parquet is missing); {where}"
    k = "no recommendation" if said["k"] is None else f"k = {said['k']}"
    confidence = f" ({said['confidence']})" if said["confidence"] else ""
    return f"{name} {k}{confidence}: {said['reason']}; {where}"


def block(datasets, results: str = "results") -> str:
    """The end-of-run block: a header, one aligned line per dataset, the report command."""
    import pandas as pd

    width = max((len(d) for d in datasets), default=0)
    lines = [HEADER]
    for dataset in datasets:
        path = Path(results) / dataset / "choose_k.parquet"
        said = answer(pd.read_parquet(path)) if path.exists() else None
        lines.append("  " + line(dataset, said, width, results))
    lines.append(f"  every plot and table, with how to read them: {REPORT_COMMAND}")
    return "\n".join(lines)
