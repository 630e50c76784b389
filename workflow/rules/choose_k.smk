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
    params:
        code=step_code("choose_k"),
    script:
        "../scripts/choose_k.py"
