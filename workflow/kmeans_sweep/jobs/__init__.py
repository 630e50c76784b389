"""Stage 3, jobs: the machinery that runs the fits, none of which changes a fit's result: the
fit cache (``cache``), what each fit costs (``cost``), which job runs which fit (``plan``,
the job plan), which resampling items exist (``resample_items``), running one job's fits,
gap items and resampling items (``runner``, ``resample_runner``) and a job's progress
lines (``progress``). Imports the base, ``data`` and ``fit``."""
