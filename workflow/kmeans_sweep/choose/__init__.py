"""Stage 5, choose: choosing k. The knee (``knee``), seed stability (``stability``),
degenerate ks (``degenerate``), every criterion's pick and the vote (``choose_k``), what the
table says in words (``verdict``), and the resampling evidence in its own package
(``resampling``). Imports the base and the stages before it."""
