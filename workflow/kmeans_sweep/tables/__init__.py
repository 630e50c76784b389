"""Stage 4, tables: the fit rows combined into ``fits`` and ``summary`` (``aggregate``), the
methods the analyses group by (``methods``), agreement between labelings (``agreement``), the
algorithm comparison (``compare``), and rounded CSV and HTML pages for people (``render``).
Imports the base, ``data``, ``fit`` and ``jobs``."""
