"""Stage 1, data: loading a dataset (built-in or a user's CSV/Parquet file), checking it with
one-line errors (``DataError``), and scaling it. Imports only the base (``io``)."""
