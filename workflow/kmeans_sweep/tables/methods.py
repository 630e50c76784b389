"""Methods: what the analyses after the sweep compare, group and colour by.

A method is the init when only lloyd is swept (so those outputs read as before) and
``"init / algorithm"`` otherwise (several algorithms, or one other than lloyd). ``choose_k``,
stability and the sweep's plots work on a view of the fits whose ``init`` column holds the
method.
"""

from __future__ import annotations

import pandas as pd

from ..io import fit_key, split_key

SEP = " / "
LINESTYLES = {"lloyd": "-", "elkan": "--", "minibatch": ":", "bisecting": "-."}


def named(fits: pd.DataFrame) -> bool:
    """Whether methods name their algorithm: the fits hold any algorithm besides lloyd."""
    return "algorithm" in fits and set(fits["algorithm"]) - {"lloyd"} != set()


def name(init: str, algorithm: str, multi: bool) -> str:
    return f"{init}{SEP}{algorithm}" if multi else str(init)


def split(method: str) -> tuple[str, str]:
    """(init, algorithm) of a method (algorithm lloyd when it names none)."""
    init, _, algorithm = str(method).partition(SEP)
    return init, algorithm or "lloyd"


def view(fits: pd.DataFrame) -> pd.DataFrame:
    """The fits with ``init`` holding the method (the fits themselves for lloyd only)."""
    if not named(fits):
        return fits
    out = fits.copy()
    out["init"] = [name(i, a, True) for i, a in zip(fits["init"], fits["algorithm"], strict=True)]
    return out


def labels_view(labels: dict, multi: bool) -> dict:
    """{(k, method, seed): labels} from {fit key: labels}."""
    out = {}
    for key, lab in labels.items():
        k, init, seed, algorithm = split_key(key)
        out[(k, name(init, algorithm, multi), seed)] = lab
    return out


def fit_of(k: int, method: str, seed: int) -> tuple:
    """The fit key (io.fit_key) of a method's fit."""
    init, algorithm = split(method)
    return fit_key(k, init, seed, algorithm)


def linestyle(method: str) -> str:
    return LINESTYLES.get(split(method)[1], "-")
