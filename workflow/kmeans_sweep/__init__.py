"""kmeans-sweep: the Python behind the Snakemake workflow (importable and unit-tested)."""

__version__ = "0.1.0"
