"""Draw the pictures of the docs: a graph after backward, a worksheet, the tutorial's networks.

    python examples/10_draw_graph.py                # docs/images/graph.svg, its worksheet, a frame
    python examples/10_draw_graph.py network        # docs/images/network-2-1-2.svg, -7-5-3.svg
    python examples/10_draw_graph.py all --out DIR  # all five, into DIR

The graph is micrograd's neuron o = tanh(x1*w1 + x2*w2 + b) with x1=2, x2=0, w1=-3, w2=1 and
b=6.8814, chosen so that o = 0.7071 and every gradient is a round number. The networks are the
tutorial's, drawn with random.seed(1) after one forward and one backward pass (on row
[1, 0] for 2-1-2, on the first normalised wheat-seeds row for 7-5-3).
Rendering needs no system Graphviz: graphviz-pure (installed with tinygrad_bp) draws them.
"""

import argparse
import random
import shutil
import tempfile
from pathlib import Path

from tinygrad_bp import data
from tinygrad_bp import tutorial as tut
from tinygrad_bp.viz import draw_graph, draw_network, explain_backward, save_backward_frames
from tinygrad_bp.tutorial.samples import classic_neuron

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


def draw_graphs(out: Path) -> list[Path]:
    written = [out / "graph.svg", out / "graph-worksheet.svg", out / "backward-step-9.svg"]
    with tempfile.TemporaryDirectory() as frames:  # one frame of the walk-through, for the docs
        shutil.copy(save_backward_frames(classic_neuron(backward=False), frames)[8], written[2])
    o = classic_neuron(backward=False)  # the same few lines as in chapter 9: x1 * w1 + ...
    explain_backward(o)  # prints each chain-rule step, and runs o.backward()
    written[0].write_bytes(draw_graph(o).pipe(format="svg"))
    written[1].write_bytes(draw_graph(o, show_grad=False).pipe(format="svg"))
    return written


def draw_networks(out: Path) -> list[Path]:
    seeds = data.load_wheat_seeds()
    features = data.normalize(seeds.features, *data.minmax(seeds.features))
    first_row = [float(v) for v in features[0]]
    first_label = [1.0 if k == seeds.labels[0] else 0.0 for k in range(3)]
    written = []
    for shape, row, expected in [((2, 1, 2), [1.0, 0.0], [0.0, 1.0]),
                                 ((7, 5, 3), first_row, first_label)]:
        random.seed(1)  # the tutorial's weights are draws from Python's global stream
        net = tut.initialize_network(*shape)
        tut.forward_propagate(net, row)
        tut.backward_propagate_error(net, expected)  # fills every neuron's delta
        path = out / f"network-{'-'.join(map(str, shape))}.svg"
        path.write_bytes(draw_network(net).pipe(format="svg"))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", choices=["graph", "network", "all"], default="graph")
    parser.add_argument("--out", type=Path, default=IMAGES, help="directory (docs/images)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    if args.what in ("graph", "all"):
        written += draw_graphs(args.out)
    if args.what in ("network", "all"):
        written += draw_networks(args.out)
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
