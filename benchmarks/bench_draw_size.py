"""How drawing time grows with the size of a graph: why draw_graph has a max_nodes limit.

For scalar graphs of growing size (a sum of products x_i * w_i, after backward), times building
the DOT text (``draw_graph(y, max_nodes=None).source``) and laying it out as SVG
(``.pipe(format="svg")``, with whatever renderer ``find_renderer`` finds) in interleaved
repeats, and reports medians, the SVG / DOT ratio at each size, and how much each doubling of
the node count multiplies the SVG time (2.0 would be linear).

    python benchmarks/bench_draw_size.py [--sizes 250 500 1000 2000 5000] [--repeats 3]

Before timing, each SVG is parsed as XML and must hold one text per node name: the time of a
broken picture means nothing. Exit status 0, or 1 when a picture is wrong.
"""
from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tinygrad_bp import Value, engine  # noqa: E402  (needs the repo root on sys.path)
from tinygrad_bp.viz import draw_graph, find_renderer  # noqa: E402


def sum_of_products(n_nodes: int) -> Value:
    """A graph of about ``n_nodes`` nodes: x0*w0 + x1*w1 + ..., four nodes per term."""
    rng = random.Random(0)
    terms = max(1, (n_nodes + 1) // 4)
    y = None
    for i in range(terms):
        term = Value(rng.random(), label=f"x{i}") * Value(rng.random(), label=f"w{i}")
        y = term if y is None else y + term
    y.backward()
    return y


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000, 5000],
                        help="approximate node counts to draw")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per size")
    args = parser.parse_args(argv)
    print(f"renderer: {find_renderer()}")
    rows = []
    for size in args.sizes:
        y = sum_of_products(size)
        nodes = len(engine.topological_order(y))
        figure = draw_graph(y, max_nodes=None)
        texts = {"".join(t.itertext()).strip() for t in
                 ET.fromstring(figure.pipe(format="svg")).iter("{http://www.w3.org/2000/svg}text")}
        if not all(f"x{i}" in texts for i in range((size + 1) // 4)):
            print(f"FAIL: the SVG of {nodes} nodes lacks node names", file=sys.stderr)
            return 1
        dot, svg = [], []
        for repeat in range(args.repeats):
            runs = [(dot, lambda y=y: draw_graph(y, max_nodes=None).source),
                    (svg, lambda figure=figure: figure.pipe(format="svg"))]
            for samples, run in (runs if repeat % 2 == 0 else runs[::-1]):
                samples.append(timed(run))
        rows.append((nodes, statistics.median(dot), statistics.median(svg), min(svg), max(svg)))
    print("\n| nodes | DOT text median (s) | SVG median (s) | SVG min (s) | SVG max (s) "
          "| SVG / DOT |")
    print("|---:|---:|---:|---:|---:|---:|")
    for nodes, dot, svg, low, high in rows:
        print(f"| {nodes} | {dot:.3f} | {svg:.2f} | {low:.2f} | {high:.2f} | {svg / dot:.0f} |")
    for (n1, _, t1, _, _), (n2, _, t2, _, _) in itertools.pairwise(rows):
        print(f"{n1} -> {n2} nodes (x{n2 / n1:.1f}): SVG time x{t2 / t1:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
