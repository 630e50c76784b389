"""Stage 2, fit: the code that decides what a fit returns, and nothing else: the KMeans
algorithms (``algorithms``), one fit and its scores (``fitting``, ``mapped_fit``,
``lean_kmeans``, ``scores``), the gap statistic's reference fits (``gap``) and the
resampling evidence's fits on subsamples, half-splits and null references (``resample``).
Imports the base.

Every module here is part of a fit cache key (``jobs/cache.py`` hashes their bytes): editing
any file in this folder refits the fits it touches, and nothing else refits them."""
