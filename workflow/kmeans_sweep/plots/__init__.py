"""Stage 5, plots: every picture. What they share (``style``), the sweep's curves
(``curves``), the criteria and stability figures (``criteria``), the PCA view
(``clusters``), the algorithm comparison (``comparison``) and the silhouette diagrams
(``silhouette``). Imports every earlier stage; nothing imports it but ``steps``."""
