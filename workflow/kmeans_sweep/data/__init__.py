"""Stage 1, data: loading a dataset (built-in or a user's CSV/Parquet file, samples or
features in rows: ``wide``), checking it with one-line errors (``DataError``), keeping its
most variable features (``selection``), and scaling it. Imports only the base (``io``)."""
