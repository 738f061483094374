"""How long the verification tools take, as a multiple of one forward and backward pass.

``check_graph`` runs each op's forward twice per input element it perturbs (64 per input at
most, plus one random direction), ``taylor_test`` runs ``f`` 63 times (3 directions x 21
steps) and ``eps_sweep`` 138 times (3 x 23 x 2). Their cost is best read against what the
graph costs anyway: one forward and one backward pass, timed in the same run. Two graphs:

- the tutorial's 2-1-2 loss written one scalar at a time (29 nodes, 17 of them ops);
- a layer-granularity MLP 784-256-10 (relu, then softmax and cross-entropy) on a batch of 32
  rows: 200,704 first-layer weights, so check_graph samples.

Before timing, each tool must pass the right graph and check_graph must name a planted wrong
op in the MLP (a relu whose gradient is shifted by one element), or nothing is timed.

    python benchmarks/bench_verify.py [--repeats 5]

Prints a markdown table of medians. Exit status 0, or 1 when a check fails.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tinygrad_bp as tg
from tinygrad_bp.nn import MLP
from tinygrad_bp.nn.losses import cross_entropy
from tinygrad_bp.ops import Relu
from tinygrad_bp.tutorial.samples import TUTORIAL_WEIGHTS, tutorial_loss


class ShiftedRelu(Relu):
    """y = max(a, 0);  da = g * (a > 0) shifted one element (wrong on purpose)"""

    name = "relu_shifted_for_benchmark"

    @staticmethod
    def backward(g, y, a):
        return (np.roll(g * (a > 0), 1, axis=-1),)


def tutorial_case():
    """The tutorial's loss as a function of its seven weights (what taylor_test needs)."""
    (hidden,), outputs = TUTORIAL_WEIGHTS
    weights = [tg.Value(w) for w in [*hidden, *outputs[0], *outputs[1]]]

    def f(w1, w2, b, v1, c1, v2, c2):
        h = (b + w1 * 1.0 + w2 * 0.0).sigmoid()
        o1, o2 = (c1 + v1 * h).sigmoid(), (c2 + v2 * h).sigmoid()
        return 0.5 * ((0.0 - o1) ** 2 + (1.0 - o2) ** 2)

    return tutorial_loss(backward=False), f, weights


def mlp_case():
    net = MLP(784, [256, 10], activation="relu", output_activation="softmax",
              rng=random.Random(0), init="symmetric")
    rng = np.random.default_rng(0)
    x, target = rng.random((32, 784)), np.eye(10)[rng.integers(0, 10, 32)]

    def f(*params):
        return cross_entropy(net(x), target)

    loss = f()
    return loss, f, net.parameters(), net.layers[0].out  # the hidden relu of this graph


def medians(runs: dict, repeats: int) -> dict:
    """The median seconds of each run, the runs interleaved so drift hits them alike."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def runs(graph, f, inputs) -> dict:
    """One forward and backward pass, and each tool, on one case."""
    return {"base": lambda: f(*inputs).backward(), "check": lambda: tg.check_graph(graph),
            "taylor": lambda: tg.taylor_test(f, *inputs),
            "sweep": lambda: tg.eps_sweep(f, *inputs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    tutorial_loss_graph, tutorial_f, tutorial_weights = tutorial_case()
    mlp_loss, mlp_f, mlp_params, hidden = mlp_case()
    cases = {"tutorial 2-1-2 loss, scalars": (tutorial_loss_graph, tutorial_f, tutorial_weights),
             "MLP 784-256-10, batch 32": (mlp_loss, mlp_f, mlp_params)}
    ok = all(tg.check_graph(graph).ok and tg.taylor_test(f, *inputs).ok
             for graph, f, inputs in cases.values())
    hidden._op = ShiftedRelu
    planted = tg.check_graph(mlp_loss)
    hidden._op = Relu
    if not ok or [b.node for b in planted.bad] != [hidden]:
        print("a check failed: nothing timed", file=sys.stderr)
        return 1

    print("| graph | forward + backward (µs) | check_graph (ms) | taylor_test (ms) "
          "| eps_sweep (ms) | check_graph / (forward + backward) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, case in cases.items():
        t = medians(runs(*case), args.repeats)
        print(f"| {name} | {t['base'] * 1e6:.1f} | {t['check'] * 1e3:.1f} "
              f"| {t['taylor'] * 1e3:.1f} | {t['sweep'] * 1e3:.1f} "
              f"| {t['check'] / t['base']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
