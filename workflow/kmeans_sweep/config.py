"""Config checks at parse time: the schema's words, defaults filled in, every dataset looked
at once, and the settings each kind of fit depends on (the job plan is ``jobs/plan.py``).

Used by ``workflow/rules/common.smk`` at parse time, so it must stay cheap: no scikit-learn
import here, and user files are inspected at most once per (path, size, mtime).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .data.errors import DataError
from .data.load import builtin_shape, check_spec_keys, is_file_source
from .definitions import schema

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
INSPECT_CACHE = Path(".snakemake") / "kmeans-sweep" / "inspect"


class ConfigError(ValueError):
    """The config cannot be used; the message is one line naming the key."""


def _path_of(error) -> str:
    parts = []
    for p in error.absolute_path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(top level)"


def schema_error(config) -> str | None:
    """The first schema violation as one line ``key: problem``, or None if valid."""
    import jsonschema

    if not isinstance(config, dict):
        kind = type(config).__name__
        return f"(top level): the config must be a mapping of keys to values, not {kind}"
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(config), key=lambda e: (list(e.absolute_path), e.message))
    if not errors:
        return None
    best = jsonschema.exceptions.best_match(errors)
    message = best.message
    if best.validator == "uniqueItems":
        message = f"{best.instance} has duplicated values (remove the repeats)"
    elif best.validator == "pattern" and best.validator_value.startswith("^[A-Za-z0-9]"):
        message = (
            f"dataset name {best.instance!r} is not allowed: use letters, digits, '_' or '-' "
            f"(it becomes a directory under results/)"
        )
    elif best.validator == "minItems" and best.validator_value == 1:
        message = "the list is empty; give at least one value"
    return f"{_path_of(best)}: {message}"


def fill_defaults(config: dict) -> dict:
    """Fill schema defaults (only used by tests and tools; the Snakefile uses
    ``snakemake.utils.validate(..., set_default=True)``)."""
    tree = schema()

    def fill(node, sub):
        for key, prop in sub.get("properties", {}).items():
            if "$ref" in prop:
                continue
            if key not in node and "default" in prop:
                node[key] = json.loads(json.dumps(prop["default"]))
            if isinstance(node.get(key), dict) and prop.get("type") == "object":
                fill(node[key], prop)

    fill(config, tree)
    for spec in config["datasets"].values():
        fill(spec, tree["$defs"]["dataset"])
    return config


@dataclass(frozen=True)
class DatasetInfo:
    n_samples: int
    n_features: int


def _inspect_file(name: str, spec: dict) -> DatasetInfo:
    """Check a user file once (a pass over it that keeps no matrix, so a file of millions of
    rows costs a few column pieces of memory); remember the result by path, size and mtime."""
    path = Path(spec["source"])
    try:
        st = path.stat()
    except OSError:
        st = None
    key = None
    if st is not None and path.is_file():
        fingerprint = json.dumps(
            [
                str(path.resolve()),
                st.st_size,
                st.st_mtime_ns,
                {k: spec.get(k) for k in sorted(spec)},
                _labels_file_stamp(spec),
            ],
            sort_keys=True,
        )
        key = INSPECT_CACHE / (hashlib.sha256(fingerprint.encode()).hexdigest() + ".json")
        try:
            cached = json.loads(key.read_text())
            return DatasetInfo(cached["n_samples"], cached["n_features"])
        except (OSError, ValueError, KeyError):
            pass
    from .data.load import scan_file

    scan = scan_file(name, spec)
    info = DatasetInfo(scan.n_rows, len(scan.feature_names))
    if key is not None:
        try:
            key.parent.mkdir(parents=True, exist_ok=True)
            tmp = key.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps({"n_samples": info.n_samples, "n_features": info.n_features}))
            os.replace(tmp, key)
        except OSError:
            pass
    return info


def _labels_file_stamp(spec: dict):
    """The labels file's size and mtime (its checks are part of the inspection)."""
    if not spec.get("labels_file"):
        return None
    try:
        st = Path(spec["labels_file"]).stat()
    except OSError:
        return "absent"
    return [st.st_size, st.st_mtime_ns]


