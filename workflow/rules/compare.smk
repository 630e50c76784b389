localrules:
    compare_algorithms,


rule compare_algorithms:
    input:
        fits=rules.aggregate_fits.output.fits,
        labels=rules.aggregate_fits.output.labels,
    output:
        csv="results/{dataset}/comparison.csv",
        parquet="results/{dataset}/comparison.parquet",
        html=report(
            "results/{dataset}/comparison.html",
            caption="../report/comparison_table.rst",
            category="{dataset}",
            subcategory="Algorithms",
            labels={"plot": "algorithm comparison table"},
        ),
        plot=report(
            "results/{dataset}/plots/comparison.png",
            caption="../report/comparison.rst",
            category="{dataset}",
            subcategory="Algorithms",
            labels={"plot": "algorithm comparison"},
        ),
    log:
        "logs/{dataset}/compare_algorithms.log",
    benchmark:
        "benchmarks/{dataset}/compare_algorithms.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("compare"),
        plots=get_plot_settings,
        skipped=get_skipped,
    script:
        "../scripts/compare_algorithms.py"
