"""Draw the pictures of chapters 1-6 and 10 into docs/images (the charts need no plotting library).

    python examples/16_chapter_pictures.py              # into docs/images
    python examples/16_chapter_pictures.py --out DIR    # somewhere else

- eps-error.svg (chapter 1): the central difference's error against eps, float64 and float32;
- graph-L.svg, graph-L-backward.svg (chapters 2 and 3): L = (a * b + c) * f, before and after
  backward;
- graph-broadcast.svg (chapter 4): a bias added to 4 rows collects 4 gradients;
- activations.svg (chapter 5): sigmoid, tanh and relu, and their slopes;
- tutorial-trace.svg (chapter 6): the tutorial's sum_error per epoch;
- vanishing-gradient.svg, optimisers.svg (chapter 10): the mean |delta| per layer of a deep
  sigmoid and a deep tanh network; the tutorial's run with SGD, momentum and Adam.
Every number comes from the same code the chapters show; tests/test_docs_pictures.py re-draws
them and compares with docs/images.
"""

import argparse
import random
from pathlib import Path

import numpy as np

import tinygrad_bp as tg
from tinygrad_bp import nn
from tinygrad_bp import tutorial as tut
from tinygrad_bp.losses import half_squared_error
from tinygrad_bp.nn import MLP
from tinygrad_bp.optim import SGD, Adam
from tinygrad_bp.viz import line_chart, stack

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


def eps_errors() -> dict[str, tuple[np.ndarray, list[float]]]:
    """Chapter 1: |central difference - 12| for x**3 at 2, eps = 1e-1 ... 1e-13 in 1/4 decades."""
    def central(x, eps):
        return ((x + eps) ** 3 - (x - eps) ** 3) / (2 * eps)

    eps = 10.0 ** np.arange(-1.0, -13.01, -0.25)
    return {"float64": (eps, [abs(central(2.0, e) - 12.0) for e in eps]),
            "float32": (eps, [abs(float(central(np.float32(2.0), np.float32(e))) - 12.0)
                              for e in eps])}


def expression() -> tg.Value:
    """Chapter 2's L = (a * b + c) * f, labelled as the chapter labels it."""
    a, b = tg.Value(2.0, label="a"), tg.Value(-3.0, label="b")
    c, f = tg.Value(10.0, label="c"), tg.Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def broadcast() -> tg.Value:
    """Chapter 4: a bias of shape (2,) added to each of 4 rows, after backward."""
    bias = tg.Value([0.5, -1.0], label="bias")
    X = tg.Value(np.ones((4, 2)), label="X")
    Z = X + bias
    Z.label = "Z"
    total = Z.sum()
    total.label = "total"
    total.backward()
    return total


def activation_curves() -> tuple[dict, dict]:
    """Chapter 5: each activation and its slope for a in [-4, 4], the slope from backward."""
    a = np.linspace(-4, 4, 161)
    values, slopes = {}, {}
    for name in ("sigmoid", "tanh", "relu"):
        x = tg.Value(a)
        y = getattr(x, name)()
        y.sum().backward()
        values[name], slopes[name] = (a, y.data), (a, x.grad)
    return values, slopes


def tutorial_sum_error() -> list[float]:
    """Chapter 6: the tutorial's training run, sum_error per epoch."""
    random.seed(1)
    network = tut.initialize_network(2, 2, 2)
    return tut.train_network(network, tut.contrived_dataset(), 0.5, 20, 2)


def layer_deltas() -> dict[str, list[float]]:
    """Chapter 10: mean |delta| per layer of two deep networks, for the row [0.5, -1]."""
    row, expected = [0.5, -1.0], [1.0, 0.0]
    means = {}
    for activation, init in (("sigmoid", "tutorial"), ("tanh", "symmetric")):
        model = MLP(2, [4, 4, 4, 4, 4, 2], activation=activation, output_activation="sigmoid",
                    init=init, rng=random.Random(0))
        half_squared_error(model(row), expected).backward()
        means[f"{activation}, {init} init"] = [np.mean([abs(n.delta) for n in layer.neurons])
                                                for layer in model.layers]
    return means


def optimiser_errors() -> dict[str, list[float]]:
    """Chapter 10: the tutorial's 20 epochs with plain SGD, momentum and Adam."""
    dataset = tut.contrived_dataset()
    errors = {}
    for name, make in (("SGD lr 0.5", lambda ps: SGD(ps, lr=0.5)),
                       ("SGD lr 0.5, momentum 0.9", lambda ps: SGD(ps, lr=0.5, momentum=0.9)),
                       ("Adam lr 0.1", lambda ps: Adam(ps, lr=0.1))):
        random.seed(1)
        network = MLP(2, [2, 2])
        history = nn.train(network, [row[:2] for row in dataset], [row[-1] for row in dataset],
                           optimizer=make(network.parameters()), epochs=20)
        errors[name] = history.sum_error  # the tutorial's per-epoch sum_error
    return errors


def charts() -> dict[str, tg.viz.Chart]:
    """The line charts, by file name."""
    values, slopes = activation_curves()
    epochs = list(range(1, 21))
    return {
        "eps-error.svg": line_chart(
            eps_errors(), log_x=True, log_y=True, xlabel="eps",
            title="Error of the central difference for x³ at x = 2",
            ylabel="|central difference - 12|"),
        "activations.svg": stack(
            [line_chart(values, title="Activation f(a)", xlabel="a", ylabel="f(a)", height=300),
             line_chart(slopes, title="Its slope f'(a): what backward multiplies by",
                        xlabel="a", ylabel="f'(a)", height=300)],
            title="Activations and their slopes"),
        "tutorial-trace.svg": line_chart(
            {"sum_error": (epochs, tutorial_sum_error())}, title="The tutorial's training run",
            xlabel="epoch", ylabel="sum_error"),
        "vanishing-gradient.svg": line_chart(
            {name: (list(range(1, 7)), means) for name, means in layer_deltas().items()},
            log_y=True, title="Deltas shrink on their way back", xlabel="layer (6 = output)",
            ylabel="mean |delta|"),
        "optimisers.svg": line_chart(
            {name: (epochs, errors) for name, errors in optimiser_errors().items()},
            title="The tutorial's run with three optimisers", xlabel="epoch",
            ylabel="sum_error"),
    }


def draw(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    L = expression()
    graphs = {"graph-L.svg": tg.draw_graph(L, show_grad=False)}
    L.backward()
    graphs.update({"graph-L-backward.svg": tg.draw_graph(L),
                   "graph-broadcast.svg": tg.draw_graph(broadcast())})
    written = []
    for name, figure in graphs.items():
        written.append(out / name)
        written[-1].write_bytes(figure.pipe(format="svg", quiet=True))
    return written + [chart.save(out / name) for name, chart in charts().items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="directory (docs/images)")
    for path in draw(parser.parse_args().out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