def inspect_dataset(name: str, spec: dict) -> DatasetInfo:
    """The prepared data's shape: after ``top_variable_features``, when it is set."""
    check_spec_keys(name, spec)
    if is_file_source(spec["source"]):
        info = _inspect_file(name, spec)
    else:
        info = DatasetInfo(*builtin_shape(spec))
    top = spec.get("top_variable_features")
    return info if top is None else DatasetInfo(info.n_samples, min(info.n_features, top))


def check_config(config: dict) -> dict[str, DatasetInfo]:
    """Check a schema-valid config against the data. Raises ConfigError (one line)."""
    sweep = config["sweep"]
    infos = {}
    for name, spec in config["datasets"].items():
        try:
            info = inspect_dataset(name, spec)
        except DataError as exc:
            raise ConfigError(str(exc)) from None
        too_big = [k for k in sweep["k"] if k > info.n_samples]
        if too_big:
            raise ConfigError(
                f"sweep.k: k={too_big[0]} is larger than the number of samples in dataset "
                f"{name!r} ({info.n_samples})"
            )
        infos[name] = info
    _check_algorithms(sweep)
    _check_something_to_fit(sweep, infos)
    _check_resampling(config.get("resampling", {}))
    return infos


def pca_max_k(info: DatasetInfo) -> int:
    """The largest k init pca can start on a dataset (jobs/plan.py)."""
    from .jobs.plan import pca_max_k as max_k

    return max_k(info.n_samples, info.n_features)


def _check_something_to_fit(sweep: dict, infos: dict[str, DatasetInfo]) -> None:
    """Init pca is skipped at k > a dataset's features; a dataset left with no fit is an error."""
    from .jobs.plan import fit_grid

    for name, info in infos.items():
        if not fit_grid(sweep, pca_max_k(info)):
            raise ConfigError(
                f"sweep.init: nothing to fit for dataset {name!r}: init pca needs k <= its "
                f"{info.n_features} features and every k swept is larger (add init k-means++ "
                f"or random, or a k <= {info.n_features})"
            )


def _ks_text(ks: list[int]) -> str:
    """"5–20" for consecutive ks, else "5, 7, 9"."""
    if len(ks) > 2 and ks == list(range(ks[0], ks[-1] + 1)):
        return f"{ks[0]}–{ks[-1]}"
    return ", ".join(str(k) for k in ks)


def skips(sweep: dict, name: str, info: DatasetInfo) -> list[list[str]]:
    """[what, short, why] of every swept combination not fitted on a dataset: the (init,
    algorithm) pairs an algorithm cannot fit, and init pca at k > the dataset's features.
    Said at parse time, in the comparison table and in its picture."""
    from .fit.algorithms import skipped
    from .jobs.plan import PCA_REASON, pca_skipped_ks

    out = [
        [f"init {i} with algorithm {a}", f"init {i} with {a}", why]
        for i, a, why in skipped(sweep["init"], sweep.get("algorithm", ["lloyd"]))
    ]
    max_k = pca_max_k(info)
    ks = pca_skipped_ks(sweep, max_k)
    if ks:
        what = f"init pca at k > {max_k}"
        why = PCA_REASON.format(name=name, d=info.n_features)
        out.append([f"{what} (k = {_ks_text(ks)})", what, why])
    return out


def pca_skip_line(sweep: dict, name: str, info: DatasetInfo) -> str | None:
    """The parse-time sentence about init pca on a dataset, or None when nothing is skipped."""
    from .jobs.plan import PCA_REASON, pca_skipped_ks

    ks = pca_skipped_ks(sweep, pca_max_k(info))
    if not ks:
        return None
    return (
        f"{name}: init pca is skipped at k = {_ks_text(ks)} and fitted at k <= "
        f"{pca_max_k(info)} only: {PCA_REASON.format(name=name, d=info.n_features)}"
    )


