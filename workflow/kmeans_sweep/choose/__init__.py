"""Stage 4, choose: choosing k. The knee (``knee``), seed stability (``stability``), every
criterion's pick and the vote (``choose_k``), and what the table says in words (``verdict``).
Imports the base and the stages before it."""
