"""The `customer360` command: one entry point, one subcommand per job."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from . import settings
from .settings import UnusablePathError


def _generate(args: argparse.Namespace) -> int:
    from .generator import GeneratorConfig, generate

    cfg = GeneratorConfig(people=args.people, seed=args.seed, start=args.start, end=args.end)
    summary = generate(cfg, Path(args.out), Path(args.truth), args.format, progress=not args.quiet)
    for name, rows in summary.rows.items():
        print(f"{name:<28} {rows:>12,} rows")
    print(f"generated {args.people:,} people in {summary.seconds:.1f} s -> {args.out} (truth: {args.truth})")
    return 0


def _run(args: argparse.Namespace) -> int:
    from .pipeline import run_pipeline

    dbt_vars = json.loads(args.vars) if args.vars else None
    return run_pipeline(
        settings.Settings.from_env(), full_refresh=args.full_refresh, dbt_vars=dbt_vars, force=args.force
    )


def _benchmark(args: argparse.Namespace) -> int:
    from .benchmark import run_benchmark

    sizes = [int(size) for size in args.people.split(",")]
    run_benchmark(sizes, Path(args.workdir), args.seed, keep=args.keep, write=not args.no_record, daily=args.daily)
    return 0


def _benchmark_audit(args: argparse.Namespace) -> int:
    from .benchmark_audit import run_audit_benchmark

    print(run_audit_benchmark(settings.Settings.from_env(), Path(args.workdir), args.repeat))
    return 0


def _export_audiences(args: argparse.Namespace) -> int:
    from .activation import export_audiences

    warehouse = Path(args.warehouse) if args.warehouse else settings.Settings.from_env().warehouse
    manifest = export_audiences(warehouse, Path(args.out), args.format)
    for item in json.loads(manifest.read_text(encoding="utf-8"))["audiences"]:
        print(f"{item['audience']:<28}{item['rows']:>8,} rows  {item['purpose']}/{item['channel']}  {item['file']}")
    print(f"manifest: {manifest}")
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    import subprocess
    import sys

    app = Path(__file__).with_name("dashboard_app.py")
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return subprocess.run(command, check=False).returncode


def _benchmark_dashboard(args: argparse.Namespace) -> int:
    from .benchmark_dashboard import format_lookups, time_lookups

    warehouse = Path(args.warehouse) if args.warehouse else settings.Settings.from_env().warehouse
    print(format_lookups(*time_lookups(warehouse, args.samples)))
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from .identity import resolve_file
    from .input_files import InputError

    try:
        resolution = resolve_file(Path(args.input), Path(args.workdir) if args.workdir else None)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    resolution.assignment.to_csv(args.out, index=False)
    persons = resolution.assignment["person_id"].nunique()
    print(f"{len(resolution.assignment):,} records -> {persons:,} persons written to {args.out}")
    return 0


def _evaluate_identity(args: argparse.Namespace) -> int:
    from .evaluate import format_comparison
    from .identity_evaluation import evaluate_file, evaluate_warehouse

    if bool(args.records) != bool(args.truth):
        print("error: --records and --truth go together", file=sys.stderr)
        return 2
    if args.records:
        result = evaluate_file(Path(args.records), Path(args.truth))
    else:
        result = evaluate_warehouse(settings.Settings.from_env())
    print(format_comparison(result.methods))
    if result.ceiling is not None:
        c = result.ceiling
        print(
            f"\nevidence ceiling (records of one true person sharing an identifier or full name, linked): "
            f"pairwise recall {c.pairwise_recall:.4f}, F1 {c.pairwise_f1:.4f}; "
            f"B-cubed recall {c.bcubed_recall:.4f}, F1 {c.bcubed_f1:.4f}"
        )
    return 0


def _benchmark_identity(args: argparse.Namespace) -> int:
    from .benchmark_identity import run_identity_benchmark

    sizes = [int(size) for size in args.people.split(",")]
    run_identity_benchmark(sizes, Path(args.workdir), args.seed, keep=args.keep, write=not args.no_record)
    return 0


def _evaluate_clv(args: argparse.Namespace) -> int:
    import pandas as pd

    from .clv_evaluation import evaluate, format_report, read_transactions
    from .input_files import InputError

    try:
        transactions, left_out = read_transactions(
            Path(args.transactions), args.customer_column, args.date_column, args.amount_column
        )
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if left_out:
        print(f"{left_out:,} rows without a customer id, a date or an amount of at least 0 (refunds) left out")
    result = evaluate(transactions, pd.Timestamp(args.calibration_end), pd.Timestamp(args.holdout_end))
    print(format_report(result))
    columns = ["customer_id", "predicted_holdout_purchases", "churn_score", "churn_score_supervised"]
    result.predictions.reindex(columns=columns).to_csv(args.out, index=False)
    print(f"\nper-customer predictions written to {args.out}")
    return 0


def _dbt_spark(args: argparse.Namespace) -> int:
    from .spark import run_dbt

    return run_dbt(args.dbt_args, settings.Settings.from_env().raw_dir)


def _benchmark_clv(args: argparse.Namespace) -> int:
    from .clv_evaluation import benchmark_fit

    print(benchmark_fit(args.buyers, args.seed))
    return 0


def _add_size_benchmark_options(parser: argparse.ArgumentParser, sizes: str) -> None:
    """Options shared by the benchmarks that generate data at several sizes."""
    parser.add_argument("--people", default=sizes, help=f"comma-separated sizes (default {sizes})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default="/tmp/customer360-benchmark", help="scratch folder for data")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep generated data and warehouses (with --daily, also the warehouse before the daily run)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to docs/benchmarks.md")


def build_parser() -> argparse.ArgumentParser:
    """Subcommands and their options; `customer360 <command> --help` explains each."""
    parser = argparse.ArgumentParser(prog="customer360", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write synthetic raw exports plus their ground truth")
    gen.add_argument("--people", type=int, default=10_000, help="number of true persons (default 10000)")
    gen.add_argument("--seed", type=int, default=42, help="random seed; same seed, same files")
    gen.add_argument("--out", default=str(settings.DEFAULT_RAW_DIR), help="raw folder to write")
    gen.add_argument("--truth", default=None, help="truth folder (default: <out>/../truth)")
    gen.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    gen.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2023, 1, 1))
    gen.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=_generate)

    run = sub.add_parser(
        "run", help="write-audit-publish: build a work copy, run dbt tests and quality suites, publish if all pass"
    )
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    run.add_argument(
        "--force", action="store_true", help="build even when the inputs equal those of the published warehouse"
    )
    run.add_argument(
        "--vars", help='dbt vars as JSON, also read by the quality suites (e.g. \'{"as_of_date": "2025-06-30"}\')'
    )
    run.set_defaults(func=_run)

    resolve = sub.add_parser(
        "resolve",
        help="deduplicate a person-records file (CSV/Parquet) with the warehouse's rules; writes record_id,person_id",
    )
    resolve.add_argument(
        "input",
        help="file with record_id and any of first_name, last_name, birth_date, email, "
        "phone, address, postcode, city, source",
    )
    resolve.add_argument("--out", default="persons.csv", help="CSV to write (default persons.csv)")
    resolve.add_argument("--workdir", default=None, help="scratch folder (default: a new temporary folder)")
    resolve.set_defaults(func=_resolve)

    evaluate = sub.add_parser(
        "evaluate-identity",
        help="score person assignments against truth, beside a Splink-only baseline (default: the built warehouse)",
    )
    evaluate.add_argument("--records", default=None, help="person-records file to resolve instead of the warehouse")
    evaluate.add_argument("--truth", default=None, help="truth for --records: columns record_id, true_id")
    evaluate.set_defaults(func=_evaluate_identity)

    bench = sub.add_parser("benchmark", help="time generate + dbt build at several sizes (not a test)")
    _add_size_benchmark_options(bench, "10000,100000,1000000")
    bench.add_argument(
        "--daily", action="store_true", help="deliver the facts as files and time a second run on 1%% new facts"
    )
    bench.set_defaults(func=_benchmark)

    clv = sub.add_parser(
        "evaluate-clv",
        help="fit BG/NBD + Gamma-Gamma on a calibration period of any transaction file and score the holdout",
    )
    clv.add_argument("transactions", help="CSV or Parquet with a customer id, a date and an amount per transaction")
    clv.add_argument("--calibration-end", required=True, help="last day of the calibration period (YYYY-MM-DD)")
    clv.add_argument("--holdout-end", required=True, help="last day of the holdout period (YYYY-MM-DD)")
    clv.add_argument("--customer-column", default="customer_id")
    clv.add_argument("--date-column", default="date")
    clv.add_argument("--amount-column", default="amount")
    clv.add_argument("--out", default="clv_predictions.csv", help="per-customer predictions CSV")
    clv.set_defaults(func=_evaluate_clv)

    spark = sub.add_parser(
        "dbt-spark",
        help="run a dbt command on the spark target (local Spark session; Python models run in it)",
    )
    spark.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt arguments, e.g. build --select staging")
    spark.set_defaults(func=_dbt_spark)

    bench_clv = sub.add_parser("benchmark-clv", help="time the CLV fits on simulated buyers and compare with the truth")
    bench_clv.add_argument("--buyers", type=int, default=1_000_000)
    bench_clv.add_argument("--seed", type=int, default=1)
    bench_clv.set_defaults(func=_benchmark_clv)

    bench_id = sub.add_parser(
        "benchmark-identity",
        help="time each identity step, clustering against scipy, and Splink alone, at several sizes (not a test)",
    )
    _add_size_benchmark_options(bench_id, "100000,1000000")
    bench_id.set_defaults(func=_benchmark_identity)

    export = sub.add_parser(
        "export-audiences",
        help="write every consent-enforced audience of the published warehouse to files, with a manifest",
    )
    export.add_argument("--out", default="exports", help="folder to write (default exports/)")
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.add_argument("--warehouse", default=None, help="published warehouse (default CUSTOMER360_DUCKDB_PATH)")
    export.set_defaults(func=_export_audiences)

    dashboard = sub.add_parser("dashboard", help="serve the Customer-360 dashboard on the published warehouse")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(func=_dashboard)

    bench_dash = sub.add_parser("benchmark-dashboard", help="time the dashboard's customer lookup (not a test)")
    bench_dash.add_argument("--samples", type=int, default=50)
    bench_dash.add_argument("--warehouse", default=None, help="published warehouse (default CUSTOMER360_DUCKDB_PATH)")
    bench_dash.set_defaults(func=_benchmark_dashboard)

    bench_audit = sub.add_parser(
        "benchmark-audit",
        help="share of the main job taken by the dbt data tests and the data-quality suites (not a test)",
    )
    bench_audit.add_argument("--repeat", type=int, default=3)
    bench_audit.add_argument("--workdir", default="/tmp/customer360-benchmark-audit", help="scratch folder")
    bench_audit.set_defaults(func=_benchmark_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "generate" and args.truth is None:
        args.truth = str(Path(args.out).parent / "truth")
    try:
        return args.func(args)
    except UnusablePathError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
