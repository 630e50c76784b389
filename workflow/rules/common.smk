# Config validation, the sweep plan, and the input/params functions of every rule.
import sys
from pathlib import Path

from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.current_basedir).parent))

from kmeans_sweep import config as plan  # noqa: E402


def _stop(message):
    """Stop before any job runs, with one line naming the key or file."""
    sys.exit(f"kmeans-sweep: config error: {message}")


_problem = plan.schema_error(config)
if _problem:
    _stop(_problem)
validate(config, schema="../schemas/config.schema.yaml", set_default=True)
plan.fill_defaults(config)
try:
    DATASETS = plan.check_config(config)
except plan.ConfigError as exc:
    _stop(exc)

SWEEP = config["sweep"]
N_FITS = len(SWEEP["k"]) * len(SWEEP["init"]) * len(SWEEP["seeds"])
N_CHUNKS = plan.n_chunks(N_FITS, config["fits_per_job"])


wildcard_constraints:
    dataset="|".join(DATASETS),
    chunk=r"\d+",


def get_dataset_file(wildcards):
    """The user's data file (tracked for changes), or nothing for a built-in dataset."""
    source = config["datasets"][wildcards.dataset]["source"]
    return [source] if plan.is_file_source(source) else []


def get_prepare_settings(wildcards):
    return plan.prepare_settings(config["datasets"][wildcards.dataset])


def get_chunk_fits(wildcards):
    return plan.chunk_fits(SWEEP, config["fits_per_job"], int(wildcards.chunk))


def get_fit_settings(wildcards):
    return plan.fit_settings(config)


def get_chunk_files(kind):
    """All per-job files of one kind ("fits", "labels" or "centers") of a dataset."""
    suffix = {"fits": "", "labels": ".labels", "centers": ".centers"}[kind]

    def files(wildcards):
        return [
            f"results/{wildcards.dataset}/fits/chunk{i}{suffix}.parquet" for i in range(N_CHUNKS)
        ]

    return files


def get_plot_settings(wildcards):
    return dict(config["plots"])


def get_gap_settings(wildcards):
    return {
        "k": SWEEP["k"],
        "n_refs": config["choose_k"]["gap_references"],
        "sample_size": config["choose_k"]["gap_sample_size"],
        "n_init": SWEEP["n_init"],
        "max_iter": SWEEP["max_iter"],
    }


def get_fit_mem_mb(wildcards, attempt):
    """Memory for a fit job: the data (4 or 8 bytes a value by the dataset's dtype; mapped
    once, plus a copy for init pca), per-row label and scoring arrays, the silhouette
    distance matrix, and headroom."""
    info = DATASETS[wildcards.dataset]
    itemsize = 4 if config["datasets"][wildcards.dataset].get("dtype") == "float32" else 8
    data_mb = info.n_samples * info.n_features * itemsize / 2**20
    rows_mb = info.n_samples * 64 / 2**20
    sil = min(info.n_samples, SWEEP["silhouette_sample_size"])
    sil_mb = sil * sil * 8 / 2**20
    return int((600 + 2 * data_mb + rows_mb + 2 * sil_mb) * attempt)


def get_final_outputs(wildcards):
    outputs = []
    for name in DATASETS:
        outputs += [
            f"results/{name}/fits.parquet",
            f"results/{name}/summary.parquet",
            f"results/{name}/summary.csv",
            f"results/{name}/choose_k.csv",
            f"results/{name}/choose_k.parquet",
            f"results/{name}/plots/elbow.png",
            f"results/{name}/plots/silhouette.png",
            f"results/{name}/plots/clusters_pca.png",
            f"results/{name}/plots/criteria.png",
            f"results/{name}/plots/stability.png",
            f"results/{name}/plots/silhouette_diagrams",
        ]
    return outputs
