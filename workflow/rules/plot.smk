# The pictures: the sweep's, the silhouette diagrams and the resampling evidence's; each
# marks the picks of choose_k.
localrules:
    plot_sweep,


rule plot_sweep:
    input:
        fits=rules.aggregate_fits.output.fits,
        summary=rules.aggregate_fits.output.summary_parquet,
        choice=rules.choose_k.output.parquet,
        stability=rules.choose_k.output.stability,
        gap=rules.aggregate_fits.output.gap,
        X=rules.prepare_dataset.output.X,
        y=rules.prepare_dataset.output.y,
        meta=rules.prepare_dataset.output.meta,
        labels=rules.aggregate_fits.output.labels,
        centers=rules.aggregate_fits.output.centers,
    output:
        elbow=report(
            "results/{dataset}/plots/elbow.png",
            caption="../report/elbow.rst",
            category="{dataset}",
            subcategory="Sweep",
            labels={"plot": "elbow"},
        ),
        silhouette=report(
            "results/{dataset}/plots/silhouette.png",
            caption="../report/silhouette.rst",
            category="{dataset}",
            subcategory="Sweep",
            labels={"plot": "silhouette vs k"},
        ),
        clusters=report(
            "results/{dataset}/plots/clusters_pca.png",
            caption="../report/clusters_pca.rst",
            category="{dataset}",
            subcategory="Sweep",
            labels={"plot": "clusters (PCA)"},
        ),
        criteria=report(
            "results/{dataset}/plots/criteria.png",
            caption="../report/criteria.rst",
            category="{dataset}",
            subcategory="Choosing k",
            labels={"plot": "criteria"},
        ),
        stability=report(
            "results/{dataset}/plots/stability.png",
            caption="../report/stability.rst",
            category="{dataset}",
            subcategory="Choosing k",
            labels={"plot": "stability"},
        ),
        summary_html=report(
            "results/{dataset}/summary.html",
            caption="../report/summary.rst",
            category="{dataset}",
            subcategory="Sweep",
            labels={"plot": "summary table per k, init and algorithm"},
        ),
    log:
        "logs/{dataset}/plot_sweep.log",
    benchmark:
        "benchmarks/{dataset}/plot_sweep.tsv"
    priority: 1  # the longest job after choose_k: start it first
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("plot"),
        plots=get_plot_settings,
    script:
        "../scripts/plot_sweep.py"


localrules:
    silhouette_diagrams,


rule silhouette_diagrams:
    input:
        choice=rules.choose_k.output.parquet,
        fits=rules.aggregate_fits.output.fits,
        X=rules.prepare_dataset.output.X,
        y=rules.prepare_dataset.output.y,
        labels=rules.aggregate_fits.output.labels,
    output:
        diagrams=report(
            directory("results/{dataset}/plots/silhouette_diagrams"),
            patterns=["silhouette_k{k}.png"],
            caption="../report/silhouette_diagram.rst",
            category="{dataset}",
            subcategory="Choosing k",
            labels={"plot": "silhouette diagram k={k}"},
        ),
    log:
        "logs/{dataset}/silhouette_diagrams.log",
    benchmark:
        "benchmarks/{dataset}/silhouette_diagrams.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("plot"),
        plots=get_plot_settings,
        silhouette_sample_size=SWEEP["silhouette_sample_size"],
    script:
        "../scripts/silhouette_diagrams.py"


localrules:
    plot_resampling,


rule plot_resampling:
    input:
        table=rules.resampling.output.table,
        cdf=rules.resampling.output.cdf,
        clusters=rules.resampling.output.clusters,
        matrices=rules.resampling.output.matrices,
        choice=rules.choose_k.output.parquet,
    output:
        overview=report(
            "results/{dataset}/plots/resampling.png",
            caption="../report/resampling.rst",
            category="{dataset}",
            subcategory="Resampling",
            labels={"plot": "resampling evidence"},
        ),
        stability=report(
            "results/{dataset}/plots/cluster_stability.png",
            caption="../report/cluster_stability.rst",
            category="{dataset}",
            subcategory="Resampling",
            labels={"plot": "cluster stability"},
        ),
        heatmaps=report(
            directory("results/{dataset}/plots/consensus_matrices"),
            patterns=["consensus_k{k}.png"],
            caption="../report/consensus_matrix.rst",
            category="{dataset}",
            subcategory="Resampling",
            labels={"plot": "consensus matrix k={k}"},
        ),
    log:
        "logs/{dataset}/plot_resampling.log",
    benchmark:
        "benchmarks/{dataset}/plot_resampling.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("plot"),
        plots=get_plot_settings,
        pac_window=RESAMPLING["pac_window"],
    script:
        "../scripts/plot_resampling.py"
