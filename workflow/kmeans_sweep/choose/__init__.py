"""Stage 4, choose: choosing k. The knee (``knee``), seed stability (``stability``), every
criterion's pick and the vote (``choose_k``), and what the table says in words (``verdict``).
Resampling evidence: consensus over sampled pairs, PAC and the null statistics
(``consensus``), per cluster and per row (``clusters``), the tables from the work items
(``resampling_tables``), all of it in one process (``resampling_reference``), and the picks
with the "no structure" rule (``resampling``). Imports the base and the stages before it."""
