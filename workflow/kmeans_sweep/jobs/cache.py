"""The fit cache: finished fits on disk, one small .npz per fit, named by the hash of
everything that determines the fit (data, k, init, seed, algorithm, settings, library versions,
code). A lloyd fit's key is what it was before the algorithm became a sweep dimension, so
caches of earlier sweeps stay valid."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger("kmeans_sweep")
# the fitting and scoring code lives in fit/; every module there is part of one of these hashes
_HERE = Path(__file__).resolve().parents[1] / "fit"
# the code that determines a fit's row: the fit itself and its scores
CODE_HASH = hashlib.sha256(
    b"".join(
        (_HERE / name).read_bytes()
        for name in ("fitting.py", "mapped_fit.py", "lean_kmeans.py", "scores.py")
    )
).hexdigest()[:16]
# the other algorithms' fits also depend on algorithms.py
ALGORITHM_CODE_HASH = hashlib.sha256(
    (CODE_HASH + (_HERE / "algorithms.py").read_text()).encode()
).hexdigest()[:16]

# a gap statistic item's log W depends on gap.py and the fit it makes (lean_kmeans.py)
GAP_CODE_HASH = hashlib.sha256(
    (_HERE / "gap.py").read_bytes() + (_HERE / "lean_kmeans.py").read_bytes()
).hexdigest()[:16]
# a resampling item's result: the fit path (algorithms.py and what it uses) and resample.py
RESAMPLE_CODE_HASH = hashlib.sha256(
    (ALGORITHM_CODE_HASH + (_HERE / "resample.py").read_text()).encode()
).hexdigest()[:16]
#: the settings a resampling item's result depends on (the counts H, B, M do not change it)
RESAMPLE_SETTINGS = ("fraction", "seed", "init", "algorithm", "n_init", "max_iter", "max_rows")


# --- cache --------------------------------------------------------------------------------


def versions() -> dict:
    import scipy
    import sklearn

    return {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}


class FitCache:
    """Finished fits on disk, one small .npz per fit, named by the hash of its inputs."""

    def __init__(self, root: str | os.PathLike | None):
        self.root = Path(root) if root else None

    def key(
        self, data_hash: str, k: int, init: str, seed: int, settings: dict, algorithm="lloyd"
    ) -> str:
        from ..fit.algorithms import DEFAULT, settings_for

        settings = settings_for(settings, algorithm)
        ident = {
            "data": data_hash,
            "k": int(k),
            "init": init,
            "seed": int(seed),
            "settings": {key: settings[key] for key in sorted(settings)},
            "versions": versions(),
            "code": CODE_HASH,
        }
        if algorithm != DEFAULT:
            ident.update(algorithm=algorithm, code=ALGORITHM_CODE_HASH)
        return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()

    def gap_key(self, data_hash: str, k: int, b: int, gap_settings: dict) -> str:
        """The key of one gap statistic item (gap.py): log W_k of the data (b = -1) or of
        reference set b."""
        names = ("sample_size", "n_init", "max_iter")
        ident = {
            "data": data_hash,
            "gap": [int(k), int(b)],
            "settings": {name: gap_settings[name] for name in names},
            "versions": versions(),
            "code": GAP_CODE_HASH,
        }
        return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()

    def resample_key(self, data_hash: str, item: tuple, settings: dict) -> str:
        """The key of one resampling item (resample_items.py): ("cc", b, h, k) or ("ps", m, k)."""
        batch = ("batch_size",) if settings["algorithm"] == "minibatch" else ()
        names = RESAMPLE_SETTINGS + batch
        ident = {
            "data": data_hash,
            "resample": [item[0], *(int(v) for v in item[1:])],
            "settings": {name: settings.get(name) for name in names},
            "versions": versions(),
            "code": RESAMPLE_CODE_HASH,
        }
        return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.npz"

    def get(self, key: str):
        if self.root is None:
            return None
        path = self._path(key)
        try:
            with np.load(path, allow_pickle=False) as z:
                row = json.loads(str(z["row"]))
                return row, z["labels"].copy(), z["centers"].copy()
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged entry is recomputed, never trusted
            log.warning("ignoring unreadable cache entry %s (%s)", path, exc)
            return None

    def put(self, key: str, row: dict, labels: np.ndarray, centers: np.ndarray) -> None:
        if self.root is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, row=np.array(json.dumps(row)), labels=labels, centers=centers)
        os.replace(tmp, path)
