localrules:
    plot_sweep,


rule plot_sweep:
    input:
        fits=rules.aggregate_fits.output.fits,
        summary=rules.aggregate_fits.output.summary_parquet,
        choice="results/{dataset}/choose_k.parquet",  # choose_k.smk is included later
        stability="results/{dataset}/stability.parquet",
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
        stability_plot=report(
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
        plots=get_plot_settings,
    script:
        "../scripts/plot_sweep.py"
