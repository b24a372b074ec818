"""The `customer360` command: one entry point, one subcommand per job."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import settings


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

    return run_pipeline(settings.Settings.from_env(), full_refresh=args.full_refresh)


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

    run = sub.add_parser("run", help="dbt build on the configured raw folder, then print a summary")
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    run.set_defaults(func=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "truth", "unset") is None:
        args.truth = str(Path(args.out).parent / "truth")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
