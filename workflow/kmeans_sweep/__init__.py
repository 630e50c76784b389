"""kmeans-sweep: the Python behind the Snakemake workflow (importable and unit-tested).

The subpackages follow the workflow's DAG; a module may import from its own stage and the
stages before it, never from a later one (``tests/test_layout.py`` checks this with ``ast``):

0. ``io``, ``definitions``: the shared base (atomic writes and fit keys; the words every
   table, plot and caption uses). They import nothing from the package.
1. ``data``: loading, checking and scaling a dataset.
2. ``fit``: the fits: algorithms, scores, the fit cache, the cost model, the job plan, the
   job runner, the gap statistic's reference fits and the resampling fits.
3. ``tables``: combining fit rows into tables, comparing algorithms, tables for people.
4. ``choose``: choosing k: every criterion's pick, the resampling statistics, the verdict.
5. ``plots``: every picture.
6. ``config`` (parse-time checks and the sweep plan for ``workflow/rules/common.smk``),
   ``steps`` and ``resampling_steps`` (one function per workflow step, called by
   ``workflow/scripts/``) and
   ``progress`` (the progress view of a run, ``python -m kmeans_sweep.progress``): the top.

``runtime`` (Slurm status, Ctrl-C, the run's plan file) hangs off to the side: it imports
only the base, and only the top imports it.
"""

__version__ = "0.3.0"
