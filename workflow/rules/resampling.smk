# The resampling evidence for k: the fit jobs fit subsamples of the data and of its null
# references, and half-splits (resample_items.py); this step turns their labels into consensus,
# PAC against the null, prediction strength and cluster stability per k.
rule resampling:
    input:
        results=get_chunk_files("resample"),
        fits=rules.aggregate_fits.output.fits,
        labels=rules.aggregate_fits.output.labels,
    output:
        table="results/{dataset}/resampling.parquet",
        csv="results/{dataset}/resampling.csv",
        html=report(
            "results/{dataset}/resampling.html",
            caption="../report/resampling_table.rst",
            category="{dataset}",
            subcategory="Resampling",
            labels={"plot": "resampling table"},
        ),
        cdf="results/{dataset}/consensus_cdf.parquet",
        clusters="results/{dataset}/cluster_stability.parquet",
        item_consensus="results/{dataset}/item_consensus.parquet",
        matrices="results/{dataset}/consensus_sample.npz",
    log:
        "logs/{dataset}/resampling.log",
    benchmark:
        "benchmarks/{dataset}/resampling.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    resources:
        mem_mb=get_resampling_mem_mb,
    params:
        settings=RESAMPLING,
        ks=SWEEP["k"],
    script:
        "../scripts/resampling.py"


localrules:
    plot_resampling,


rule plot_resampling:
    input:
        table=rules.resampling.output.table,
        cdf=rules.resampling.output.cdf,
        clusters=rules.resampling.output.clusters,
        matrices=rules.resampling.output.matrices,
        choice="results/{dataset}/choose_k.parquet",
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
        plots=get_plot_settings,
        pac_window=RESAMPLING["pac_window"],
    script:
        "../scripts/plot_resampling.py"
