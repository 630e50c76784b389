# Config validation (kmeans_sweep.config), the job plan (kmeans_sweep.jobs.plan), and the input/params functions of every rule.
import functools
import json
import math
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

WORKFLOW_DIR = Path(workflow.current_basedir).parent
sys.path.insert(0, str(WORKFLOW_DIR))
# the report's first page: every dataset's answer, then this description (rules/answers.smk)
REPORT_DESCRIPTION = str(WORKFLOW_DIR / "report" / "workflow.rst")
LANDING_PAGE = "results/report/landing.rst"

from kmeans_sweep import config as cfg  # noqa: E402
from kmeans_sweep.fit import algorithms, gap  # noqa: E402
from kmeans_sweep.jobs import cost, plan, resample_items  # noqa: E402
from kmeans_sweep import answers  # noqa: E402
from kmeans_sweep.runtime import (  # noqa: E402
    ctrl_c,
    end_of_run,
    job_counts,
    plan_file,
    slurm_status,
)
from kmeans_sweep.sources import code_hash  # noqa: E402

# a Ctrl-C while Snakemake prints a line must stop the run too (ctrl_c.py)
ctrl_c.keep_ctrl_c()


def _stop(message):
    """Stop before any job runs, with one line naming the key or file."""
    sys.exit(f"kmeans-sweep: config error: {message}")


_problem = cfg.schema_error(config)
if _problem:
    _stop(_problem)
validate(config, schema="../schemas/config.schema.yaml", set_default=True)
cfg.fill_defaults(config)
try:
    DATASETS = cfg.check_config(config)
except cfg.ConfigError as exc:
    _stop(exc)

SWEEP = config["sweep"]
FIT_SETTINGS = cfg.fit_settings(config)
# the gap statistic's ks (k = 1 too: the structure test) and what its fits depend on
GAP_KS = cfg.gap_ks(config)
GAP_SETTINGS = cfg.gap_settings(config)
# what the resampling evidence's fits depend on (resample_items.py); resamples 0: none
RESAMPLING = cfg.resampling_settings(config)
RESAMPLING_ON = resample_items.enabled(RESAMPLING)
# seconds per unit of estimated work, from the jobs that already ran here (cost.py)
SECONDS_PER_UNIT, _ = cost.seconds_per_unit(config["cache_dir"])
# every fit key (k, init, seed[, algorithm]) of each dataset, sorted: init pca is not fitted at
# k > the dataset's features
GRIDS = {name: plan.fit_grid(SWEEP, cfg.pca_max_k(info)) for name, info in DATASETS.items()}
# (init, algorithm) pairs an algorithm cannot fit and init pca at k > a dataset's features:
# said here, in the comparison table and plot
if not workflow.remote_exec:
    for _line in algorithms.skipped_lines(SWEEP["init"], SWEEP["algorithm"]):
        print(f"kmeans-sweep: {_line}", file=sys.stderr)
    for _name, _info in DATASETS.items():
        _line = cfg.pca_skip_line(SWEEP, _name, _info)
        if _line:
            print(f"kmeans-sweep: {_line}", file=sys.stderr)


@functools.cache
def grid_costs(name):
    """The estimated work of each fit of the dataset's grid (cost units)."""
    info = DATASETS[name]
    labelled = cfg.is_labelled(config["datasets"][name])
    return cost.fit_costs(info.n_samples, info.n_features, GRIDS[name], FIT_SETTINGS, labelled)


@functools.cache
def gap_work(name):
    """The gap statistic's fits (k, b) on one dataset, and their estimated work."""
    info = DATASETS[name]
    n_points = gap.gap_points(info.n_samples, GAP_SETTINGS["sample_size"])
    items = gap.gap_items(GAP_KS, config["choose_k"]["gap_references"], n_points)
    return items, cost.gap_costs(info.n_samples, info.n_features, items, GAP_SETTINGS)


@functools.cache
def resample_work(name):
    """The resampling evidence's fits on one dataset, and their estimated work."""
    info = DATASETS[name]
    items = resample_items.resample_items(SWEEP["k"], info.n_samples, RESAMPLING)
    return items, cost.resample_costs(info.n_samples, info.n_features, items, RESAMPLING)


