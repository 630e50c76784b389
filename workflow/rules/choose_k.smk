rule choose_k:
    input:
        fits=rules.aggregate_fits.output.fits,
        gap=rules.aggregate_fits.output.gap,
        labels=rules.aggregate_fits.output.labels,
        resampling=get_resampling_table,
    output:
        csv="results/{dataset}/choose_k.csv",
        parquet="results/{dataset}/choose_k.parquet",
        html=report(
            "results/{dataset}/choose_k.html",
            caption="../report/choose_k.rst",
            category="{dataset}",
            subcategory="Choosing k",
            labels={"plot": "choose_k table"},
        ),
        stability="results/{dataset}/stability.parquet",
    log:
        "logs/{dataset}/choose_k.log",
    benchmark:
        "benchmarks/{dataset}/choose_k.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    script:
        "../scripts/choose_k.py"


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
        plots=get_plot_settings,
        silhouette_sample_size=SWEEP["silhouette_sample_size"],
    script:
        "../scripts/silhouette_diagrams.py"
