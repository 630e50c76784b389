"""Benchmark: the workflow against a hand-written loop, side by side, in one run.

    .venv/bin/python -m bench               # sections 1-6 (about 5-10 minutes on 2 cores)
    .venv/bin/python -m bench --skip-scale  # without the million-point run (section 6)
    .venv/bin/python -m bench --help        # the flags that run one of sections 7-11 alone

Run from the repository's root. One module per section, its number in the printed header;
``common`` holds what they share (running snakemake in a fresh folder, reading its logs and
benchmark files) and ``__main__`` the command line. Importing the package puts ``workflow/``
on ``sys.path`` (for ``kmeans_sweep``).

1. Overhead (overhead.py): the default config.yaml grid computed by (a) a plain Python program
   that loads and scales the data once and runs every fit and all its scores in a
   ProcessPoolExecutor with one worker per core and one BLAS/OpenMP thread each, and (b)
   `snakemake --cores N` from a clean results/ and an empty fit cache. Both start as fresh
   processes, so both pay their imports. Runs alternate, and the medians give the ratio.
2. Resampling cost (resampling_cost.py; skipped with --skip-resampling): the default run as it
   is beside the same run with resampling off, alternating; the medians and their ratio, the
   default run against section 1's loop, and where the last run's time went (timeline.py:
   every job's start and end from Snakemake's benchmark files, the fit jobs' own timers).
   `--default-run` stops after this section; `--workflow DIR` times another checkout's
   workflow (an earlier commit's git worktree) for a before/after table.
3. Incremental (incremental.py): after the run of section 1, add one k, then one seed, then
   change --cores: wall time and fits computed.
4. Planning (planning.py): `snakemake -n` on a 100,000-fit grid.
5. Fan-out (fan_out.py): the default sweep at --cores 8: how many fit jobs, total fit-job CPU
   over the largest fit job's CPU (the parallelism the plan allows), and the cost model's error
   per job.
6. Scale (scale.py; skipped with --skip-scale): blobs with 1,000,000 x 32 points, 12 centres,
   k 4/8/12/16, k-means++, seeds 0 and 1: peak memory per job (Snakemake's benchmark files)
   and scoring time as a share of fitting.
7. Ten million rows (ten_million.py; only with --ten-million, which runs it alone): a
   10,000,000 x 32 float32 Parquet file of blobs (12 centres, written row group by row group,
   so the generator stays small), `dtype: float32`, k 4/8/12/16, k-means++, Lloyd, seeds 0 and
   1, on --cores cores: wall time, peak memory of every job, the sum of fit times and scoring
   as a share of fitting, against the targets (every job <= 2.5 GiB; wall <= 1.3 x fit time /
   cores + 120 s; scoring <= 30% of fitting).
8. Algorithms (algorithms.py; only with --algorithms, which runs it alone): digits, k 2-12,
   k-means++ and random, seeds 0-2, with lloyd, elkan, minibatch and bisecting: per algorithm,
   the medians over k of its comparison.csv columns (fit time, time relative to lloyd,
   inertia / best at k, ARI with the best lloyd partition).
9. Resampling at scale (resampling_million.py; only with --resampling-million, which runs it
   alone): 1,000,000 x 32 blobs, 5 centres, float32, k 2-8, the default resampling (on a
   fixed sample of resampling.max_rows rows) beside resamples: 0: the wall-time ratio (target
   <= 3), every job's peak memory (target <= 2.5 GiB) and the picks (the true k).
10. Wide data (wide.py; only with --wide, which runs it alone): 400 samples x 20,000 genes,
   float32, 4 subtypes carried by 2,000 genes, stored genes in rows (a features_in_rows CSV
   with a labels file), swept twice in one run: all genes, and `top_variable_features: 2000`
   (MAD). k 2-8, k-means++, random and pca, seeds 0-2, 10 gap references, on --cores cores:
   the peak memory of every job (target <= 2 GiB), the longest job other than a fit job
   against the fit jobs together (target: not longer), silhouette + CH + DB (and the label
   scores) against the fit, per fit (target: no more), and the gap and recommended picks
   (target: 4 and 4).
11. The answer (answer.py; only with --answer, which runs it alone): the workflow's own
   decision (decision.py: every rule's step in one process, default config) on 16 real
   labelled datasets (real_panel.py: the class count and the k-means oracle, the ks whose
   best-fit ARI with the labels is within 0.05 of the best), on digits with the default config
   and on 40 synthetic sets of each of six kinds (synthetic.py: 4 separated or unequal blobs;
   Gaussian, axis-elongated, correlated and multivariate-t noise), seeds never used by the
   design or the tests: hits, "no structure" where k-means recovers the classes, power and
   false alarms.
"""

import sys
from pathlib import Path

_WORKFLOW = str(Path(__file__).resolve().parents[1] / "workflow")
if _WORKFLOW not in sys.path:
    sys.path.insert(0, _WORKFLOW)
