"""Stage 2, fit: the KMeans algorithms and one fit with its scores (``algorithms``,
``fitting``, ``mapped_fit``, ``scores``), the fit cache (``cache``), what a fit costs
(``cost``), which job runs which fit (``plan``), running one job's fits (``runner``) and
reporting its progress (``progress``), the gap statistic's reference fits (``gap``), and the
resampling work items for choosing k: subsamples, half-splits, the reference null and their
fits (``resample``), which ones exist (``resample_items``) and running them
(``resample_runner``). Imports the base and ``data``.

The cache key hashes the bytes of fitting.py, mapped_fit.py, scores.py, algorithms.py and
gap.py: an edit to any of them refits what it touches."""