def _check_resampling(res: dict) -> None:
    if res.get("null_references") == 1:
        raise ConfigError(
            "resampling.null_references: 1 reference cannot be tested against (no spread); "
            "use 0 (no null) or at least 2"
        )
    low, high = res.get("pac_window", (0.1, 0.9))
    if not low < high:
        raise ConfigError(
            f"resampling.pac_window: [{low}, {high}] is not a window; give [x1, x2] with x1 < x2"
        )


def _check_algorithms(sweep: dict) -> None:
    from .fit.algorithms import skipped

    inits, algorithms = sweep["init"], sweep.get("algorithm", ["lloyd"])
    if len(skipped(inits, algorithms)) == len(inits) * len(algorithms):
        raise ConfigError(
            f"sweep.algorithm: no algorithm in {algorithms} supports any init in {inits} "
            f"(bisecting cannot use init pca)"
        )


# --- values passed to jobs --------------------------------------------------------------


def fit_settings(config: dict) -> dict:
    """Everything besides (k, init, seed) that changes a fit's result."""
    sweep = config["sweep"]
    settings = {
        "n_init": sweep["n_init"],
        "max_iter": sweep["max_iter"],
        "silhouette_sample_size": sweep["silhouette_sample_size"],
    }
    if "minibatch" in sweep.get("algorithm", ()):  # only then: other sweeps' params unchanged
        settings["batch_size"] = sweep["batch_size"]
    return settings


def gap_ks(config: dict) -> list[int]:
    """The gap statistic's ks: the swept ones and k = 1, whose gap tests for any cluster
    structure (choose/structure.py)."""
    return sorted({1, *config["sweep"]["k"]})


def gap_settings(config: dict) -> dict:
    """What a gap statistic fit depends on (fit/gap.py); gap_references says how many."""
    sweep = config["sweep"]
    return {"sample_size": config["choose_k"]["gap_sample_size"], "n_init": sweep["n_init"],
            "max_iter": sweep["max_iter"]}


def resampling_settings(config: dict) -> dict:
    """What the resampling evidence depends on: its own keys, and the sweep's first init and
    first algorithm (the first pair the algorithm supports) with its n_init and max_iter."""
    from .fit.algorithms import supports

    sweep, res = config["sweep"], config["resampling"]
    algorithms = sweep.get("algorithm", ["lloyd"])
    init, algorithm = next(
        (i, a) for a in algorithms for i in sweep["init"] if supports(a, i)
    )
    return {
        **{key: res[key] for key in sorted(res)},
        "init": init,
        "algorithm": algorithm,
        "n_init": sweep["n_init"],
        "max_iter": sweep["max_iter"],
        "batch_size": sweep["batch_size"],
    }


def is_labelled(spec: dict) -> bool:
    """Whether a dataset has true labels (every built-in one does; a file with label_column
    or labels_file)."""
    if not is_file_source(spec["source"]):
        return True
    return spec.get("label_column") is not None or spec.get("labels_file") is not None


def data_files(spec: dict) -> list[str]:
    """The user's files a dataset is read from (tracked for changes): none for a built-in."""
    if not is_file_source(spec["source"]):
        return []
    return [spec["source"], *([spec["labels_file"]] if spec.get("labels_file") else [])]


def prepare_settings(spec: dict) -> dict:
    """The dataset options that change the prepared matrix (passed as params)."""
    # dtype, layout and selection only when not the default: existing results do not rerun
    extra = {"dtype": spec["dtype"]} if spec.get("dtype", "float64") != "float64" else {}
    if spec.get("top_variable_features") is not None:
        extra["top_variable_features"] = spec["top_variable_features"]
        extra["feature_selection"] = spec.get("feature_selection", "mad")
    keys = ["source", "scale"]
    if is_file_source(spec["source"]):
        keys += ["label_column", "feature_columns", "missing"]
        if spec.get("layout", "samples_in_rows") != "samples_in_rows":
            keys += ["layout", "labels_file"]
    elif spec["source"] == "blobs":
        from .data.load import blobs_options

        return {"source": "blobs", "scale": spec["scale"], **blobs_options(spec), **extra}
    return {**{key: spec.get(key) for key in keys}, **extra}
