"""Wheat seeds case study speed: tinygrad_bp against the tutorial's own algorithm, and more.

The tutorial side is the plain-Python reference oracle in ``tests/reference/`` (lists of
dicts and Python floats, the tutorial's code restated). Every side runs the same case study:
``seed``, min-max normalisation, k-fold cross-validation, a fresh 7-5-3 sigmoid network per
fold trained online, and must return the tutorial's fold scores, or the timing means nothing.

Sides: ``tutorial`` (the reference), ``tinygrad_bp`` (``casestudy.cross_validate``, what
``tinygrad-bp seeds`` runs), ``tinygrad_bp-numba`` (the same with ``compile="numba"``, the
optional ``fast`` extra), and, written without tinygrad_bp (``seeds_sides.py``), ``numpy``
(handwritten, the folds stacked), ``numba`` (a handwritten loop: the floor), ``jax`` and
``torch``. A side whose library is missing is skipped. Libraries are imported before any
timing; each side's first run is reported apart (it pays for compiling), and the medians
are over the repeats after it. Repeats interleave the sides (A B C, C B A, ...).

    python benchmarks/bench_seeds.py [--repeats 3] [--epochs 500] [--sides ...] [--data CSV]

``--epochs 20`` makes a quick smoke run. Exit status: 0 when every side's scores are the
tutorial's, 1 when one differs, 2 when the tinygrad_bp side cannot run.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import seeds_sides  # noqa: E402  (next to this file)
from tests.reference import tutorial_algorithm  # noqa: E402  (needs the repo root on sys.path)

DEFAULT_DATA = tutorial_algorithm.DEFAULT_SEEDS_CSV


def run_tutorial(args: argparse.Namespace) -> list[float]:
    """Fold scores from the tutorial's algorithm (the reference oracle)."""
    return tutorial_algorithm.run_seeds_case_study(
        args.data, seed=args.seed, n_folds=args.folds, l_rate=args.lr, n_epoch=args.epochs,
        n_hidden=args.hidden)


def _cross_validate(args: argparse.Namespace, **options) -> list[float]:
    from tinygrad_bp.casestudy import cross_validate
    from tinygrad_bp.data import load_csv

    return cross_validate(load_csv(args.data), n_folds=args.folds, l_rate=args.lr,
                          n_epoch=args.epochs, n_hidden=args.hidden, seed=args.seed,
                          **options).scores


def run_tinygrad_bp(args: argparse.Namespace) -> list[float]:
    """Fold scores from tinygrad_bp's case study, as ``tinygrad-bp seeds`` runs it."""
    return _cross_validate(args)


def run_tinygrad_bp_numba(args: argparse.Namespace) -> list[float]:
    """The same, its epochs compiled by numba (``pip install 'tinygrad_bp[fast]'``)."""
    return _cross_validate(args, compile="numba")


SIDES: dict[str, tuple[Callable, str | None]] = {
    "tutorial": (run_tutorial, None), "tinygrad_bp": (run_tinygrad_bp, None),
    "tinygrad_bp-numba": (run_tinygrad_bp_numba, "numba"),
    **{name: (run, module) for name, (run, module) in seeds_sides.SIDES.items()},
}


LABELS = {"tutorial": "tutorial (plain Python)", "tinygrad_bp-numba": "tinygrad_bp, numba",
          "numpy": "handwritten NumPy", "numba": "handwritten numba loop", "jax": "JAX",
          "torch": "PyTorch"}
"""How the table names a side."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the wheat seeds CSV")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--hidden", type=int, default=5)
    parser.add_argument("--sides", nargs="+", choices=list(SIDES), default=list(SIDES),
                        help="which implementations to run (the tutorial always runs)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    names = ["tutorial"] + [s for s in args.sides if s != "tutorial"]
    sides = {}
    for name in names:
        run, module = SIDES[name]
        if module is not None and importlib.util.find_spec(module) is None:
            print(f"{name}: skipped, {module} is not installed", file=sys.stderr)
            continue
        if module is not None:
            importlib.import_module(module)  # imported now, so no timing pays for it
        sides[name] = run
    first: dict[str, float] = {}
    times: dict[str, list[float]] = {name: [] for name in sides}
    scores: dict[str, list[float]] = {}
    for repeat in range(args.repeats + 1):  # repeat 0: each side's first run, kept apart
        for name in (list(sides) if repeat % 2 == 0 else list(sides)[::-1]):
            start = time.perf_counter()
            try:
                scores[name] = sides[name](args)
            except (NotImplementedError, TypeError) as error:
                print(f"{name}: cannot run ({error})", file=sys.stderr)
                sides.pop(name)
                times.pop(name)
                continue
            elapsed = time.perf_counter() - start
            if repeat == 0:
                first[name] = elapsed
            else:
                times[name].append(elapsed)

    print(f"Seeds case study ({args.data.name}), seed {args.seed}, {args.folds} folds, "
          f"{args.epochs} epochs, lr {args.lr}, {args.hidden} hidden; medians of "
          f"{args.repeats} repeats after a first run\n")
    print("| implementation | median (s) | min (s) | max (s) | first run (s) | ratio "
          "| same scores |")
    print("|---|---:|---:|---:|---:|---:|---|")
    reference = statistics.median(times["tutorial"])
    for name, samples in times.items():
        median = statistics.median(samples)
        same = "yes" if scores[name] == scores["tutorial"] else "NO"
        shown = LABELS.get(name, name)
        print(f"| {shown} | {median:.3f} | {min(samples):.3f} | {max(samples):.3f} "
              f"| {first[name]:.3f} | {median / reference:.3f} | {same} |")
    print(f"\ntutorial scores: {scores['tutorial']}")
    if "tinygrad_bp" not in times:
        print("\nno comparison: tinygrad_bp's side does not run", file=sys.stderr)
        return 2
    print(f"\nratio tinygrad_bp / tutorial = "
          f"{statistics.median(times['tinygrad_bp']) / reference:.2f}")
    differ = [name for name in scores if scores[name] != scores["tutorial"]]
    if differ:
        print(f"FAIL: fold scores differ from the tutorial's: {', '.join(differ)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
