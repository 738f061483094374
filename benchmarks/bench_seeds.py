"""Wheat seeds case study speed: tinygrad_bp against the tutorial's own algorithm.

The tutorial side is the plain-Python reference oracle in ``tests/reference/`` (lists of
dicts and Python floats, the tutorial's code restated). Both sides run the same case study:
``seed``, min-max normalisation, k-fold cross-validation, a fresh 7-5-3 sigmoid network per
fold trained online. Both must return the same fold scores, or the timing means nothing.
Repeats interleave the two sides (A B B A ...); the report gives medians and their ratio.

    python benchmarks/bench_seeds.py [--repeats 3] [--epochs 500] [--data CSV]

``--epochs 20`` makes a quick smoke run. Exit status: 0 when the scores agree, 1 when they
differ, 2 when the tinygrad_bp side cannot run yet.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reference import tutorial_algorithm  # noqa: E402  (needs the repo root on sys.path)

DEFAULT_DATA = tutorial_algorithm.DEFAULT_SEEDS_CSV


def run_tutorial(args: argparse.Namespace) -> list[float]:
    """Fold scores from the tutorial's algorithm (the reference oracle)."""
    return tutorial_algorithm.run_seeds_case_study(
        args.data, seed=args.seed, n_folds=args.folds, l_rate=args.lr, n_epoch=args.epochs,
        n_hidden=args.hidden)


# --- the one call site of tinygrad_bp's case study: wire it here --------------------------
def run_tinygrad_bp(args: argparse.Namespace) -> list[float]:
    """Fold scores from tinygrad_bp's case study, same settings as ``run_tutorial``."""
    from tinygrad_bp.casestudy import cross_validate
    from tinygrad_bp.data import load_csv

    return cross_validate(load_csv(args.data), n_folds=args.folds, l_rate=args.lr,
                          n_epoch=args.epochs, n_hidden=args.hidden, seed=args.seed).scores
# -------------------------------------------------------------------------------------------


def timed(run: Callable[[argparse.Namespace], list[float]],
          args: argparse.Namespace) -> tuple[float, list[float]]:
    start = time.perf_counter()
    scores = run(args)
    return time.perf_counter() - start, scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the wheat seeds CSV")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--hidden", type=int, default=5)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    sides = {"tutorial (oracle)": run_tutorial, "tinygrad_bp": run_tinygrad_bp}
    times: dict[str, list[float]] = {name: [] for name in sides}
    scores: dict[str, list[float]] = {}
    for repeat in range(args.repeats):
        for name in (list(sides) if repeat % 2 == 0 else list(sides)[::-1]):
            try:
                elapsed, scores[name] = timed(sides[name], args)
            except NotImplementedError as error:
                print(f"{name}: {error}", file=sys.stderr)
                sides.pop(name)
                times.pop(name)
                continue
            times[name].append(elapsed)

    print(f"Seeds case study ({args.data.name}), seed {args.seed}, {args.folds} folds, "
          f"{args.epochs} epochs, lr {args.lr}, {args.hidden} hidden; {args.repeats} repeats\n")
    print("| implementation | median (s) | min (s) | max (s) | mean score (%) |")
    print("|---|---:|---:|---:|---:|")
    for name, samples in times.items():
        mean = sum(scores[name]) / len(scores[name])
        print(f"| {name} | {statistics.median(samples):.2f} | {min(samples):.2f} "
              f"| {max(samples):.2f} | {mean:.3f} |")
    for name, fold_scores in scores.items():
        print(f"\n{name} scores: {fold_scores}")

    if "tinygrad_bp" not in times:
        print("\nno comparison: tinygrad_bp's side does not run yet (see run_tinygrad_bp)",
              file=sys.stderr)
        return 2
    ratio = (statistics.median(times["tinygrad_bp"])
             / statistics.median(times["tutorial (oracle)"]))
    print(f"\nratio tinygrad_bp / tutorial = {ratio:.2f}")
    if scores["tinygrad_bp"] != scores["tutorial (oracle)"]:
        print("FAIL: the two implementations' fold scores differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
