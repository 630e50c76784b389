"""kmeans-sweep: the Python behind the Snakemake workflow (importable and unit-tested).

The subpackages follow the workflow's DAG; a module may import from its own stage and the
stages before it, never from a later one (``tests/test_layout.py`` checks this with ``ast``):

0. ``io``, ``definitions``: the shared base (atomic writes and fit keys; the words and
   numbers every table, plot and caption uses). They import nothing from the package.
1. ``data``: loading, checking, scaling and preparing a dataset.
2. ``fit``: what a fit returns: algorithms, scores, the gap statistic's and the resampling
   evidence's fits. Every file there is hashed into the fit cache's keys.
3. ``jobs``: running the fits: the cache, the cost model, the job plan, the job runners and
   their progress lines.
4. ``tables``: combining fit rows into tables, comparing algorithms, tables for people.
5. ``choose``: choosing k: every criterion's pick, the resampling evidence, the verdict.
6. ``plots``: every picture.
7. The top: ``config`` (parse-time config checks for ``workflow/rules/common.smk``),
   ``steps`` (one module per rule file, called by ``workflow/scripts/``) and
   ``progress_view`` (the progress view of a run, ``python -m kmeans_sweep.progress_view``).

``runtime`` (Slurm status, Ctrl-C, the job plan's file) hangs off to the side: it imports
only the base, and only the top imports it.
"""

__version__ = "0.4.0"