JOBS_ENVVAR = "KMEANS_SWEEP_JOBS"


def _slots():
    """Parallel slots: --jobs (cluster jobs, or a local job limit), else --cores."""
    if workflow.nodes:
        return int(workflow.nodes)
    try:
        return int(workflow.cores)
    except WorkflowError:  # no core count, e.g. some dry runs
        return 1


def jobs_per_dataset(datasets):
    """The head process decides how many fit jobs each dataset gets and exports the numbers,
    so that a cluster node re-parsing this file plans exactly the same jobs. The count of the
    last run with the same plan is kept (runtime/job_counts.py): new timings alone change
    nothing."""
    if workflow.remote_exec and JOBS_ENVVAR in os.environ:
        return json.loads(os.environ[JOBS_ENVVAR])
    slots, target, cap = _slots(), config["target_job_seconds"], config["fits_per_job"]
    jobs = {}
    for name in datasets:
        info = DATASETS[name]
        key = job_counts.plan_key(
            [info.n_samples, info.n_features],
            GRIDS[name],
            FIT_SETTINGS,
            gap_work(name)[0],
            GAP_SETTINGS,
            resample_work(name)[0],
            RESAMPLING,
            [slots, target, cap],
        )
        jobs[name] = job_counts.remembered(
            name,
            key,
            lambda name=name: plan.job_count(
                grid_costs(name),
                slots,
                target,
                cap,
                SECONDS_PER_UNIT,
                gap_work(name)[1],
                resample_work(name)[1],
            ),
        )
    os.environ[JOBS_ENVVAR] = json.dumps(jobs)
    return jobs


JOBS = jobs_per_dataset(DATASETS)  # {dataset: number of fit jobs}
slurm_status.use_adapter()  # cancelled Slurm jobs count as failed (kmeans_sweep/runtime/slurm_status.py)
if not workflow.remote_exec:  # --quiet keeps the fit jobs' progress lines off the terminal too
    plan_file.follow_output(workflow.output_settings)


# the answer block, printed last at the end of a successful run (also when nothing had to be
# done), one line per dataset; off with --quiet (kmeans_sweep/answers.py)
END_OF_RUN = end_of_run.when_done(
    workflow,
    lambda: answers.block(list(DATASETS)),
    quiet=plan_file.quiet_progress(workflow.output_settings.quiet),
)


onsuccess:
    END_OF_RUN["ok"] = True
    end_of_run.release_timers()  # Snakemake's last 1 s timer would hold the exit back


onerror:
    end_of_run.release_timers()


onstart:
    # the plan, for the progress view (python -m kmeans_sweep.progress_view); head process only
    if not workflow.remote_exec:
        write_run_plan()


envvars:
    JOBS_ENVVAR,


wildcard_constraints:
    dataset="|".join(DATASETS),
    chunk=r"\d+",


@functools.cache
def step_code(module):
    """A hash of the code a rule's step runs, steps/<module>.py and every package module it
    imports (kmeans_sweep/sources.py): a param, so that editing that code reruns the step."""
    return code_hash(f"kmeans_sweep.steps.{module}")


def get_dataset_file(wildcards):
    """The user's data file and labels file (tracked for changes), or nothing for a built-in
    dataset."""
    return cfg.data_files(config["datasets"][wildcards.dataset])


def get_prepare_settings(wildcards):
    return cfg.prepare_settings(config["datasets"][wildcards.dataset])


@functools.cache
def dataset_plan(name):
    """Which fits each of the dataset's fit jobs runs (computed once per dataset)."""
    info = DATASETS[name]
    fixed = cost.job_units(info.n_samples, info.n_features, SWEEP["silhouette_sample_size"])
    gap_items, gap_costs = gap_work(name)
    res_items, res_costs = resample_work(name)
    return plan.make_plan(
        GRIDS[name],
        grid_costs(name),
        JOBS[name],
        fixed,
        SECONDS_PER_UNIT,
        gap_items,
        gap_costs,
        res_items,
        res_costs,
    )


