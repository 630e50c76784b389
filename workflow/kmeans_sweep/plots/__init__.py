"""Stage 6, plots: every picture. What they share (``style``), the sweep's curves
(``curves``), the criteria and stability figures (``criteria``), the clusters on two
principal components (``pca``), the algorithm comparison (``comparison``), the silhouette
diagrams (``silhouette``) and the resampling evidence (``resampling``). Imports every earlier
stage; nothing imports it but ``steps``."""
