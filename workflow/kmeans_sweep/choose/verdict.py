"""What the choose_k table says, in the words and the ks every picture uses."""

from __future__ import annotations

import textwrap

import pandas as pd

from .choose_k import ABSTAINS, ANYWAY, NO_STRUCTURE, candidates, edge_advice, voters
from .degenerate import PHRASE


def picks(choice: pd.DataFrame) -> dict[str, int | None]:
    """{criterion: k or None} for every row of the choose_k table (``recommended`` included)."""
    return {
        str(r.criterion): None if pd.isna(r.k) else int(r.k) for r in choice.itertuples(index=False)
    }


def row(choice: pd.DataFrame, criterion: str) -> pd.Series | None:
    hit = choice[choice["criterion"] == criterion]
    return hit.iloc[0] if len(hit) else None


def who_picks(choice: pd.DataFrame, k: int) -> list[str]:
    """The criteria (and ``recommended``) whose pick is k, in table order."""
    return [c for c, v in picks(choice).items() if v == k]


def diagram_ks(choice: pd.DataFrame, swept: list[int], n_classes: int | None) -> list[int]:
    """The ks that get a silhouette diagram: every swept pick (not k = 1, "no structure"),
    and the number of true classes."""
    ks = {k for k in picks(choice).values() if k is not None and k in swept}
    if n_classes is not None and n_classes in swept:
        ks.add(int(n_classes))
    return sorted(ks)


def headline(choice: pd.DataFrame, dataset: str, swept: list[int], width: int = 120) -> list[str]:
    """Title lines: the answer first, worded by its confidence; then why, wrapped to ``width``.

    Clear: "recommended k = 5 (clear: ...)". Uncertain: "no clear k. Candidates: k = 20 (2 of
    6 criteria), 11, 13 (1 of 6 each)" naming every label-free pick, the recommended first;
    when that k is at an end of the swept range, the advice to widen the sweep comes next; when
    some k are degenerate, what happened and the widest k that is not (e.g. "KMeans found at
    most 5 distinct clusters: k = 6–11 are degenerate and not picked (the widest k that is
    not: 5)") comes next.
    """
    rec = row(choice, "recommended")
    said = [c for c in str(rec["note"]).split("; ") if PHRASE in c] if rec is not None else []
    if rec is None or pd.isna(rec["k"]):
        first = f"{dataset}: no recommendation{'' if said else ' (no fits)'}"
        return [first, *(part for c in said for part in textwrap.wrap(c, width))]
    k = int(rec["k"])
    if rec["confidence"] == NO_STRUCTURE:
        lines = [f"{dataset}: no cluster structure (recommended k = 1)"]
        return lines + textwrap.wrap("Why: " + str(rec["note"]).split(": ", 1)[-1], width)
    if rec["confidence"] == "clear":
        first = f"{dataset}: recommended k = {k} (clear)"
    else:
        first = f"{dataset}: no clear k. Candidates: k = {_candidate_list(choice)}"
    lines = [first]
    edge = edge_advice(k, swept) or abstained_advice(choice, swept)
    if edge:
        lines.append(edge)
    lines += [part for c in said for part in textwrap.wrap(c, width)]
    why = [c for c in str(rec["note"]).split("; ") if c != edge and c not in said]
    return lines + textwrap.wrap("Why: " + "; ".join(why), width)


def _candidate_list(choice: pd.DataFrame) -> str:
    """"20 (2 of 6 criteria), 11, 13 (1 of 6 each)": the candidates grouped by their votes."""
    n = len(voters(choice))
    votes = {int(r.k): int(r.criteria_agreeing) for r in choice.itertuples() if pd.notna(r.k)}
    ks = candidates(choice)
    parts = []
    for i, k in enumerate(ks):
        last = i + 1 == len(ks) or votes[ks[i + 1]] != votes[k]
        group = sum(1 for j in ks if votes[j] == votes[k])
        tail = f" ({votes[k]} of {n} {'each' if group > 1 else 'criteria'})" if last else ""
        parts.append(f"{k}{tail}")
    return ", ".join(parts)


def abstained_advice(choice: pd.DataFrame, swept: list[int]) -> str:
    """When picks at the sweep's largest k abstained: which, and the advice to widen it."""
    who = [str(c) for c, note in zip(choice["criterion"], choice["note"], strict=True)
           if str(note).startswith(ABSTAINS)]
    if not who or not swept:
        return ""
    return (f"{', '.join(who)} {'picks' if len(who) == 1 else 'pick'} k = {max(swept)}, the "
            f"largest k swept, and {'abstains' if len(who) == 1 else 'abstain'}: widen the "
            f"sweep (sweep.k) beyond {max(swept)} to let {'it' if len(who) == 1 else 'them'} "
            "vote")


def one_line(choice: pd.DataFrame) -> str:
    """Why the recommended k, in one short sentence (the end of the run, the report's first
    page): the structure test's result for "no structure"; else the vote (naming up to three
    criteria), led by "no k reproduces" when the structure is real but not reproducible, and
    weak structure when the silhouette says so."""
    rec = row(choice, "recommended")
    if rec is None or pd.isna(rec["k"]):
        return "no k could be recommended (see the notes)"
    if rec["confidence"] == NO_STRUCTURE:
        anyway = [p.split(" (")[0] for p in str(rec["note"]).split("; ") if p.startswith(ANYWAY)]
        return ("no cluster structure: no k's gap statistic clearly exceeds Gap(1), the data "
                "look like uniform references" + "".join(f"; {a}" for a in anyway))
    parts = str(rec["note"]).split("; ")
    vote = parts[0] if parts[0].count(",") < 3 else parts[0].split(" (")[0]
    out = [vote]
    if any(p.startswith("no k reproduces") for p in parts):
        out.insert(0, "clustered beyond the null, but no k reproduces under half-splits")
    out += [p.split(" (")[0] for p in parts if p.startswith(("prediction strength", "reproduces"))]
    out += [f"weak structure (silhouette {p.split()[1]})" for p in parts
            if p.startswith("silhouette")]
    return "; ".join(out)


def short(choice: pd.DataFrame) -> str:
    """"k = 20, uncertain" for titles of other plots."""
    rec = row(choice, "recommended")
    if rec is None or pd.isna(rec["k"]):
        return "no recommendation"
    return f"k = {int(rec['k'])}, {rec['confidence']}"