def write_run_plan():
    """.snakemake/kmeans-sweep/plan.json: every fit job's items (runtime/plan_file.py)."""
    datasets = {}
    for name in DATASETS:
        p = dataset_plan(name)
        meta = rules.prepare_dataset.output.meta.format(dataset=name)
        seconds = [p.job_seconds(j) for j in range(len(p.parts))]
        datasets[name] = plan_file.dataset_entry(meta, p.fits, p.gap, p.parts, seconds, p.resample)
    plan_file.write_plan(
        datasets,
        fit_settings=FIT_SETTINGS,
        gap_settings=GAP_SETTINGS,
        resample_settings=RESAMPLING,
        cache_dir=config["cache_dir"],
        slots=_slots(),
    )


def get_chunk_fits(wildcards):
    return dataset_plan(wildcards.dataset).job_fits(int(wildcards.chunk))


def get_chunk_gap(wildcards):
    """The job's gap statistic fits (k, b) and what they depend on."""
    items = dataset_plan(wildcards.dataset).job_gap(int(wildcards.chunk))
    return {"items": [list(i) for i in items], **GAP_SETTINGS}


def get_chunk_resample(wildcards):
    """The job's resampling fits and what they depend on (resample_items.py)."""
    items = dataset_plan(wildcards.dataset).job_resample(int(wildcards.chunk))
    # the settings only with items: a job without any does not rerun when they change
    return {"items": [list(i) for i in items], **RESAMPLING} if items else {"items": []}


def get_fit_settings(wildcards):
    return FIT_SETTINGS


def get_fit_runtime(wildcards, attempt):
    """Minutes a cluster fit job asks for: 3x its estimated work plus 2 minutes for start-up,
    at least 5 minutes, times the attempt (a TIMEOUT is retried with more)."""
    seconds = dataset_plan(wildcards.dataset).job_seconds(int(wildcards.chunk))
    return max(5, math.ceil((3 * seconds + 120) / 60)) * attempt


def get_chunk_files(kind):
    """All fit jobs' files of one kind ("fits", "labels", "centers", "gap" or "resample") of a
    dataset."""
    suffix = {
        "fits": ".parquet",
        "labels": ".labels.parquet",
        "centers": ".centers.parquet",
        "gap": ".gap.parquet",
        "resample": ".resample.npz",
    }[kind]

    def files(wildcards):
        n = JOBS[wildcards.dataset]
        return [f"results/{wildcards.dataset}/fits/chunk{i}{suffix}" for i in range(n)]

    return files


def get_plot_settings(wildcards):
    return dict(config["plots"])


def get_skipped(wildcards):
    """[what, short, why] of every combination not fitted on the dataset (config.skips)."""
    name = wildcards.dataset
    return cfg.skips(SWEEP, name, DATASETS[name])


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


def get_resampling_mem_mb(wildcards, attempt):
    """Memory for the resampling step: one subsample's labels at a time, the pair sample's
    counts (a few arrays of pairs), the per-row arrays, and headroom."""
    n = resample_items.evidence_size(DATASETS[wildcards.dataset].n_samples, RESAMPLING)
    pairs = min(RESAMPLING["pairs"], n * (n - 1) // 2)
    return int((600 + (40 * pairs + 64 * n) / 2**20) * attempt)


def get_resampling_table(wildcards):
    """The resampling table choose_k reads, or nothing when resampling is off."""
    return [f"results/{wildcards.dataset}/resampling.parquet"] if RESAMPLING_ON else []


def get_landing_page():
    """The report's first page, in the working directory (the Snakefile's report:)."""
    return os.path.abspath(LANDING_PAGE)


def get_final_outputs(wildcards):
    outputs = [LANDING_PAGE]
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
            f"results/{name}/comparison.csv",
            f"results/{name}/plots/comparison.png",
        ]
        if RESAMPLING_ON:
            outputs += [
                f"results/{name}/resampling.parquet",
                f"results/{name}/resampling.csv",
                f"results/{name}/plots/resampling.png",
                f"results/{name}/plots/cluster_stability.png",
                f"results/{name}/plots/consensus_matrices",
            ]
    return outputs
