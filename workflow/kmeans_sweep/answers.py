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


#: Short names of the criteria in the first page's table, and the legend saying what they are.
SHORT = {"elbow": "elbow", "silhouette": "sil", "calinski_harabasz": "CH",
         "davies_bouldin": "DB", "gap": "gap", "stability": "stab", "consensus": "cons",
         "prediction_strength": "PS", "ari_with_labels": "ARI*"}
LEGEND = ("sil: silhouette, CH: Calinski-Harabasz, DB: Davies-Bouldin, stab: seed stability, "
          "cons: consensus, PS: prediction strength, ARI*: best ARI with the true labels (not "
          "used to recommend); –: no pick, or a pick at the sweep's largest k that abstains.")
#: Snakemake's report centres its pages vertically, which cuts off the top of a page taller
#: than the window; "safe" centring aligns such a page to the top instead.
STYLE = ".. raw:: html\n\n   <style>.items-center { align-items: safe center; }</style>\n"


def landing_page(datasets: list[str], choices: dict, criteria_pngs: dict, description: str) -> str:
    """The report's first page (reStructuredText; Snakemake renders it with Jinja, so the
    description's ``{{ ... }}`` still work): the answer for every dataset first (recommended k,
    confidence, why, every criterion's pick, criteria.png), then the workflow's description,
    folded under "How it was computed"."""
    parts = [STYLE, "The answer", "==========", ""]
    for dataset in datasets:
        parts += _dataset_section(dataset, choices[dataset], criteria_pngs.get(dataset))
    parts += [".. raw:: html", "", "   <details><summary><b>How it was computed</b> (the "
              "workflow, its steps and this run's configuration)</summary>", "",
              description.strip(), "", ".. raw:: html", "", "   </details>", ""]
    return "\n".join(parts)


def _dataset_section(dataset: str, choice, png) -> list[str]:
    said = answer(choice)
    k = "no recommendation" if said["k"] is None else f"recommended k = {said['k']}"
    title = f"{dataset}: {k} ({said['confidence']})" if said["confidence"] else f"{dataset}: {k}"
    lines = [title, "-" * len(title), "", _escape(said["reason"]) + ".", ""]
    lines += _picks_table(choice)
    if png is not None:
        import base64
        import textwrap

        # an image URI may go on over indented lines, which docutils joins: no line over
        # its length limit
        data = "data:image/png;base64," + base64.b64encode(Path(png).read_bytes()).decode()
        lines += [".. image::", *("   " + part for part in textwrap.wrap(data, 76)),
                  "   :width: 100%", f"   :alt: {dataset}: every criterion against k", ""]
    return lines


def _picks_table(choice) -> list[str]:
    """Every criterion's pick in one small RST table: the criteria across, their ks below."""
    import pandas as pd

    rows = [(SHORT.get(str(r.criterion), str(r.criterion)), "–" if pd.isna(r.k) else
             str(int(r.k))) for r in choice.itertuples() if r.criterion != "recommended"]
    head = "   * - criterion\n" + "".join(f"     - {c}\n" for c, _ in rows)
    body = "   * - k\n" + "".join(f"     - {k}\n" for _, k in rows)
    return [".. list-table::", "   :header-rows: 1", "", head + body, _escape(LEGEND), ""]


def _escape(text: str) -> str:
    """Text safe inside reStructuredText and Jinja (``*``, backquotes, braces)."""
    for a, b in (("\\", "\\\\"), ("*", "\\*"), ("`", "\\`"), ("{", "("), ("}", ")")):
        text = text.replace(a, b)
    return text
