"""The resampling evidence for k, in one home: consensus over sampled pairs, PAC and the
statistics against the null (``consensus``), per cluster and per row (``cluster_stability``),
the per-k tables from the work items (``tables``), from the fit jobs' result files
(``results``) or all in one process (``reference``), the tables as published
(``published``), and the picks with the "no structure" rule (``picks``). Its fits are
``fit/resample.py``, which items exist ``jobs/resample_items.py``. Imports the base and the
stages before ``choose``."""
